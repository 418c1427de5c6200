import type { Tensor } from "../tensor/tensor.js";
import { scaleAddInPlace } from "../ops/in-place.js";
import { checkNonNegative, Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.js";

/** Hyper-parameters of {@link SGD} (PyTorch's names in camelCase; `lr` is required, as there). */
export interface SGDOptions {
  /** Learning rate η. */
  lr: number;
  /** Momentum factor μ (default 0). */
  momentum?: number;
  /** Dampening τ for momentum (default 0). */
  dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and zero dampening). */
  nesterov?: boolean;
  /** L2 penalty λ added to the gradient (default 0). */
  weightDecay?: number;
  /** Ascend instead of descend (default false). */
  maximize?: boolean;
}

/** Per-parameter state of {@link SGD} (only kept with momentum). */
export interface SGDState {
  /** The momentum buffer b, shaped like the parameter (PyTorch's `momentum_buffer`). */
  momentumBuffer: Tensor;
}

/**
 * One SGD update of `param` in place, exactly PyTorch 1.13's: g ← ∇ + λθ; with momentum
 * b ← μb + (1 − τ)g (b = g on the first step) and g ← g + μb (Nesterov) or g ← b; θ ← θ − ηg.
 * The momentum buffer is created on the first step and updated in place after that; returns
 * the state (the same object as `state` once it exists).
 *
 * @example
 * ```ts
 * import { noGrad, optim, tensor } from "nabla";
 * const param = tensor([1, 2]);
 * const options = { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0, maximize: false };
 * const state = noGrad(() => optim.sgdUpdate(param, tensor([1, 1]), undefined, options));
 * console.log(param.toArray(), state!.momentumBuffer.toArray()); // [0.9, 1.9] [1, 1]
 * ```
 */
export function sgdUpdate(param: Tensor, grad: Tensor, state: SGDState | undefined, options: Required<SGDOptions>): SGDState | undefined {
  let g = options.maximize ? grad.neg() : grad;
  if (options.weightDecay !== 0) g = g.add(param.mul(options.weightDecay));
  let next = state;
  if (options.momentum !== 0) {
    if (next === undefined) next = { momentumBuffer: g.clone() };
    else scaleAddInPlace(next.momentumBuffer, options.momentum, g, 1 - options.dampening);
    const buffer = next.momentumBuffer;
    g = options.nesterov ? g.add(buffer.mul(options.momentum)) : buffer;
  }
  param.add_(g, -options.lr);
  return next;
}

/**
 * Stochastic gradient descent, optionally with momentum, Nesterov momentum and weight decay,
 * with PyTorch's update rule.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = new optim.SGD([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * console.log(w.toArray()); // [0.8, 1.6]
 * ```
 */
export class SGD extends Optimizer<Required<SGDOptions>, SGDState | undefined> {
  constructor(params: ParamsInput<Required<SGDOptions>>, options: SGDOptions) {
    super(params, { momentum: 0, dampening: 0, nesterov: false, weightDecay: 0, maximize: false, ...options });
  }

  protected validate(options: Required<SGDOptions>): void {
    if (options.lr === undefined) throw new Error("SGD: lr is required");
    checkNonNegative("learning rate", options.lr);
    checkNonNegative("momentum value", options.momentum);
    checkNonNegative("weightDecay value", options.weightDecay);
    if (options.nesterov && (options.momentum <= 0 || options.dampening !== 0)) throw new Error("Nesterov momentum requires a momentum and zero dampening");
  }

  protected update(param: Tensor, grad: Tensor, group: ParamGroup<Required<SGDOptions>>): void {
    const next = sgdUpdate(param, grad, this.state.get(param), group);
    if (next !== undefined) this.state.set(param, next);
  }
}
