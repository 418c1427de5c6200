import type { Tensor } from "../tensor/tensor.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { MultiheadAttention } from "./multihead-attention.js";
import { builtOptions, feedForwardActivation, layerSettings, type TransformerEncoderLayerOptions } from "./transformer-layer-parts.js";

export type { TransformerEncoderLayerOptions } from "./transformer-layer-parts.js";

/** Options of {@link TransformerEncoderLayer.forward}, as PyTorch's keyword arguments. */
export interface TransformerEncoderLayerForwardOptions {
  /** The self-attention's `attnMask` ([L, S] or [N·nhead, L, S]; bool true = may not attend). */
  srcMask?: Tensor | null;
  /** Shape [N, S], bool: true marks a padding position to ignore. */
  srcKeyPaddingMask?: Tensor | null;
  /** A causal mask when `srcMask` is not given. */
  isCausal?: boolean;
}

/**
 * One transformer encoder block (PyTorch's `nn.TransformerEncoderLayer`): self-attention and a
 * feed-forward block (linear1 → activation → dropout → linear2), each with dropout, a
 * residual connection and a LayerNorm — after the sum (default) or before the block
 * (`normFirst`). Submodules carry PyTorch's names (`self_attn`, `linear1`, `linear2`,
 * `norm1`, `norm2`), so its state dict is PyTorch's.
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * console.log(layer.call(randn([2, 7, 16]), { isCausal: true }).shape); // [2, 7, 16]
 * ```
 */
export class TransformerEncoderLayer extends Module<[Tensor, TransformerEncoderLayerForwardOptions?]> {
  readonly self_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly normFirst: boolean;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  /** The feed-forward block's activation, as a function. */
  readonly activation: (x: Tensor) => Tensor;
  /** Which activation was asked for ("function" for a user's own), so a config can name it. */
  readonly activationName: "relu" | "gelu" | "function";
  /** The options the layer was built with, as PyTorch's constructor arguments (for a config.json). */
  readonly dimFeedforward: number;
  readonly layerNormEps: number;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerEncoderLayerOptions = {},
  ) {
    super();
    const { dropout: p, bias, init, attention, dimFeedforward, layerNormEps: eps, normFirst } = layerSettings(options);
    this.dimFeedforward = dimFeedforward;
    this.self_attn = new MultiheadAttention(dModel, nhead, attention);
    this.linear1 = new Linear(dModel, dimFeedforward, { ...init, bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { ...init, bias });
    this.normFirst = normFirst;
    this.layerNormEps = eps;
    this.norm1 = new LayerNorm(dModel, { eps, bias, ...init });
    this.norm2 = new LayerNorm(dModel, { eps, bias, ...init });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    ({ activation: this.activation, activationName: this.activationName } = feedForwardActivation("TransformerEncoderLayer", options.activation));
  }

  /**
   * The options this layer was built with (its dtype included): another built with them is built alike.
   * @example
   * ```ts
   * import { nn } from "nabla";
   * const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, normFirst: true });
   * console.log(layer.options().dimFeedforward, layer.options().normFirst); // 16 true
   * ```
   */
  options(): Required<Omit<TransformerEncoderLayerOptions, "generator">> {
    return builtOptions(this);
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    const attention = (x: Tensor): Tensor => {
      const [y] = this.self_attn.call(x, x, x, { attnMask: options.srcMask ?? null, keyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.isCausal ?? false, needWeights: false });
      return this.dropout1.call(y);
    };
    const feedForward = (x: Tensor): Tensor => this.dropout2.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(x)))));
    if (this.normFirst) {
      const x = src.add(attention(this.norm1.call(src)));
      return x.add(feedForward(this.norm2.call(x)));
    }
    const x = this.norm1.call(src.add(attention(src)));
    return this.norm2.call(x.add(feedForward(x)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}
