import type { Tensor } from "../tensor/tensor.js";
import { Dropout } from "./dropout.js";
import { LayerNorm } from "./layer-norm.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { MultiheadAttention } from "./multihead-attention.js";
import { builtOptions, feedForwardActivation, layerSettings, type TransformerEncoderLayerOptions } from "./transformer-layer-parts.js";

/** Options of {@link TransformerDecoderLayer}: the encoder layer's, as PyTorch's. */
export type TransformerDecoderLayerOptions = TransformerEncoderLayerOptions;

/** Options of {@link TransformerDecoderLayer.forward}, as PyTorch's keyword arguments. */
export interface TransformerDecoderLayerForwardOptions {
  /** The self-attention's `attnMask` ([T, T] or [N·nhead, T, T]; bool true = may not attend). */
  tgtMask?: Tensor | null;
  /** The cross-attention's `attnMask` ([T, S] or [N·nhead, T, S]). */
  memoryMask?: Tensor | null;
  /** Shape [N, T], bool: true marks a padding position of the target to ignore. */
  tgtKeyPaddingMask?: Tensor | null;
  /** Shape [N, S], bool: true marks a padding position of the memory to ignore. */
  memoryKeyPaddingMask?: Tensor | null;
  /** A causal self-attention mask when `tgtMask` is not given (each position sees itself and earlier ones). */
  tgtIsCausal?: boolean;
  /** A causal cross-attention mask when `memoryMask` is not given. */
  memoryIsCausal?: boolean;
}

/**
 * One transformer decoder block (PyTorch's `nn.TransformerDecoderLayer`): self-attention over
 * the target, attention from the target to the encoder's output (`memory`), and a feed-forward
 * block (linear1 → activation → dropout → linear2), each with dropout, a residual connection
 * and a LayerNorm — after the sum (default) or before the block (`normFirst`). Submodules carry
 * PyTorch's names (`self_attn`, `multihead_attn`, `linear1`, `linear2`, `norm1`–`norm3`), so its
 * state dict is PyTorch's.
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const layer = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const memory = randn([2, 9, 16]); // the encoder's output: 9 source positions
 * console.log(layer.call(randn([2, 5, 16]), memory, { tgtIsCausal: true }).shape); // [2, 5, 16]
 * ```
 */
export class TransformerDecoderLayer extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?]> {
  readonly self_attn: MultiheadAttention;
  readonly multihead_attn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly normFirst: boolean;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly norm3: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;
  readonly dropout3: Dropout;
  /** The feed-forward block's activation, as a function. */
  readonly activation: (x: Tensor) => Tensor;
  /** Which activation was asked for ("function" for a user's own). */
  readonly activationName: "relu" | "gelu" | "function";
  readonly dimFeedforward: number;
  readonly layerNormEps: number;

  constructor(
    readonly dModel: number,
    readonly nhead: number,
    options: TransformerDecoderLayerOptions = {},
  ) {
    super();
    const { dropout: p, bias, init, attention, dimFeedforward, layerNormEps: eps, normFirst } = layerSettings(options);
    this.dimFeedforward = dimFeedforward;
    this.self_attn = new MultiheadAttention(dModel, nhead, attention);
    this.multihead_attn = new MultiheadAttention(dModel, nhead, attention);
    this.linear1 = new Linear(dModel, dimFeedforward, { ...init, bias });
    this.dropout = new Dropout(p);
    this.linear2 = new Linear(dimFeedforward, dModel, { ...init, bias });
    this.normFirst = normFirst;
    this.layerNormEps = eps;
    this.norm1 = new LayerNorm(dModel, { eps, bias, ...init });
    this.norm2 = new LayerNorm(dModel, { eps, bias, ...init });
    this.norm3 = new LayerNorm(dModel, { eps, bias, ...init });
    this.dropout1 = new Dropout(p);
    this.dropout2 = new Dropout(p);
    this.dropout3 = new Dropout(p);
    ({ activation: this.activation, activationName: this.activationName } = feedForwardActivation("TransformerDecoderLayer", options.activation));
  }

  /**
   * The options this layer was built with (its dtype included): another built with them is built alike.
   * @example
   * ```ts
   * import { nn } from "nabla";
   * console.log(new nn.TransformerDecoderLayer(8, 2, { normFirst: true }).options().normFirst); // true
   * ```
   */
  options(): Required<Omit<TransformerDecoderLayerOptions, "generator">> {
    return builtOptions(this);
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    const selfAttention = (x: Tensor): Tensor => {
      const [y] = this.self_attn.call(x, x, x, { attnMask: options.tgtMask ?? null, keyPaddingMask: options.tgtKeyPaddingMask ?? null, isCausal: options.tgtIsCausal ?? false, needWeights: false });
      return this.dropout1.call(y);
    };
    const crossAttention = (x: Tensor): Tensor => {
      const [y] = this.multihead_attn.call(x, memory, memory, { attnMask: options.memoryMask ?? null, keyPaddingMask: options.memoryKeyPaddingMask ?? null, isCausal: options.memoryIsCausal ?? false, needWeights: false });
      return this.dropout2.call(y);
    };
    const feedForward = (x: Tensor): Tensor => this.dropout3.call(this.linear2.call(this.dropout.call(this.activation(this.linear1.call(x)))));
    if (this.normFirst) {
      let x = tgt.add(selfAttention(this.norm1.call(tgt)));
      x = x.add(crossAttention(this.norm2.call(x)));
      return x.add(feedForward(this.norm3.call(x)));
    }
    let x = this.norm1.call(tgt.add(selfAttention(tgt)));
    x = this.norm2.call(x.add(crossAttention(x)));
    return this.norm3.call(x.add(feedForward(x)));
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, normFirst=${this.normFirst}`;
  }
}
