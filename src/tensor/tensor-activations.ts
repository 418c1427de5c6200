/**
 * The activation methods of {@link Tensor} beyond relu/sigmoid/tanh (leakyRelu, elu, gelu, silu,
 * softplus, hardtanh, logSigmoid), kept in a base class of their own (the root of Tensor's
 * method classes: Tensor extends TensorData extends TensorViews extends TensorReductions extends
 * TensorMath extends TensorActivations) so tensor.ts stays about storage, autograd and the core ops. Each method
 * calls the op in src/ops/activations.ts that holds its kernel call and backward rule.
 */
import type { Tensor } from "./tensor.js";
import * as activations from "../ops/activations.js";

export abstract class TensorActivations {
  /**
   * leakyRelu(x) = x for x > 0, else negativeSlope·x (PyTorch's `F.leaky_relu`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-2, 0, 3]).leakyRelu(0.5).toArray()); // [-1, 0, 3]
   * ```
   */
  leakyRelu(this: Tensor, negativeSlope = 0.01): Tensor {
    return activations.leakyRelu(this, negativeSlope);
  }

  /**
   * elu(x) = x for x > 0, else alpha·(e^x − 1) (PyTorch's `F.elu`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-1, 0, 2], { dtype: "float64" }).elu().toArray()); // [-0.6321205588285577, 0, 2]
   * ```
   */
  elu(this: Tensor, alpha = 1): Tensor {
    return activations.elu(this, alpha);
  }

  /**
   * gelu(x) = x·Φ(x), Φ the standard normal CDF (PyTorch's `F.gelu`); `approximate: "tanh"`
   * uses ½x(1 + tanh(√(2/π)(x + 0.044715x³))), as GPT-2 did.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([-1, 0, 1], { dtype: "float64" });
   * console.log(x.gelu().toArray()); // [-0.15865525393145707, 0, 0.8413447460685429]
   * console.log(x.gelu("tanh").toArray()); // [-0.15880800939172324, 0, 0.8411919906082768]
   * ```
   */
  gelu(this: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
    return activations.gelu(this, approximate);
  }

  /**
   * silu(x) = x·σ(x), also called swish (PyTorch's `F.silu`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1], { dtype: "float64" }).silu().toArray()); // [0, 0.7310585786300049]
   * ```
   */
  silu(this: Tensor): Tensor {
    return activations.silu(this);
  }

  /**
   * softplus(x) = log(1 + e^(beta·x))/beta, a smooth relu; where beta·x > threshold it is x
   * (PyTorch's `F.softplus`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 30], { dtype: "float64" }).softplus().toArray()); // [0.6931471805599453, 30]
   * ```
   */
  softplus(this: Tensor, beta = 1, threshold = 20): Tensor {
    return activations.softplus(this, beta, threshold);
  }

  /**
   * hardtanh(x) = x clamped to [minVal, maxVal] (PyTorch's `F.hardtanh`; minVal > maxVal gives
   * maxVal everywhere, as there).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-2, 0.5, 2]).hardtanh().toArray()); // [-1, 0.5, 1]
   * ```
   */
  hardtanh(this: Tensor, minVal = -1, maxVal = 1): Tensor {
    return activations.hardtanh(this, minVal, maxVal);
  }

  /**
   * logSigmoid(x) = log σ(x) = min(x, 0) − log(1 + e^−|x|), finite for any x (PyTorch's
   * `F.logsigmoid`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, -100], { dtype: "float64" }).logSigmoid().toArray()); // [-0.6931471805599453, -100]
   * ```
   */
  logSigmoid(this: Tensor): Tensor {
    return activations.logSigmoid(this);
  }
}
