/** `all` and `any`: whether every (some) element over a dim, a list of dims or everything is non-zero. */
import type { Tensor } from "../tensor/tensor.js";
import { reshape } from "./movement.js";
import { finalShape, keptShape, reduceAxes, resolveDims, type Dims } from "./reduce.js";
import { emptyLike } from "./operand.js";

/** all: the minimum of the bool [x ≠ 0] (NaN counts as non-zero, as in PyTorch); true over an empty set. */
export function all(x: Tensor, dim: Dims, keepdim: boolean, op = "all"): Tensor {
  const axes = resolveDims(op, x, dim);
  const nonZero = x.detach().eq(0).eq(0);
  let kept: Tensor;
  if (axes.some((a) => x.shape[a] === 0)) {
    kept = emptyLike(nonZero, keptShape(x, axes));
    x.backend.fill(kept.storage.ref, 1);
  } else kept = reduceAxes("min", nonZero, axes);
  return reshape(kept, finalShape(x, axes, keepdim));
}

/** any = not all(x = 0); false over an empty set. */
export function any(x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  return all(x.detach().eq(0), dim, keepdim, "any").eq(0);
}
