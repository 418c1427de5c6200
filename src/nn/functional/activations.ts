/** Activation functions as plain functions (PyTorch's `F.relu`, `F.softmax` …). */
import type { Tensor } from "../../tensor/tensor.js";

/** max(x, 0). @example `nn.functional.relu(tensor([-1, 2])).toArray() // [0, 2]` */
export function relu(x: Tensor): Tensor {
  return x.relu();
}

/** σ(x) = 1 / (1 + e^−x). @example `nn.functional.sigmoid(tensor([0])).toArray() // [0.5]` */
export function sigmoid(x: Tensor): Tensor {
  return x.sigmoid();
}

/** tanh(x). @example `nn.functional.tanh(tensor([0])).toArray() // [0]` */
export function tanh(x: Tensor): Tensor {
  return x.tanh();
}

/** Softmax along `dim`. @example `nn.functional.softmax(tensor([[0, 0]]), 1).toArray() // [[0.5, 0.5]]` */
export function softmax(x: Tensor, dim: number): Tensor {
  return x.softmax(dim);
}

/** Log-softmax along `dim` (log-sum-exp form). @example `nn.functional.logSoftmax(tensor([0, 0]), 0)` */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return x.logSoftmax(dim);
}
