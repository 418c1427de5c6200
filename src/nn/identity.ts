import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/**
 * Returns its input unchanged (a placeholder in a {@link Sequential}).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.Identity().call(tensor([1, 2])).toArray()); // [1, 2]
 * ```
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
}
