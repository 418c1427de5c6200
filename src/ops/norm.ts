/** `norm`: vector p-norms (p = 1, 2, ∞) over a dim, a list of dims or everything. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { expand, reshape } from "./movement.js";
import { indicator } from "./binary.js";
import { requireFloatingPoint } from "../tensor/dtype.js";
import { finalShape, reduceAxes, resolveDims, sum, type Dims } from "./reduce.js";

export function norm(x: Tensor, p: number, dim: Dims, keepdim: boolean): Tensor {
  requireFloatingPoint("norm", x.dtype);
  if (p !== 1 && p !== 2 && p !== Infinity) throw new Error(`norm: p=${p} is not supported (use 1, 2 or Infinity)`);
  const axes = resolveDims("norm", x, dim);
  const magnitude = x.detach().abs();
  const kept = p === 1 ? reduceAxes("sum", magnitude, axes) : p === 2 ? reduceAxes("sum", magnitude.mul(magnitude), axes).sqrt() : maxOrZero(magnitude, axes);
  const out = reshape(kept, finalShape(x, axes, keepdim));
  return record(out, "norm", [x], (dy) => {
    const grad = expand(reshape(dy, kept.shape), x.shape);
    const value = expand(kept, x.shape);
    const xd = x.detach();
    // ‖x‖₁ = Σ|x_i|: d/dx_i = sign(x_i) (0 at 0, as PyTorch)
    if (p === 1) return [grad.mul(xd.sign())];
    // ‖x‖₂ = √Σx_i²: d/dx_i = x_i / ‖x‖₂, taken as 0 where the norm is 0 (PyTorch's subgradient)
    if (p === 2) return [grad.mul(xd).div(value.add(indicator("eq", value, 0)))]; // x_i = 0 wherever the norm is: 0/1
    // ‖x‖∞ = max|x_i|: d/dx_i = sign(x_i) at the maxima, shared evenly among ties (as PyTorch);
    // a NaN norm equals no element, and PyTorch's gradient is then 0: the count is at least 1,
    // and the sign is taken as [x > 0] − [x < 0], 0 at NaN (sign() keeps NaN)
    const winners = indicator("eq", magnitude, value);
    const direction = indicator("gt", xd, 0).sub(indicator("lt", xd, 0));
    return [grad.mul(direction).mul(winners).div(sum(winners, axes, true).clamp(1))];
  });
}

/** max |x| over `axes`; an empty reduction is 0, as the ∞-norm of an empty vector. */
function maxOrZero(magnitude: Tensor, axes: readonly number[]): Tensor {
  if (axes.some((a) => magnitude.shape[a] === 0)) return reduceAxes("sum", magnitude, axes);
  return reduceAxes("max", magnitude, axes);
}
