import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/**
 * Multiplies each group's lr by `gamma` every epoch: lr = lr₀·γ^epoch.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.ExponentialLR(opt, 0.5);
 * scheduler.step();
 * scheduler.step();
 * console.log(scheduler.getLastLr()); // [0.25]
 * ```
 */
export class ExponentialLR extends LRScheduler {
  constructor(
    optimizer: Optimizer<BaseOptions, unknown>,
    readonly gamma: number,
  ) {
    super(optimizer);
    if (!(typeof gamma === "number" && gamma >= 0 && Number.isFinite(gamma))) throw new Error(`ExponentialLR: gamma must be a non-negative number, got ${gamma}`);
    this.step();
  }

  protected computeLr(): number[] {
    const groups = this.optimizer.paramGroups;
    return this.lastEpoch === 0 ? groups.map((group) => group.lr) : groups.map((group) => group.lr * this.gamma);
  }

  protected override closedFormLr(): number[] {
    return this.baseLrs.map((lr) => lr * this.gamma ** this.lastEpoch);
  }
}
