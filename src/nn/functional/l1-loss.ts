import type { Tensor } from "../../tensor/tensor.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkSameShape } from "./targets.js";

/**
 * Absolute error |input − target|, reduced (mean by default). Its gradient is sign(input −
 * target): 0 where they are equal, as PyTorch's. The shapes must be equal, as in `mseLoss`.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.l1Loss(tensor([1, 2]), tensor([1, 5])).item()); // 1.5
 * ```
 */
export function l1Loss(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape("l1Loss", input, target);
  return reduce("l1Loss", input.sub(target).abs(), options.reduction);
}
