import type { Tensor } from "../tensor/tensor.js";
import type { LayerNorm } from "./layer-norm.js";
import { Module } from "./module.js";
import { ModuleList } from "./module-list.js";
import { layerCopies } from "./transformer-layer-parts.js";
import { TransformerEncoderLayer, type TransformerEncoderLayerForwardOptions } from "./transformer-encoder-layer.js";

/** Options of {@link TransformerEncoder}. */
export interface TransformerEncoderOptions {
  /** A LayerNorm applied to the last layer's output (PyTorch's `norm`, saved under `norm.`); default none. */
  norm?: LayerNorm | null;
}

/**
 * A stack of `numLayers` copies of `encoderLayer` (PyTorch's `nn.TransformerEncoder`), each
 * starting from the given layer's weights, then an optional final `norm`. The state dict has
 * PyTorch's keys (`layers.0.self_attn.in_proj_weight` …, `norm.weight`), so a PyTorch encoder's
 * weights load unchanged. The forward options (`srcMask`, `srcKeyPaddingMask`, `isCausal`) go
 * to every layer.
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const layer = new nn.TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const encoder = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(16) });
 * console.log(encoder.call(randn([2, 5, 16]), { isCausal: true }).shape); // [2, 5, 16]
 * console.log(Object.keys(encoder.stateDict()).filter((k) => k.endsWith("in_proj_weight"))); // ["layers.0.self_attn.in_proj_weight", "layers.1.self_attn.in_proj_weight"]
 * ```
 */
export class TransformerEncoder extends Module<[Tensor, TransformerEncoderLayerForwardOptions?]> {
  readonly layers: ModuleList<TransformerEncoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(
    encoderLayer: TransformerEncoderLayer,
    readonly numLayers: number,
    options: TransformerEncoderOptions = {},
  ) {
    super();
    if (!(encoderLayer instanceof TransformerEncoderLayer)) throw new Error("TransformerEncoder: encoderLayer must be an nn.TransformerEncoderLayer");
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`TransformerEncoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(layerCopies(encoderLayer, numLayers, (dModel, nhead, options) => new TransformerEncoderLayer(dModel, nhead, options)));
    this.norm = options.norm ?? null;
  }

  forward(src: Tensor, options: TransformerEncoderLayerForwardOptions = {}): Tensor {
    let out = src;
    for (const layer of this.layers) out = layer.call(out, options);
    return this.norm === null ? out : this.norm.call(out);
  }

  override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
