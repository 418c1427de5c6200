import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link MultiStepLR}. */
export interface MultiStepLROptions {
  /** Multiplicative factor of the decay at each milestone (default 0.1). */
  gamma?: number;
}

/**
 * Multiplies each group's lr by `gamma` at each epoch in `milestones` (PyTorch's `MultiStepLR`;
 * a milestone listed twice decays twice): lr = lr₀·γ^(milestones passed).
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.MultiStepLR(opt, [2, 4], { gamma: 0.5 });
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(scheduler.getLastLr()[0]);
 *   scheduler.step();
 * }
 * console.log(lrs); // [1, 1, 0.5, 0.5, 0.25]
 * ```
 */
export class MultiStepLR extends LRScheduler {
  readonly gamma: number;
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer<BaseOptions, unknown>, milestones: readonly number[], options: MultiStepLROptions = {}) {
    super(optimizer);
    for (const m of milestones) {
      if (!Number.isInteger(m) || m < 0) throw new Error(`MultiStepLR: milestones must be non-negative integers, got ${JSON.stringify(milestones)}`);
    }
    this.milestones = [...milestones].sort((a, b) => a - b);
    this.gamma = options.gamma ?? 0.1;
    this.step();
  }

  protected computeLr(): number[] {
    // PyTorch's recursive form: at a milestone, γ to the power of how often it is listed
    const times = this.milestones.filter((m) => m === this.lastEpoch).length;
    return this.optimizer.paramGroups.map((group) => group.lr * this.gamma ** times);
  }

  protected override closedFormLr(): number[] {
    const passed = this.milestones.filter((m) => m <= this.lastEpoch).length;
    return this.baseLrs.map((lr) => lr * this.gamma ** passed);
  }
}
