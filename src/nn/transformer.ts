import { noGrad } from "../autograd/grad-mode.js";
import { full } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { xavierUniform_ } from "./init.js";
import { LayerNorm } from "./layer-norm.js";
import { Module } from "./module.js";
import { TransformerDecoder } from "./transformer-decoder.js";
import { TransformerDecoderLayer } from "./transformer-decoder-layer.js";
import { TransformerEncoder } from "./transformer-encoder.js";
import { TransformerEncoderLayer, type TransformerEncoderLayerOptions } from "./transformer-encoder-layer.js";

/** Options of {@link Transformer}, as PyTorch's `nn.Transformer` (the layers' options, and the stacks' depths). */
export interface TransformerOptions extends TransformerEncoderLayerOptions {
  /** Width of the model (default 512). */
  dModel?: number;
  /** Attention heads (default 8). */
  nhead?: number;
  /** Encoder layers (default 6). */
  numEncoderLayers?: number;
  /** Decoder layers (default 6). */
  numDecoderLayers?: number;
  /** An encoder of your own instead of the stack of `numEncoderLayers`. */
  customEncoder?: Module<[Tensor, { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }?]> | null;
  /** A decoder of your own instead of the stack of `numDecoderLayers`. */
  customDecoder?: Module<[Tensor, Tensor, TransformerForwardOptions?]> | null;
}

/** Options of {@link Transformer.forward}, as PyTorch's keyword arguments. */
export interface TransformerForwardOptions {
  /** The encoder's self-attention mask ([S, S]). */
  srcMask?: Tensor | null;
  /** The decoder's self-attention mask ([T, T]): {@link Transformer.generateSquareSubsequentMask} for a causal decoder. */
  tgtMask?: Tensor | null;
  /** The decoder's attention to the memory ([T, S]). */
  memoryMask?: Tensor | null;
  /** [N, S], [N, T], [N, S] bool: true marks a padding position to ignore. */
  srcKeyPaddingMask?: Tensor | null;
  tgtKeyPaddingMask?: Tensor | null;
  memoryKeyPaddingMask?: Tensor | null;
  /** Causal masks where the matching mask is not given. */
  srcIsCausal?: boolean;
  tgtIsCausal?: boolean;
  memoryIsCausal?: boolean;
}

/**
 * The encoder-decoder transformer of "Attention Is All You Need" (PyTorch's `nn.Transformer`):
 * an encoder stack over the source, whose output (the memory) every layer of the decoder stack
 * attends to, each stack ending in a LayerNorm. The input embeddings and the output projection
 * are yours to add, as in PyTorch. Every weight matrix starts Xavier-uniform, as PyTorch's
 * `_reset_parameters` does, and the state dict has PyTorch's keys (`encoder.layers.0.…`,
 * `decoder.layers.0.multihead_attn.…`, `encoder.norm.weight`, `decoder.norm.weight`).
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const model = new nn.Transformer({ dModel: 16, nhead: 4, numEncoderLayers: 2, numDecoderLayers: 2, dimFeedforward: 32, batchFirst: true });
 * const tgtMask = nn.Transformer.generateSquareSubsequentMask(5);
 * console.log(model.call(randn([2, 9, 16]), randn([2, 5, 16]), { tgtMask }).shape); // [2, 5, 16]
 * ```
 */
export class Transformer extends Module<[Tensor, Tensor, TransformerForwardOptions?]> {
  readonly encoder: Module<[Tensor, { srcMask?: Tensor | null; srcKeyPaddingMask?: Tensor | null; isCausal?: boolean }?]>;
  readonly decoder: Module<[Tensor, Tensor, TransformerForwardOptions?]>;
  readonly dModel: number;
  readonly nhead: number;
  readonly batchFirst: boolean;

  constructor(options: TransformerOptions = {}) {
    super();
    const { dModel = 512, nhead = 8, numEncoderLayers = 6, numDecoderLayers = 6, customEncoder = null, customDecoder = null, ...layerOptions } = options;
    this.dModel = dModel;
    this.nhead = nhead;
    this.batchFirst = layerOptions.batchFirst ?? false;
    const norm = (): LayerNorm => new LayerNorm(dModel, { eps: layerOptions.layerNormEps ?? 1e-5, bias: layerOptions.bias ?? true, ...(layerOptions.dtype === undefined ? {} : { dtype: layerOptions.dtype }) });
    this.encoder = customEncoder ?? new TransformerEncoder(new TransformerEncoderLayer(dModel, nhead, layerOptions), numEncoderLayers, { norm: norm() });
    this.decoder = customDecoder ?? new TransformerDecoder(new TransformerDecoderLayer(dModel, nhead, layerOptions), numDecoderLayers, { norm: norm() });
    // PyTorch's _reset_parameters: every parameter with more than one dim, Xavier-uniform
    const generator = layerOptions.generator === undefined ? {} : { generator: layerOptions.generator };
    noGrad(() => {
      for (const p of this.parameters()) if (p.ndim > 1) xavierUniform_(p, generator);
    });
  }

  forward(src: Tensor, tgt: Tensor, options: TransformerForwardOptions = {}): Tensor {
    const batch = (t: Tensor): number | undefined => (t.ndim === 3 ? t.shape[this.batchFirst ? 0 : 1] : undefined);
    if (src.ndim !== tgt.ndim || batch(src) !== batch(tgt)) {
      throw new Error(`Transformer: src and tgt must both be batched (3-D, batchFirst=${this.batchFirst}) with the same batch size, or both unbatched, got src [${src.shape.join(", ")}] and tgt [${tgt.shape.join(", ")}]`);
    }
    if (src.shape.at(-1) !== this.dModel || tgt.shape.at(-1) !== this.dModel) throw new Error(`Transformer: src and tgt must have dModel = ${this.dModel} features, got src [${src.shape.join(", ")}] and tgt [${tgt.shape.join(", ")}]`);
    const memory = this.encoder.call(src, { srcMask: options.srcMask ?? null, srcKeyPaddingMask: options.srcKeyPaddingMask ?? null, isCausal: options.srcIsCausal ?? false });
    return this.decoder.call(tgt, memory, {
      tgtMask: options.tgtMask ?? null,
      memoryMask: options.memoryMask ?? null,
      tgtKeyPaddingMask: options.tgtKeyPaddingMask ?? null,
      memoryKeyPaddingMask: options.memoryKeyPaddingMask ?? null,
      tgtIsCausal: options.tgtIsCausal ?? false,
      memoryIsCausal: options.memoryIsCausal ?? false,
    });
  }

  /**
   * A [size, size] float mask that lets each position attend to itself and earlier ones: 0 on
   * and below the diagonal, −∞ above (PyTorch's `generate_square_subsequent_mask`).
   * @example
   * ```ts
   * import { nn } from "nabla";
   * console.log(nn.Transformer.generateSquareSubsequentMask(3).toArray()); // [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]
   * ```
   */
  static generateSquareSubsequentMask(size: number, options: { dtype?: DType } = {}): Tensor {
    if (!Number.isInteger(size) || size < 1) throw new Error(`Transformer.generateSquareSubsequentMask: size must be a positive integer, got ${size}`);
    return full([size, size], -Infinity, { dtype: options.dtype ?? "float32" }).triu(1);
  }

  override extraRepr(): string {
    return `dModel=${this.dModel}, nhead=${this.nhead}, batchFirst=${this.batchFirst}`;
  }
}
