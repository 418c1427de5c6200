/** `prod`: the product over a dim, a list of dims or everything. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { expand, reshape } from "./movement.js";
import { finalShape, keptShape, resolveDims, type Dims } from "./reduce.js";
import { axisLayout, fromLayout } from "./reduce-layout.js";

/**
 * bool tensors multiply as int32 (PyTorch: int64), as `sum`. The product is the last running
 * product of the backend's scan over the reduced axes laid out as one (accumulated in doubles).
 */
export function prod(input: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const x = input.dtype === "bool" ? input.to("int32") : input;
  const axes = resolveDims("prod", x, dim);
  const { data, outer, axisSize, inner } = axisLayout(x, axes);
  const kept = emptyLike(x, keptShape(x, axes));
  if (axisSize === 0) x.backend.fill(kept.storage.ref, 1);
  else {
    const running = emptyLike(data);
    x.backend.scan("prod", data.dataRef(), outer, axisSize, inner, false, false, running.storage.ref);
    // the last row of each [axisSize, inner] block holds the whole products
    x.backend.copyStrided({ ref: running.storage.ref, offset: (axisSize - 1) * inner, strides: [axisSize * inner, 1] }, [outer, inner], kept.storage.ref);
  }
  const out = reshape(kept, finalShape(x, axes, keepdim));
  // d(Π x)/dx_i = Π_{j≠i} x_j. Not prod/x_i, which is 0/0 at a zero: as PyTorch, the product of
  // the others is taken directly, so with one zero only that element gets a gradient (the
  // product of the rest) and with two or more every gradient is 0.
  return record(out, "prod", [x], (dy) => [expand(reshape(dy, keptShape(x, axes)), x.shape).mul(productOfOthers(x, axes))]);
}

/** Π_{j≠i} x_j over each reduced slice: the exclusive running product from the left times the one from the right. */
function productOfOthers(x: Tensor, axes: readonly number[]): Tensor {
  const layout = axisLayout(x, axes);
  const { data, outer, axisSize, inner } = layout;
  const left = emptyLike(data);
  const right = emptyLike(data);
  x.backend.scan("prod", data.dataRef(), outer, axisSize, inner, false, true, left.storage.ref);
  x.backend.scan("prod", data.dataRef(), outer, axisSize, inner, true, true, right.storage.ref);
  return fromLayout(left.mul(right), layout, x);
}
