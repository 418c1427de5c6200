import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link StepLR}. */
export interface StepLROptions {
  /** Multiplicative factor of the decay (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` every `stepSize` epochs: lr = lr₀·γ^⌊epoch/stepSize⌋.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.StepLR(opt, 2, { gamma: 0.5 });
 * for (let epoch = 0; epoch < 4; epoch++) scheduler.step();
 * console.log(scheduler.getLastLr()); // [0.25]
 * ```
 */
export class StepLR extends LRScheduler {
  readonly gamma: number;

  constructor(
    optimizer: Optimizer<BaseOptions, unknown>,
    readonly stepSize: number,
    options: StepLROptions = {},
  ) {
    super(optimizer);
    if (!Number.isInteger(stepSize) || stepSize < 1) throw new Error(`StepLR: stepSize must be a positive integer, got ${stepSize}`);
    this.gamma = options.gamma ?? 0.1;
    this.step();
  }

  protected computeLr(): number[] {
    const decay = this.lastEpoch !== 0 && this.lastEpoch % this.stepSize === 0;
    return this.optimizer.paramGroups.map((group) => (decay ? group.lr * this.gamma : group.lr));
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** Math.floor(this.lastEpoch / this.stepSize));
  }
}
