/** Element-wise and normalising activations as modules (the same functions as tensor methods). */
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/**
 * relu(x) = max(x, 0).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.ReLU().call(tensor([-1, 2])).toArray()); // [0, 2]
 * ```
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return x.relu();
  }
}

/**
 * tanh(x).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.Tanh().call(tensor([0])).toArray()); // [0]
 * ```
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return x.tanh();
  }
}

/**
 * σ(x) = 1 / (1 + e^−x).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.Sigmoid().call(tensor([0])).toArray()); // [0.5]
 * ```
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.sigmoid();
  }
}

/**
 * softmax along `dim`: exp(x_i) / Σ_j exp(x_j), computed stably.
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.Softmax(1).call(tensor([[0, 0]])).toArray()); // [[0.5, 0.5]]
 * ```
 */
export class Softmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.softmax(this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}

/**
 * log softmax along `dim`, in the log-sum-exp form (finite for any logits).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.LogSoftmax(1).call(tensor([[1000, 1000]])).toArray()); // [[-0.6931…, -0.6931…]]
 * ```
 */
export class LogSoftmax extends Module {
  constructor(readonly dim: number) {
    super();
  }
  forward(x: Tensor): Tensor {
    return x.logSoftmax(this.dim);
  }
  override extraRepr(): string {
    return `dim=${this.dim}`;
  }
}
