import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/**
 * Flattens dims `startDim`…`endDim` into one (by default every dim but the batch dim).
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(new nn.Flatten().call(zeros([8, 28, 28])).shape); // [8, 784]
 * ```
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.flatten(this.startDim, this.endDim);
  }
  override extraRepr(): string {
    return `startDim=${this.startDim}, endDim=${this.endDim}`;
  }
}
