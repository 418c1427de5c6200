import type { BaseOptions, Optimizer } from "./optimizer.js";

/**
 * Base of the learning-rate schedulers (PyTorch's `_LRScheduler`): remembers each group's
 * initial lr, and on every `step()` (call it after `optimizer.step()`, once per epoch) advances
 * `lastEpoch` and writes the new lr into the optimizer's groups. Construction performs the
 * first step, as in PyTorch, so `lastEpoch` starts at 0. Subclasses implement `computeLr`.
 *
 * As PyTorch's `initial_lr`, the first scheduler made for an optimizer records each group's lr
 * in `group.initialLr`; later ones (chained, or inside {@link SequentialLR}) start from it.
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
  /** The learning rates the last step set (see {@link LRScheduler.getLastLr}). */
  protected lastLr: number[] = [];

  constructor(readonly optimizer: Optimizer<BaseOptions, unknown>) {
    for (const group of optimizer.paramGroups) group.initialLr ??= group.lr;
    this.baseLrs = optimizer.paramGroups.map((group) => group.initialLr!);
  }

  /** The learning rates for `lastEpoch`, from the groups' current ones (PyTorch's recursive form). */
  protected abstract computeLr(): number[];

  /** The learning rates for `lastEpoch` from `baseLrs` alone (PyTorch's `_get_closed_form_lr`), where there is such a form. */
  protected closedFormLr(): number[] | null {
    return null;
  }

  /** Advances one epoch and sets the optimizer's learning rates. */
  step(): void {
    this.lastEpoch += 1;
    this.apply(this.computeLr());
  }

  /**
   * @internal Jumps to `epoch` (PyTorch's deprecated `step(epoch)`, which {@link SequentialLR}
   * uses to restart a scheduler at 0): the closed form where there is one, else `computeLr`.
   */
  stepAt(epoch: number): void {
    this.lastEpoch = epoch;
    this.apply(this.closedFormLr() ?? this.computeLr());
  }

  private apply(values: number[]): void {
    this.optimizer.paramGroups.forEach((group, i) => (group.lr = values[i]!));
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  /** The learning rates the last `step()` set, one per parameter group. */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
