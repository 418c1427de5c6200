/** `cumsum`: running sums along one dim. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";

/** bool tensors add up as int32 (PyTorch: int64), as `sum`. */
export function cumsum(x: Tensor, dim: number): Tensor {
  const axis = normalizeDim("cumsum", dim, x.ndim);
  return runningSum(x.dtype === "bool" ? x.to("int32") : x, axis, false);
}

function runningSum(x: Tensor, axis: number, reverse: boolean): Tensor {
  const out = emptyLike(x);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  x.backend.scan("sum", x.dataRef(), outer, x.shape[axis] ?? 1, inner, reverse, false, out.storage.ref);
  // y_j = Σ_{i≤j} x_i, so dL/dx_i = Σ_{j≥i} dL/dy_j: the running sum of dy from the other end
  return record(out, "cumsum", [x], (dy) => [runningSum(dy, axis, !reverse)]);
}
