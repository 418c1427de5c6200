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

/** A finite number for an activation's setting, or a clear error naming the module. */
function checkSetting(module: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) throw new Error(`${module}: ${name} must be a finite number, got ${String(value)}`);
  return value;
}

/** Options of {@link GELU}, as PyTorch's. */
export interface GELUOptions {
  /** "none" (default) for the exact x·Φ(x), "tanh" for the tanh approximation (GPT-2's). */
  approximate?: "none" | "tanh";
}

/**
 * gelu(x) = x·Φ(x), Φ the standard normal CDF (PyTorch's `nn.GELU`); `{ approximate: "tanh" }`
 * uses ½x(1 + tanh(√(2/π)(x + 0.044715x³))).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const x = tensor([1], { dtype: "float64" });
 * console.log(new nn.GELU().call(x).item().toFixed(6), new nn.GELU({ approximate: "tanh" }).toString()); // 0.841345 GELU(approximate="tanh")
 * ```
 */
export class GELU extends Module {
  readonly approximate: "none" | "tanh";
  constructor(options: GELUOptions = {}) {
    super();
    this.approximate = options.approximate ?? "none";
    if (this.approximate !== "none" && this.approximate !== "tanh") throw new Error(`GELU: approximate must be "none" or "tanh", got ${JSON.stringify(this.approximate)}`);
  }
  forward(x: Tensor): Tensor {
    return x.gelu(this.approximate);
  }
  override extraRepr(): string {
    return `approximate=${JSON.stringify(this.approximate)}`;
  }
}

/**
 * silu(x) = x·σ(x), also called swish (PyTorch's `nn.SiLU`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.SiLU().call(tensor([0, 1], { dtype: "float64" })).toArray()); // [0, 0.7310585786300049]
 * ```
 */
export class SiLU extends Module {
  forward(x: Tensor): Tensor {
    return x.silu();
  }
}

/**
 * x for x > 0, else negativeSlope·x (PyTorch's `nn.LeakyReLU`, default slope 0.01).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const act = new nn.LeakyReLU(0.5);
 * console.log(act.call(tensor([-2, 3])).toArray(), act.toString()); // [-1, 3] LeakyReLU(negativeSlope=0.5)
 * ```
 */
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01) {
    super();
    checkSetting("LeakyReLU", "negativeSlope", negativeSlope);
  }
  forward(x: Tensor): Tensor {
    return x.leakyRelu(this.negativeSlope);
  }
  override extraRepr(): string {
    return `negativeSlope=${this.negativeSlope}`;
  }
}

/**
 * x for x > 0, else alpha·(e^x − 1) (PyTorch's `nn.ELU`, default alpha 1).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.ELU().call(tensor([-1, 2], { dtype: "float64" })).toArray()); // [-0.6321205588285577, 2]
 * ```
 */
export class ELU extends Module {
  constructor(readonly alpha = 1) {
    super();
    checkSetting("ELU", "alpha", alpha);
  }
  forward(x: Tensor): Tensor {
    return x.elu(this.alpha);
  }
  override extraRepr(): string {
    return `alpha=${this.alpha}`;
  }
}

/** Options of {@link Softplus}, as PyTorch's. */
export interface SoftplusOptions {
  /** Sharpness: log(1 + e^(beta·x))/beta (default 1). */
  beta?: number;
  /** Where beta·x exceeds it the output is x itself, for stability (default 20). */
  threshold?: number;
}

/**
 * softplus(x) = log(1 + e^(beta·x))/beta, x where beta·x > threshold (PyTorch's `nn.Softplus`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const act = new nn.Softplus({ beta: 2 });
 * console.log(act.call(tensor([0, 30], { dtype: "float64" })).toArray(), act.toString()); // [0.34657359027997264, 30] Softplus(beta=2, threshold=20)
 * ```
 */
export class Softplus extends Module {
  readonly beta: number;
  readonly threshold: number;
  constructor(options: SoftplusOptions = {}) {
    super();
    this.beta = checkSetting("Softplus", "beta", options.beta ?? 1);
    this.threshold = checkSetting("Softplus", "threshold", options.threshold ?? 20);
  }
  forward(x: Tensor): Tensor {
    return x.softplus(this.beta, this.threshold);
  }
  override extraRepr(): string {
    return `beta=${this.beta}, threshold=${this.threshold}`;
  }
}

/**
 * x clamped to [minVal, maxVal] (PyTorch's `nn.Hardtanh`, default [−1, 1]); the gradient is 1
 * strictly inside, 0 at and beyond the bounds.
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.Hardtanh(-2, 2).call(tensor([-3, 0.5, 3])).toArray()); // [-2, 0.5, 2]
 * ```
 */
export class Hardtanh extends Module {
  constructor(
    readonly minVal = -1,
    readonly maxVal = 1,
  ) {
    super();
    checkSetting("Hardtanh", "minVal", minVal);
    checkSetting("Hardtanh", "maxVal", maxVal);
    if (!(maxVal > minVal)) throw new Error(`Hardtanh: maxVal (${maxVal}) must be greater than minVal (${minVal})`);
  }
  forward(x: Tensor): Tensor {
    return x.hardtanh(this.minVal, this.maxVal);
  }
  override extraRepr(): string {
    return `minVal=${this.minVal}, maxVal=${this.maxVal}`;
  }
}

/**
 * log σ(x), finite for any x (PyTorch's `nn.LogSigmoid`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.LogSigmoid().call(tensor([0], { dtype: "float64" })).toArray()); // [-0.6931471805599453]
 * ```
 */
export class LogSigmoid extends Module {
  forward(x: Tensor): Tensor {
    return x.logSigmoid();
  }
}
