/**
 * The reduction, sorting and sampling methods of {@link Tensor} (sum, mean, max, min, var, std,
 * norm, cumsum, sort, topk, bernoulli, multinomial, argmax …), kept in a base class of their own
 * so tensor.ts stays about storage, autograd and the core ops. Each method calls the op in
 * src/ops that holds its kernel call and backward rule.
 */
import type { Tensor } from "./tensor.js";
import * as reduce from "../ops/reduce.js";
import type { Dims } from "../ops/reduce.js";
import { argmin, extremeAlongDim, extremeOverDims } from "../ops/min-max.js";
import type { ValuesAndIndices } from "../ops/values-and-indices.js";
import { prod } from "../ops/prod.js";
import { std, variance, type VarianceOptions } from "../ops/variance.js";
import { logsumexp } from "../ops/logsumexp.js";
import { norm } from "../ops/norm.js";
import { cumsum } from "../ops/cumsum.js";
import { all, any } from "../ops/all-any.js";
import { argsort, sort, topk } from "../ops/sort.js";
import { bernoulli, type SamplingOptions } from "../ops/bernoulli.js";
import { multinomial } from "../ops/multinomial.js";
import { TensorMath } from "./tensor-math.js";

export abstract class TensorReductions extends TensorMath {
  /** Sum over everything, a dim or a list of dims; `keepdim` keeps reduced dims as size 1. Bool and int32 sum to int32 (PyTorch: int64). */
  sum(this: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor { return reduce.sum(this, dim, keepdim); }
  /** Mean over everything, a dim or a list of dims; `keepdim` keeps reduced dims as size 1. Floating-point tensors only. */
  mean(this: Tensor, dim?: number | readonly number[] | null, keepdim = false): Tensor { return reduce.mean(this, dim, keepdim); }

  // Reductions, sorting and sampling (src/ops/min-max.ts, prod.ts, variance.ts, logsumexp.ts,
  // norm.ts, cumsum.ts, all-any.ts, sort.ts, bernoulli.ts, multinomial.ts, random-fill.ts).
  /**
   * The maximum of every element (a 0-d tensor; the gradient is shared evenly among ties), or
   * along `dim` the maximum values and the indices of their first occurrence (the gradient goes
   * to those indices), as PyTorch's `max(dim)` named tuple; indices are int32 (PyTorch: int64).
   * For maxima over several dims as one tensor use {@link Tensor.amax}.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 5, 2], [7, 0, 3]]);
   * console.log(x.max().item()); // 7
   * const { values, indices } = x.max(1);
   * console.log(values.toArray(), indices.toArray()); // [5, 7] [1, 0]
   * ```
   */
  max(this: Tensor, dim?: null): Tensor;
  max(this: Tensor, dim: number, keepdim?: boolean): ValuesAndIndices;
  max(this: Tensor, dim?: number | null, keepdim = false): Tensor | ValuesAndIndices {
    return dim === null || dim === undefined ? extremeOverDims("max", "max", this, null, false) : extremeAlongDim("max", this, dim, keepdim);
  }
  /**
   * The minimum of every element, or along `dim` the minimum values and their first indices
   * (see {@link Tensor.max}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const [values, indices] = tensor([[1, 5, 2], [7, 0, 3]]).min(-1, true);
   * console.log(values.toArray(), indices.toArray()); // [[1], [0]] [[0], [1]]
   * ```
   */
  min(this: Tensor, dim?: null): Tensor;
  min(this: Tensor, dim: number, keepdim?: boolean): ValuesAndIndices;
  min(this: Tensor, dim?: number | null, keepdim = false): Tensor | ValuesAndIndices {
    return dim === null || dim === undefined ? extremeOverDims("min", "min", this, null, false) : extremeAlongDim("min", this, dim, keepdim);
  }
  /**
   * Maximum values over a dim, a list of dims or everything, as one tensor; the gradient is shared
   * evenly among tied maxima (PyTorch's `amax`).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 5], [7, 0]]).amax([0, 1]).item()); // 7
   * ```
   */
  amax(this: Tensor, dim?: Dims, keepdim = false): Tensor { return extremeOverDims("max", "amax", this, dim, keepdim); }
  /**
   * Minimum values over a dim, a list of dims or everything (PyTorch's `amin`).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 5], [7, 0]]).amin(1).toArray()); // [1, 0]
   * ```
   */
  amin(this: Tensor, dim?: Dims, keepdim = false): Tensor { return extremeOverDims("min", "amin", this, dim, keepdim); }
  /**
   * Index of the first minimum, over the flattened tensor or along `dim`; int32 (PyTorch: int64),
   * no gradient.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[3, 1, 2], [0, 4, 0]]).argmin(1).toArray()); // [1, 0]
   * ```
   */
  argmin(this: Tensor, dim?: number | null, keepdim = false): Tensor { return argmin(this, dim, keepdim); }
  /**
   * Product over a dim, a list of dims or everything. Its gradient is the product of the other
   * elements, exact at zeros as PyTorch's.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 2], [3, 4]]).prod(1).toArray()); // [2, 12]
   * ```
   */
  prod(this: Tensor, dim?: Dims, keepdim = false): Tensor { return prod(this, dim, keepdim); }
  /**
   * Variance over a dim, a list of dims or everything: Σ(x − mean)² / (N − correction), with
   * `correction` 1 by default (unbiased). As in PyTorch, pass `{ correction, keepdim }`, or
   * positionally `unbiased` (true: correction 1, false: 0) then `keepdim`.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([1, 2, 3, 4]);
   * console.log(x.var().item(), x.var(0, { correction: 0 }).item()); // 1.6666666269302368 1.25
   * console.log(x.var(0, false, true).toArray()); // [1.25]
   * ```
   */
  var(this: Tensor, dim?: Dims, options?: boolean | VarianceOptions, keepdim?: boolean): Tensor { return variance(this, dim, options, keepdim); }
  /**
   * Standard deviation, √{@link Tensor.var}, with the same arguments (`correction` 1 by default).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 3], [2, 2]]).std(1, { correction: 0 }).toArray()); // [1, 0]
   * ```
   */
  std(this: Tensor, dim?: Dims, options?: boolean | VarianceOptions, keepdim?: boolean): Tensor { return std(this, dim, options, keepdim); }
  /**
   * log Σ exp(x) over a dim, a list of dims or everything, computed without overflow.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1000, 1000]).logsumexp(0).item()); // 1000.6931762695312
   * ```
   */
  logsumexp(this: Tensor, dim?: Dims, keepdim = false): Tensor { return logsumexp(this, dim, keepdim); }
  /**
   * The vector p-norm (p = 1, 2 or Infinity) over a dim, a list of dims or everything.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[3, -4], [1, 0]]);
   * console.log(x.norm().item(), x.norm(1, 1).toArray(), x.norm(Infinity).item()); // 5.099019527435303 [7, 1] 4
   * ```
   */
  norm(this: Tensor, p = 2, dim?: Dims, keepdim = false): Tensor { return norm(this, p, dim, keepdim); }
  /**
   * Running sums along `dim`.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 2, 3], [4, 5, 6]]).cumsum(1).toArray()); // [[1, 3, 6], [4, 9, 15]]
   * ```
   */
  cumsum(this: Tensor, dim: number): Tensor { return cumsum(this, dim); }
  /**
   * Whether every element is non-zero (NaN counts), over a dim, a list of dims or everything; a
   * bool tensor, true over an empty set.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 0], [2, 3]]).all(1).toArray()); // [false, true]
   * ```
   */
  all(this: Tensor, dim?: Dims, keepdim = false): Tensor { return all(this, dim, keepdim); }
  /**
   * Whether some element is non-zero, over a dim, a list of dims or everything (see {@link Tensor.all}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[0, 0], [0, 3]]).any(1).toArray()); // [false, true]
   * ```
   */
  any(this: Tensor, dim?: Dims, keepdim = false): Tensor { return any(this, dim, keepdim); }
  /**
   * Sorts along `dim` (the last by default), ascending unless `descending`, stably (equal
   * elements keep their order, as PyTorch's `stable=True`; NaN sorts above everything). Returns
   * the values (differentiable) and the indices (int32; PyTorch: int64).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const { values, indices } = tensor([3, 1, 2, 1]).sort(-1, true);
   * console.log(values.toArray(), indices.toArray()); // [3, 2, 1, 1] [0, 2, 1, 3]
   * ```
   */
  sort(this: Tensor, dim = -1, descending = false): ValuesAndIndices { return sort(this, dim, descending); }
  /**
   * The indices that sort along `dim` (stable; see {@link Tensor.sort}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([3, 1, 2]).argsort().toArray()); // [1, 2, 0]
   * ```
   */
  argsort(this: Tensor, dim = -1, descending = false): Tensor { return argsort(this, dim, descending); }
  /**
   * The `k` largest elements along `dim` (the smallest with `largest = false`), in sorted order,
   * with their indices (int32; PyTorch: int64); the gradient goes back to the picked elements.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const { values, indices } = tensor([[1, 9, 3], [8, 2, 7]]).topk(2);
   * console.log(values.toArray(), indices.toArray()); // [[9, 3], [8, 7]] [[1, 2], [0, 2]]
   * ```
   */
  topk(this: Tensor, k: number, dim = -1, largest = true): ValuesAndIndices { return topk(this, k, dim, largest); }
  /**
   * 0/1 samples, 1 with the probability held by each element (see `bernoulli`).
   *
   * @example
   * ```ts
   * import { full } from "nabla";
   * console.log(full([2, 3], 0.5).bernoulli().shape); // [2, 3]
   * ```
   */
  bernoulli(this: Tensor, options?: SamplingOptions): Tensor { return bernoulli(this, options); }
  /**
   * Category indices drawn from the weights in each row (see `multinomial`; without replacement by default).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0.2, 0.3, 0.5]).multinomial(3).shape); // [3]
   * ```
   */
  multinomial(this: Tensor, numSamples: number, replacement = false, options?: SamplingOptions): Tensor { return multinomial(this, numSamples, replacement, options); }
  /** Index of the first maximum (over the flattened tensor, or along `dim`); no gradient. */
  argmax(this: Tensor, dim?: number | null, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim); }
}
