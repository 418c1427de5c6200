import type { Tensor } from "../../tensor/tensor.js";
import { where } from "../../ops/where.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkSameShape } from "./targets.js";

/** Options of {@link huberLoss} (PyTorch's `delta`, `reduction`). */
export interface HuberLossOptions extends LossOptions {
  /** Where the loss turns from quadratic to linear (default 1; must be positive). */
  delta?: number;
}

/**
 * Huber error of d = input − target: 0.5·d² where |d| < δ, else δ·(|d| − 0.5·δ), reduced (mean
 * by default): `smoothL1Loss` with β = δ, times δ. The gradient is d inside and δ·sign(d) outside.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.huberLoss(tensor([0.5, 3]), tensor([0, 0]), { reduction: "none", delta: 2 }).toArray()); // [0.125, 4]
 * ```
 */
export function huberLoss(input: Tensor, target: Tensor, options: HuberLossOptions = {}): Tensor {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new Error(`huberLoss: delta must be positive, got ${delta}`);
  checkSameShape("huberLoss", input, target);
  const difference = input.sub(target);
  const size = difference.abs();
  const losses = where(size.lt(delta), difference.square().mul(0.5), size.sub(0.5 * delta).mul(delta));
  return reduce("huberLoss", losses, options.reduction);
}
