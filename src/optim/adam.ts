import type { Tensor } from "../tensor/tensor.js";
import { zerosLike } from "../tensor/creation.js";
import { scaleAddInPlace } from "../ops/in-place.js";
import { internalTo } from "../autograd/internal-to.js";
import { checkNonNegative, Optimizer, type ParamGroup, type ParamsInput } from "./optimizer.js";

/** Hyper-parameters of {@link Adam} and {@link AdamW} (PyTorch's names in camelCase). */
export interface AdamOptions {
  /** Learning rate η (default 1e-3). */
  lr?: number;
  /** Decay rates (β1, β2) of the first and second moment estimates (default [0.9, 0.999]). */
  betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  eps?: number;
  /** L2 penalty λ (Adam: added to the gradient; AdamW: decoupled, default 1e-2 there). */
  weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  amsgrad?: boolean;
  /** Ascend instead of descend (default false). */
  maximize?: boolean;
}

/** Per-parameter state of {@link Adam} and {@link AdamW}, as PyTorch's `exp_avg`, `exp_avg_sq` … */
export interface AdamState {
  /** Updates taken so far (for the bias corrections). */
  step: number;
  /** First moment estimate m (running mean of the gradient). */
  expAvg: Tensor;
  /** Second moment estimate v (running mean of the squared gradient). */
  expAvgSq: Tensor;
  /** Maximum of the second moment estimates so far (AMSGrad only, else null). */
  maxExpAvgSq: Tensor | null;
}

/** @internal PyTorch's hyper-parameter checks for Adam and AdamW. */
export function validateAdam(options: Required<AdamOptions>): void {
  checkNonNegative("learning rate", options.lr);
  checkNonNegative("epsilon value", options.eps);
  options.betas.forEach((beta, i) => {
    if (!(beta >= 0 && beta < 1)) throw new Error(`Invalid beta parameter at index ${i}: ${beta}`);
  });
  checkNonNegative("weightDecay value", options.weightDecay);
}

/**
 * One Adam (or, with `decoupled`, AdamW) update of `param` in place, exactly PyTorch 1.13's:
 * m ← β1·m + (1 − β1)g, v ← β2·v + (1 − β2)g², θ ← θ − η/(1 − β1ᵗ) · m / (√v/√(1 − β2ᵗ) + ε),
 * with v replaced by its running maximum under AMSGrad. Adam adds λθ to g; AdamW instead
 * shrinks θ ← θ(1 − ηλ) first. The moment buffers are created (zeroed, as PyTorch does) on the
 * first step and updated in place; returns the state (the same object as `state` once it exists).
 *
 * @example
 * ```ts
 * import { noGrad, optim, tensor } from "nabla";
 * const param = tensor([1, 2]);
 * const options = { lr: 0.1, betas: [0.9, 0.999] as const, eps: 1e-8, weightDecay: 0, amsgrad: false, maximize: false };
 * const state = noGrad(() => optim.adamUpdate(param, tensor([3, -3]), undefined, options, false));
 * console.log(param.toArray(), state.step); // ≈ [0.9, 2.1] 1
 * ```
 */
export function adamUpdate(param: Tensor, grad: Tensor, state: AdamState | undefined, options: Required<AdamOptions>, decoupled: boolean): AdamState {
  // the negated or decayed gradient, the square root and the scaled temporaries are the update's
  // own, given back at once; the state (made on the first step) is kept
  return internalTo(
    () => adamStep(param, grad, state, options, decoupled),
    (kept) => [kept.expAvg, kept.expAvgSq, kept.maxExpAvgSq],
  );
}

function adamStep(param: Tensor, grad: Tensor, state: AdamState | undefined, options: Required<AdamOptions>, decoupled: boolean): AdamState {
  const [beta1, beta2] = options.betas;
  let g = options.maximize ? grad.neg() : grad;
  const current = state ?? { step: 0, expAvg: zerosLike(param), expAvgSq: zerosLike(param), maxExpAvgSq: null };
  const step = ++current.step;
  if (options.weightDecay !== 0) {
    if (decoupled) param.mul_(1 - options.lr * options.weightDecay);
    else g = g.add(param.mul(options.weightDecay));
  }
  scaleAddInPlace(current.expAvg, beta1, g, 1 - beta1);
  current.expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
  let second = current.expAvgSq;
  if (options.amsgrad) {
    current.maxExpAvgSq ??= zerosLike(param);
    second = current.maxExpAvgSq.copy_(current.maxExpAvgSq.maximum(current.expAvgSq));
  }
  const stepSize = options.lr / (1 - beta1 ** step);
  const denominator = second.sqrt().div_(Math.sqrt(1 - beta2 ** step)).add_(options.eps);
  param.addcdiv_(current.expAvg, denominator, -stepSize);
  return current;
}

function adamDefaults(options: AdamOptions, weightDecay: number): Required<AdamOptions> {
  return { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay, amsgrad: false, maximize: false, ...options };
}

/**
 * Adam (Kingma & Ba), with PyTorch's update rule and defaults (lr 1e-3, betas [0.9, 0.999],
 * eps 1e-8); `weightDecay` is an L2 penalty added to the gradient.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new optim.Adam([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * console.log(w.toArray()); // ≈ [0.9, -0.9]: Adam's first step moves each weight by lr
 * ```
 */
export class Adam extends Optimizer<Required<AdamOptions>, AdamState> {
  constructor(params: ParamsInput<Required<AdamOptions>>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }
  protected validate(options: Required<AdamOptions>): void {
    validateAdam(options);
  }
  protected update(param: Tensor, grad: Tensor, group: ParamGroup<Required<AdamOptions>>): void {
    this.state.set(param, adamUpdate(param, grad, this.state.get(param), group, false));
  }
}

/**
 * AdamW (Loshchilov & Hutter): Adam with decoupled weight decay θ ← θ(1 − ηλ), PyTorch's
 * rule and defaults (weightDecay 1e-2).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const w = tensor([1, -1], { requiresGrad: true });
 * const opt = new optim.AdamW([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * console.log(w.toArray()); // ≈ [0.899, -0.899]
 * ```
 */
export class AdamW extends Optimizer<Required<AdamOptions>, AdamState> {
  constructor(params: ParamsInput<Required<AdamOptions>>, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 1e-2));
  }
  protected validate(options: Required<AdamOptions>): void {
    validateAdam(options);
  }
  protected update(param: Tensor, grad: Tensor, group: ParamGroup<Required<AdamOptions>>): void {
    this.state.set(param, adamUpdate(param, grad, this.state.get(param), group, true));
  }
}
