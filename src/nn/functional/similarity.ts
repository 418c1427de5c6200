/**
 * Vector similarity and distance along a dim (PyTorch's `F.normalize`, `F.cosine_similarity`,
 * `F.pairwise_distance`): composites of the norm, sum and clamp ops, so their gradients are those
 * ops' and each eps keeps a zero vector from dividing by zero.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { formatShape } from "../../tensor/shape.js";

/** Options of {@link normalize}. */
export interface NormalizeOptions {
  /** The norm: 1, 2 (default) or Infinity. */
  p?: number;
  /** The dim whose vectors are scaled (default 1). */
  dim?: number;
  /** The smallest norm divided by (default 1e-12): a zero vector stays zero. */
  eps?: number;
}

/**
 * `x` scaled to unit p-norm along `dim`: x / max(‖x‖ₚ, eps) (PyTorch's `F.normalize`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.normalize(tensor([[3, 4], [0, 0]])).toArray()); // [[0.6000000238418579, 0.800000011920929], [0, 0]]
 * ```
 */
export function normalize(x: Tensor, options: NormalizeOptions = {}): Tensor {
  const { p = 2, dim = 1, eps = 1e-12 } = options;
  if (typeof eps !== "number" || !(eps >= 0)) throw new Error(`normalize: eps must be a non-negative number, got ${eps}`);
  return x.div(x.norm(p, dim, true).clamp(eps).expandAs(x));
}

/** Options of {@link cosineSimilarity}. */
export interface CosineSimilarityOptions {
  /** The dim along which the vectors lie (default 1). */
  dim?: number;
  /** Keeps the product of the norms from being 0 (default 1e-8). */
  eps?: number;
}

/**
 * The cosine of the angle between `x1` and `x2` along `dim` (broadcasting), as PyTorch 1.13
 * computes it: Σx₁x₂ / √max(Σx₁²·Σx₂², eps²) (PyTorch's `F.cosine_similarity`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const a = tensor([[3, 4], [1, 0]]);
 * const b = tensor([[1, 0], [-1, 0]]);
 * console.log(nn.functional.cosineSimilarity(a, b).toArray()); // [0.6000000238418579, -1]
 * ```
 */
export function cosineSimilarity(x1: Tensor, x2: Tensor, options: CosineSimilarityOptions = {}): Tensor {
  const { dim = 1, eps = 1e-8 } = options;
  if (typeof eps !== "number" || !(eps >= 0)) throw new Error(`cosineSimilarity: eps must be a non-negative number, got ${eps}`);
  const ndim = Math.max(x1.ndim, x2.ndim);
  if (dim < -ndim || dim >= ndim || !Number.isInteger(dim)) throw new Error(`cosineSimilarity: dim ${dim} is out of range for ${formatShape(x1.shape)} and ${formatShape(x2.shape)}`);
  const products = x1.mul(x2).sum(dim);
  const squares = x1.mul(x1).sum(dim).mul(x2.mul(x2).sum(dim));
  return products.div(squares.clamp(eps * eps).sqrt());
}

/** Options of {@link pairwiseDistance}. */
export interface PairwiseDistanceOptions {
  /** The norm: 1, 2 (default) or Infinity. */
  p?: number;
  /** Added to the difference, as PyTorch does, so a zero distance has a gradient (default 1e-6). */
  eps?: number;
  /** Keep the last dim, of size 1 (default false). */
  keepdim?: boolean;
}

/**
 * The p-norm distance between `x1` and `x2` along their last dim: ‖x₁ − x₂ + eps‖ₚ (PyTorch's
 * `F.pairwise_distance`, broadcasting).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const d = nn.functional.pairwiseDistance(tensor([[3, 4], [1, 1]]), tensor([[0, 0], [0, 0]]), { eps: 0 });
 * console.log(d.toArray()); // [5, 1.4142135381698608]
 * ```
 */
export function pairwiseDistance(x1: Tensor, x2: Tensor, options: PairwiseDistanceOptions = {}): Tensor {
  const { p = 2, eps = 1e-6, keepdim = false } = options;
  if (typeof eps !== "number" || !Number.isFinite(eps)) throw new Error(`pairwiseDistance: eps must be a finite number, got ${eps}`);
  return x1.sub(x2).add(eps).norm(p, -1, keepdim);
}
