import { record } from "../../autograd/grad-fn.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Tensor } from "../../tensor/tensor.js";
import { where } from "../../ops/where.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkSameShape } from "./targets.js";

/** Options of {@link smoothL1Loss} (PyTorch's `beta`, `reduction`). */
export interface SmoothL1LossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; 0 gives `l1Loss`). */
  beta?: number;
}

/** ±1 by the sign of x, and −1 at x = 0 (PyTorch's smooth_l1 backward at β = 0 tests x ≤ −β first). */
function signNegativeAtZero(x: Tensor): Tensor {
  return where(x.gt(0), 1, -1).to(x.dtype);
}

/**
 * |d| for β = 0 with PyTorch's gradients: sign(d) for the input and sign(−d) for the target,
 * both −1 where d = 0 (PyTorch runs the same backward with the arguments swapped for the target).
 */
function absoluteWithPyTorchKink(input: Tensor, target: Tensor, difference: Tensor): Tensor {
  const losses = noGrad(() => difference.abs());
  // dL/dx = s(x − y), dL/dy = s(y − x), with s(0) = −1
  return record(losses, "smoothL1Loss", [input, target], (dy) => [
    input.requiresGrad ? dy.mul(signNegativeAtZero(difference)) : null,
    target.requiresGrad ? dy.mul(signNegativeAtZero(difference.neg())) : null,
  ]);
}

/**
 * Smooth L1 error of d = input − target: 0.5·d²/β where |d| < β, else |d| − 0.5·β, reduced
 * (mean by default). Its gradient d/β inside and sign(d) outside meet at |d| = β. With β = 0
 * it is |d|, with PyTorch's gradient at d = 0: −1 for both input and target (`l1Loss` gives 0).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.smoothL1Loss(tensor([0.5, 3]), tensor([0, 0]), { reduction: "none" }).toArray()); // [0.125, 2.5]
 * ```
 */
export function smoothL1Loss(input: Tensor, target: Tensor, options: SmoothL1LossOptions = {}): Tensor {
  const beta = options.beta ?? 1;
  if (!(beta >= 0)) throw new Error(`smoothL1Loss: beta must be non-negative, got ${beta}`);
  checkSameShape("smoothL1Loss", input, target);
  const difference = input.sub(target);
  if (beta === 0) return reduce("smoothL1Loss", absoluteWithPyTorchKink(input, target, difference), options.reduction);
  const size = difference.abs();
  const losses = where(size.lt(beta), difference.square().mul(0.5).div(beta), size.sub(0.5 * beta));
  return reduce("smoothL1Loss", losses, options.reduction);
}
