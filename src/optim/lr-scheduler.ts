import type { BaseOptions, Optimizer } from "./optimizer.js";

/**
 * Base of the learning-rate schedulers (PyTorch's `_LRScheduler`): remembers each group's
 * initial lr, and on every `step()` (call it after `optimizer.step()`, once per epoch) advances
 * `lastEpoch` and writes the new lr into the optimizer's groups. Construction performs the
 * first step, as in PyTorch, so `lastEpoch` starts at 0. Subclasses implement `computeLr`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * class Halving extends optim.LRScheduler {
 *   constructor(optimizer: optim.Optimizer<optim.BaseOptions, unknown>) {
 *     super(optimizer);
 *     this.step();
 *   }
 *   protected computeLr(): number[] {
 *     return this.baseLrs.map((lr) => lr / 2 ** this.lastEpoch);
 *   }
 * }
 * const scheduler = new Halving(new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 }));
 * scheduler.step();
 * console.log(scheduler.getLastLr()); // [0.5]
 * ```
 */
export abstract class LRScheduler {
  /** Each parameter group's lr when the scheduler was created. */
  readonly baseLrs: number[];
  /** Number of `step()` calls so far (0 right after construction). */
  lastEpoch = -1;
  private lastLr: number[] = [];

  constructor(readonly optimizer: Optimizer<BaseOptions, unknown>) {
    this.baseLrs = optimizer.paramGroups.map((group) => group.lr);
  }

  /** The learning rates for `lastEpoch`, from the groups' current ones (PyTorch's recursive form). */
  protected abstract computeLr(): number[];

  /** Advances one epoch and sets the optimizer's learning rates. */
  step(): void {
    this.lastEpoch += 1;
    const values = this.computeLr();
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** The learning rates the last `step()` set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
