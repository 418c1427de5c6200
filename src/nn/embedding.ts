import { noGrad } from "../autograd/grad-mode.js";
import { randn } from "../tensor/creation.js";
import type { Tensor, NestedArray } from "../tensor/tensor.js";
import { embedding, paddingRow } from "./functional/embedding.js";
import type { InitOptions } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link Embedding}: the padding row, and the dtype and generator of the initial table. */
export interface EmbeddingModuleOptions extends InitOptions {
  /** A row that starts at zero and gets no gradient (a padding token); negative counts from the end. */
  paddingIdx?: number | null;
}

/**
 * A lookup table of `numEmbeddings` learned vectors of size `embeddingDim` (PyTorch's
 * `nn.Embedding`): int32 indices of any shape in, [...shape, embeddingDim] out. `weight` starts
 * as N(0, 1) samples, with the `paddingIdx` row (if any) zeroed; that row never gets a gradient.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const wte = new nn.Embedding(10, 3, { paddingIdx: 0 });
 * const x = wte.call(tensor([[1, 2, 0]], { dtype: "int32" }));
 * console.log(x.shape, wte.weight.shape); // [1, 3, 3] [10, 3]
 * ```
 */
export class Embedding extends Module<[Tensor | NestedArray]> {
  readonly weight: Parameter;
  readonly paddingIdx: number | null;

  constructor(
    readonly numEmbeddings: number,
    readonly embeddingDim: number,
    options: EmbeddingModuleOptions = {},
  ) {
    super();
    for (const [name, value] of [["numEmbeddings", numEmbeddings], ["embeddingDim", embeddingDim]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`Embedding: ${name} must be a non-negative integer, got ${value}`);
    }
    this.paddingIdx = paddingRow("Embedding", options.paddingIdx, numEmbeddings);
    const initial = randn([numEmbeddings, embeddingDim], { dtype: options.dtype ?? "float32", ...(options.generator === undefined ? {} : { generator: options.generator }) });
    this.weight = new Parameter(initial);
    if (this.paddingIdx !== null) noGrad(() => this.weight.select(0, this.paddingIdx!).fill_(0));
  }

  forward(indices: Tensor | NestedArray): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx });
  }

  override extraRepr(): string {
    return `${this.numEmbeddings}, ${this.embeddingDim}${this.paddingIdx === null ? "" : `, paddingIdx=${this.paddingIdx}`}`;
  }
}
