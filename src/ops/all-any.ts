/** `all` and `any`: whether every (some) element over a dim, a list of dims or everything is non-zero. */
import type { Tensor } from "../tensor/tensor.js";
import { resolveDims, sum, type Dims } from "./reduce.js";

/**
 * all: no element is zero, counted with `sum` over the bool [x = 0] (NaN counts as non-zero, as
 * in PyTorch); true over an empty set, where the count is 0.
 */
export function all(x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const axes = resolveDims("all", x, dim);
  return sum(x.detach().eq(0), axes, keepdim).eq(0);
}

/** any: some element is non-zero, counted over the bool [x ≠ 0]; false over an empty set. */
export function any(x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const axes = resolveDims("any", x, dim);
  return sum(x.detach().eq(0).eq(0), axes, keepdim).gt(0);
}
