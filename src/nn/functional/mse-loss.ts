import type { Tensor } from "../../tensor/tensor.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkSameShape } from "./targets.js";

/**
 * Squared error (input − target)², reduced (mean by default). The shapes must be equal: a
 * silently broadcast [N, 1] against [N] would compare every pair.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.mseLoss(tensor([1, 2]), tensor([1, 4])).item()); // 2
 * ```
 */
export function mseLoss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape("mseLoss", input, target);
  return reduce("mseLoss", input.sub(target).square(), options.reduction);
}
