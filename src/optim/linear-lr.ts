import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link LinearLR} (PyTorch's `start_factor`, `end_factor`, `total_iters`). */
export interface LinearLROptions {
  /** The factor of the first epoch, in (0, 1] (default 1/3). */
  startFactor?: number;
  /** The factor from epoch `totalIters` on, in [0, 1] (default 1). */
  endFactor?: number;
  /** Epochs over which the factor moves linearly from start to end (default 5). */
  totalIters?: number;
}

/**
 * Scales each group's lr by a factor that moves linearly from `startFactor` to `endFactor`
 * over `totalIters` epochs, then stays (a warm-up with the defaults): lr = lr₀·(s + (e − s)·
 * min(epoch, T)/T), applied in PyTorch's recursive form.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.LinearLR(opt, { startFactor: 0.25, totalIters: 3 });
 * const lrs = [scheduler.getLastLr()[0]];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   scheduler.step();
 *   lrs.push(scheduler.getLastLr()[0]);
 * }
 * console.log(lrs); // [0.25, 0.5, 0.75, 1, 1]
 * ```
 */
export class LinearLR extends LRScheduler {
  readonly startFactor: number;
  readonly endFactor: number;
  readonly totalIters: number;

  constructor(optimizer: Optimizer<BaseOptions, unknown>, options: LinearLROptions = {}) {
    super(optimizer);
    this.startFactor = options.startFactor ?? 1 / 3;
    this.endFactor = options.endFactor ?? 1;
    this.totalIters = options.totalIters ?? 5;
    // PyTorch 1.13 accepts a start factor of 0 and then divides by zero at the second step
    if (!(this.startFactor > 0 && this.startFactor <= 1)) throw new Error(`LinearLR: startFactor must be in (0, 1], got ${this.startFactor}`);
    if (!(this.endFactor >= 0 && this.endFactor <= 1)) throw new Error(`LinearLR: endFactor must be in [0, 1], got ${this.endFactor}`);
    if (!Number.isInteger(this.totalIters) || this.totalIters < 1) throw new Error(`LinearLR: totalIters must be a positive integer, got ${this.totalIters}`);
    this.step();
  }

  protected computeLr(): number[] {
    const { lastEpoch: epoch, startFactor: start, endFactor: end, totalIters: total } = this;
    const groups = this.optimizer.paramGroups;
    if (epoch === 0) return groups.map((group) => group.lr * start);
    if (epoch > total) return groups.map((group) => group.lr);
    return groups.map((group) => group.lr * (1 + (end - start) / (total * start + (epoch - 1) * (end - start))));
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: epoch, startFactor: start, endFactor: end, totalIters: total } = this;
    return this.baseLrs.map((lr) => lr * (start + ((end - start) * Math.min(total, epoch)) / total));
  }
}
