import type { Operand } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { Storage } from "../tensor/storage.js";
import type { Shape } from "../tensor/shape.js";
import type { Backend } from "../backend/backend.js";

/** @internal `x` itself, or a copy of its values on `backend` (outside the graph). */
export function onBackend(x: Tensor, backend: Backend): Tensor {
  if (x.backend === backend) return x;
  return new Tensor(new Storage(backend, backend.fromValues(x.toTypedArray(), x.dtype)), x.shape);
}

/** @internal A new, uninitialised tensor on the same backend as `like`. */
export function emptyLike(like: Tensor, shape: Shape = like.shape, dtype: DType = like.dtype): Tensor {
  return Tensor.empty(shape, dtype, like.backend);
}

/**
 * @internal `value` as a tensor on `like`'s backend; a number becomes a 0-d tensor of `like`'s
 * dtype. The element-wise ops never send a number here: theirs reaches the kernels as a number
 * (Backend.binaryScalar), with no buffer around it; this path is for ops whose kernels take
 * tensors only.
 */
export function toOperand(op: string, value: Operand, like: Tensor): Tensor {
  if (value instanceof Tensor) return onBackend(value, like.backend);
  if (typeof value !== "number") throw new Error(`${op}: expected a Tensor or a number, got ${typeof value}`);
  const ref = like.backend.fromValues([value], like.dtype);
  return new Tensor(new Storage(like.backend, ref), []);
}
