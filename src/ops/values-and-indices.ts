/** The (values, indices) pair that `max(dim)`, `min(dim)`, `sort` and `topk` return. */
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";

/**
 * The dtype of indices that reductions, sorts and `multinomial` return: int32, where PyTorch
 * returns int64 (as `argmax`; int32 reaches every element of a tensor under 2³¹ elements).
 */
export const INDEX_DTYPE: DType = "int32";

/**
 * PyTorch's `(values, indices)` named tuple as a TypeScript object: read `.values` and
 * `.indices`, or destructure it like a tuple, `const [values, indices] = x.max(1)`.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const { values, indices } = tensor([[1, 5, 2], [7, 0, 3]]).max(1);
 * console.log(values.toArray(), indices.toArray()); // [5, 7] [1, 0]
 * const [sorted] = tensor([3, 1, 2]).sort();
 * console.log(sorted.toArray()); // [1, 2, 3]
 * ```
 */
export interface ValuesAndIndices extends Iterable<Tensor> {
  readonly values: Tensor;
  readonly indices: Tensor;
}

/** @internal */
export function valuesAndIndices(values: Tensor, indices: Tensor): ValuesAndIndices {
  return {
    values,
    indices,
    *[Symbol.iterator]() {
      yield values;
      yield indices;
    },
  };
}

/**
 * @internal The gradient of picking elements of `x` along `axis`: `dy` (x's shape with the axis
 * cut to the picked count, contiguous) added into zeros at `indices` of the same shape.
 */
export function scatterToIndices(x: Tensor, axis: number, indices: Tensor, dy: Tensor): Tensor {
  const dx = emptyLike(x);
  x.backend.fill(dx.storage.ref, 0);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  x.backend.scatterAdd(dy.dataRef(), indices.dataRef(), outer, x.shape[axis] ?? 1, indices.shape[axis] ?? 1, inner, dx.storage.ref);
  return dx;
}
