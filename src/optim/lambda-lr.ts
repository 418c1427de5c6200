import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** A factor of the initial lr as a function of the epoch (0 right after construction). */
export type LrLambda = (epoch: number) => number;

/**
 * Sets each group's lr to its initial lr times `lrLambda(epoch)` (PyTorch's `LambdaLR`): any
 * schedule written as a function, a warm-up say. One function for every group, or one per group.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const warmUp = new optim.LambdaLR(opt, (epoch) => Math.min(1, (epoch + 1) / 4));
 * const lrs = [];
 * for (let epoch = 0; epoch < 5; epoch++) {
 *   lrs.push(warmUp.getLastLr()[0]);
 *   warmUp.step();
 * }
 * console.log(lrs); // [0.025, 0.05, 0.07500000000000001, 0.1, 0.1]
 * ```
 */
export class LambdaLR extends LRScheduler {
  readonly lrLambdas: readonly LrLambda[];

  constructor(optimizer: Optimizer<BaseOptions, unknown>, lrLambda: LrLambda | readonly LrLambda[]) {
    super(optimizer);
    const groups = optimizer.paramGroups.length;
    if (typeof lrLambda === "function") this.lrLambdas = new Array<LrLambda>(groups).fill(lrLambda);
    else {
      if (lrLambda.length !== groups) throw new Error(`LambdaLR: expected ${groups} lrLambda functions (one per parameter group), got ${lrLambda.length}`);
      lrLambda.forEach((f, i) => {
        if (typeof f !== "function") throw new Error(`LambdaLR: lrLambda ${i} is not a function`);
      });
      this.lrLambdas = [...lrLambda];
    }
    this.step();
  }

  protected computeLr(): number[] {
    return this.baseLrs.map((lr, i) => {
      const factor = this.lrLambdas[i]!(this.lastEpoch);
      if (typeof factor !== "number" || Number.isNaN(factor)) throw new Error(`LambdaLR: lrLambda ${i} returned ${String(factor)} at epoch ${this.lastEpoch}; expected a number`);
      return lr * factor;
    });
  }
}
