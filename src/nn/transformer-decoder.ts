import type { Tensor } from "../tensor/tensor.js";
import type { LayerNorm } from "./layer-norm.js";
import { Module } from "./module.js";
import { ModuleList } from "./module-list.js";
import { layerCopies } from "./transformer-layer-parts.js";
import { TransformerDecoderLayer, type TransformerDecoderLayerForwardOptions } from "./transformer-decoder-layer.js";

/** Options of {@link TransformerDecoder}. */
export interface TransformerDecoderOptions {
  /** A LayerNorm applied to the last layer's output (PyTorch's `norm`, saved under `norm.`); default none. */
  norm?: LayerNorm | null;
}

/**
 * A stack of `numLayers` copies of `decoderLayer` (PyTorch's `nn.TransformerDecoder`), each
 * starting from the given layer's weights and attending to the same `memory`, then an optional
 * final `norm`. The state dict has PyTorch's keys (`layers.0.multihead_attn.in_proj_weight` …,
 * `norm.weight`). The forward options (masks, key padding, `tgtIsCausal`) go to every layer.
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const layer = new nn.TransformerDecoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true });
 * const decoder = new nn.TransformerDecoder(layer, 2, { norm: new nn.LayerNorm(16) });
 * console.log(decoder.call(randn([2, 5, 16]), randn([2, 9, 16]), { tgtIsCausal: true }).shape); // [2, 5, 16]
 * ```
 */
export class TransformerDecoder extends Module<[Tensor, Tensor, TransformerDecoderLayerForwardOptions?]> {
  readonly layers: ModuleList<TransformerDecoderLayer>;
  readonly norm: LayerNorm | null;

  constructor(
    decoderLayer: TransformerDecoderLayer,
    readonly numLayers: number,
    options: TransformerDecoderOptions = {},
  ) {
    super();
    if (!(decoderLayer instanceof TransformerDecoderLayer)) throw new Error("TransformerDecoder: decoderLayer must be an nn.TransformerDecoderLayer");
    if (!Number.isInteger(numLayers) || numLayers < 1) throw new Error(`TransformerDecoder: numLayers must be a positive integer, got ${numLayers}`);
    this.layers = new ModuleList(layerCopies(decoderLayer, numLayers, (dModel, nhead, options) => new TransformerDecoderLayer(dModel, nhead, options)));
    this.norm = options.norm ?? null;
  }

  forward(tgt: Tensor, memory: Tensor, options: TransformerDecoderLayerForwardOptions = {}): Tensor {
    let out = tgt;
    for (const layer of this.layers) out = layer.call(out, memory, options);
    return this.norm === null ? out : this.norm.call(out);
  }

  override extraRepr(): string {
    return `numLayers=${this.numLayers}`;
  }
}
