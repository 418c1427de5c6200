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

/**
 * x for x > 0, else negativeSlope·x (PyTorch's `F.leaky_relu`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.leakyRelu(tensor([-2, 3]), 0.1).toArray()); // [-0.20000000298023224, 3]
 * ```
 */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return x.leakyRelu(negativeSlope);
}

/**
 * x for x > 0, else alpha·(e^x − 1) (PyTorch's `F.elu`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.elu(tensor([-1, 2], { dtype: "float64" }), 2).toArray()); // [-1.2642411176571153, 2]
 * ```
 */
export function elu(x: Tensor, alpha = 1): Tensor {
  return x.elu(alpha);
}

/**
 * x·Φ(x) (PyTorch's `F.gelu`); `approximate: "tanh"` for the tanh form.
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.gelu(tensor([1], { dtype: "float64" })).toArray()); // [0.8413447460685429]
 * console.log(nn.functional.gelu(tensor([1], { dtype: "float64" }), "tanh").toArray()); // [0.8411919906082768]
 * ```
 */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  return x.gelu(approximate);
}

/**
 * x·σ(x), also called swish (PyTorch's `F.silu`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.silu(tensor([0, 1], { dtype: "float64" })).toArray()); // [0, 0.7310585786300049]
 * ```
 */
export function silu(x: Tensor): Tensor {
  return x.silu();
}

/**
 * log(1 + e^(beta·x))/beta, x where beta·x > threshold (PyTorch's `F.softplus`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.softplus(tensor([0], { dtype: "float64" }), 2).toArray()); // [0.34657359027997264]
 * ```
 */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return x.softplus(beta, threshold);
}

/**
 * x clamped to [minVal, maxVal] (PyTorch's `F.hardtanh`); the gradient is 0 at the bounds.
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.hardtanh(tensor([-3, 0.5, 3]), -2, 2).toArray()); // [-2, 0.5, 2]
 * ```
 */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  return x.hardtanh(minVal, maxVal);
}

/**
 * log σ(x), finite for any x (PyTorch's `F.logsigmoid`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.logSigmoid(tensor([0, -1000], { dtype: "float64" })).toArray()); // [-0.6931471805599453, -1000]
 * ```
 */
export function logSigmoid(x: Tensor): Tensor {
  return x.logSigmoid();
}
