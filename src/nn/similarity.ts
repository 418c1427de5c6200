import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";
import { cosineSimilarity, pairwiseDistance, type CosineSimilarityOptions, type PairwiseDistanceOptions } from "./functional/similarity.js";

/**
 * The cosine similarity of its two inputs along `dim` (PyTorch's `nn.CosineSimilarity`; see
 * {@link cosineSimilarity}).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const cos = new nn.CosineSimilarity({ dim: 1 });
 * console.log(cos.call(tensor([[1, 0]]), tensor([[0, 2]])).toArray()); // [0]
 * ```
 */
export class CosineSimilarity extends Module<[Tensor, Tensor]> {
  readonly dim: number;
  readonly eps: number;

  constructor(options: CosineSimilarityOptions = {}) {
    super();
    this.dim = options.dim ?? 1;
    this.eps = options.eps ?? 1e-8;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return cosineSimilarity(x1, x2, { dim: this.dim, eps: this.eps });
  }
}

/**
 * The p-norm distance of its two inputs along their last dim (PyTorch's `nn.PairwiseDistance`;
 * see {@link pairwiseDistance}).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const distance = new nn.PairwiseDistance({ eps: 0 });
 * console.log(distance.call(tensor([[3, 4]]), tensor([[0, 0]])).toArray()); // [5]
 * ```
 */
export class PairwiseDistance extends Module<[Tensor, Tensor]> {
  readonly p: number;
  readonly eps: number;
  readonly keepdim: boolean;

  constructor(options: PairwiseDistanceOptions = {}) {
    super();
    this.p = options.p ?? 2;
    this.eps = options.eps ?? 1e-6;
    this.keepdim = options.keepdim ?? false;
  }

  forward(x1: Tensor, x2: Tensor): Tensor {
    return pairwiseDistance(x1, x2, { p: this.p, eps: this.eps, keepdim: this.keepdim });
  }
}
