import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/creation.js";
import { scaleAddInPlace } from "../ops/in-place.js";
import { checkNonNegative, Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.js";

/** Hyper-parameters of {@link RMSprop} (PyTorch's names in camelCase). */
export interface RMSpropOptions {
  /** Learning rate η (default 1e-2). */
  lr?: number;
  /** Smoothing constant α of the squared-gradient average (default 0.99). */
  alpha?: number;
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Normalise by the estimated variance instead of the second moment (default false). */
  centered?: boolean;
  /** Ascend instead of descend (default false). */
  maximize?: boolean;
}

/** Per-parameter state of {@link RMSprop}, as PyTorch's `square_avg`, `grad_avg`, `momentum_buffer`. */
export interface RMSpropState {
  /** Updates taken so far. */
  step: number;
  /** Running average v of the squared gradient. */
  squareAvg: Tensor;
  /** Running average ḡ of the gradient (centered only, else null). */
  gradAvg: Tensor | null;
  /** Momentum buffer b (momentum > 0 only, else null). */
  momentumBuffer: Tensor | null;
}

/**
 * One RMSprop update of `param` in place, exactly PyTorch 1.13's: v ← αv + (1 − α)g²,
 * centred: ḡ ← αḡ + (1 − α)g and v̂ = v − ḡ²; d = √v̂ + ε; with momentum b ← μb + g/d and
 * θ ← θ − ηb, else θ ← θ − η·g/d. The buffers are created (zeroed, as PyTorch does) on the first
 * step and updated in place; returns the state (the same object as `state` once it exists).
 *
 * @example
 * ```ts
 * import { noGrad, optim, tensor } from "nabla";
 * const param = tensor([1]);
 * const options = { lr: 0.01, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false };
 * noGrad(() => optim.rmspropUpdate(param, tensor([2]), undefined, options));
 * console.log(param.toArray()); // ≈ [0.9]
 * ```
 */
export function rmspropUpdate(param: Tensor, grad: Tensor, state: RMSpropState | undefined, options: Required<RMSpropOptions>): RMSpropState {
  const { alpha, momentum, lr } = options;
  let g = options.maximize ? grad.neg() : grad;
  if (options.weightDecay !== 0) g = g.add(param.mul(options.weightDecay));
  const current = state ?? { step: 0, squareAvg: zerosLike(param), gradAvg: null, momentumBuffer: null };
  current.step += 1;
  current.squareAvg.mul_(alpha).addcmul_(g, g, 1 - alpha);
  let average: Tensor;
  if (options.centered) {
    const gradAvg = (current.gradAvg ??= zerosLike(param));
    scaleAddInPlace(gradAvg, alpha, g, 1 - alpha);
    average = current.squareAvg.clone().addcmul_(gradAvg, gradAvg, -1).sqrt_();
  } else {
    average = current.squareAvg.sqrt();
  }
  average.add_(options.eps);
  if (momentum > 0) {
    const buffer = (current.momentumBuffer ??= zerosLike(param));
    buffer.mul_(momentum).addcdiv_(g, average);
    param.add_(buffer, -lr);
  } else {
    param.addcdiv_(g, average, -lr);
  }
  return current;
}

/**
 * RMSprop (Hinton), with PyTorch's update rule and defaults (lr 1e-2, alpha 0.99, eps 1e-8).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new optim.RMSprop([w], { lr: 0.01 });
 * w.square().sum().backward();
 * opt.step();
 * console.log(w.toArray()); // ≈ [0.9, -0.9]: the first step is lr/√(1 − α) in size
 * ```
 */
export class RMSprop extends Optimizer<Required<RMSpropOptions>, RMSpropState> {
  constructor(params: ParamsInput<Required<RMSpropOptions>>, options: RMSpropOptions = {}) {
    super(params, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false, maximize: false, ...options });
  }
  protected validate(options: Required<RMSpropOptions>): void {
    checkNonNegative("learning rate", options.lr);
    checkNonNegative("epsilon value", options.eps);
    checkNonNegative("momentum value", options.momentum);
    checkNonNegative("weightDecay value", options.weightDecay);
    checkNonNegative("alpha value", options.alpha);
  }
  protected update(param: Tensor, grad: Tensor, group: ParamGroup<Required<RMSpropOptions>>): void {
    this.state.set(param, rmspropUpdate(param, grad, this.state.get(param), group));
  }
}
