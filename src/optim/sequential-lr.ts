import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/**
 * Runs schedulers one after another: `schedulers[i]` from epoch `milestones[i − 1]` on, each
 * restarted at its epoch 0 when its turn comes, with PyTorch 1.13's stepping: the schedulers
 * must be made for `optimizer` first (their construction steps are undone), and the groups'
 * lr starts again from `initialLr`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const warmUp = new optim.LinearLR(opt, { startFactor: 0.5, totalIters: 2 });
 * const decay = new optim.ExponentialLR(opt, 0.5);
 * const scheduler = new optim.SequentialLR(opt, [warmUp, decay], [2]);
 * const lrs = [scheduler.getLastLr()[0]];
 * for (let epoch = 0; epoch < 4; epoch++) {
 *   scheduler.step();
 *   lrs.push(scheduler.getLastLr()[0]);
 * }
 * console.log(lrs); // [0.5, 0.75, 1, 0.5, 0.25]
 * ```
 */
export class SequentialLR extends LRScheduler {
  readonly schedulers: readonly LRScheduler[];
  readonly milestones: readonly number[];

  constructor(optimizer: Optimizer<BaseOptions, unknown>, schedulers: readonly LRScheduler[], milestones: readonly number[]) {
    super(optimizer);
    if (schedulers.length === 0) throw new Error("SequentialLR: expected at least one scheduler");
    schedulers.forEach((scheduler, i) => {
      if (!(scheduler instanceof LRScheduler)) throw new Error(`SequentialLR: schedulers[${i}] is not an LRScheduler (ReduceLROnPlateau cannot be sequenced)`);
      if (scheduler.optimizer !== optimizer) throw new Error(`SequentialLR: expects all schedulers to belong to the same optimizer, but schedulers[${i}] was made for another one`);
    });
    if (milestones.length !== schedulers.length - 1) {
      throw new Error(`SequentialLR: expects one milestone fewer than schedulers, got ${schedulers.length} schedulers and ${milestones.length} milestones`);
    }
    milestones.forEach((milestone, i) => {
      if (!Number.isInteger(milestone) || milestone < 0 || (i > 0 && milestone < milestones[i - 1]!)) {
        throw new Error(`SequentialLR: milestones must be non-negative integers in increasing order, got [${milestones.join(", ")}]`);
      }
    });
    this.schedulers = [...schedulers];
    this.milestones = [...milestones];
    this.lastEpoch = 0;
    // as PyTorch: reset the lrs, undo each scheduler's construction step, then step only the first
    for (const group of optimizer.paramGroups) group.lr = group.initialLr!;
    for (const scheduler of schedulers) scheduler.lastEpoch -= 1;
    schedulers[0]!.step();
    this.lastLr = schedulers[0]!.getLastLr();
  }

  protected computeLr(): number[] {
    return this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** Advances one epoch: steps the scheduler whose turn it is (restarting it at its milestone). */
  override step(): void {
    this.lastEpoch += 1;
    let index = 0;
    while (index < this.milestones.length && this.milestones[index]! <= this.lastEpoch) index++;
    const scheduler = this.schedulers[index]!;
    if (index > 0 && this.milestones[index - 1] === this.lastEpoch) scheduler.stepAt(0);
    else scheduler.step();
    this.lastLr = scheduler.getLastLr();
  }
}
