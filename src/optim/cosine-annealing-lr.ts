import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link CosineAnnealingLR} (PyTorch's `eta_min`). */
export interface CosineAnnealingLROptions {
  /** Minimum learning rate (default 0). */
  etaMin?: number;
}

/**
 * Cosine annealing from each group's lr down to `etaMin` over `tMax` epochs, then back up
 * (SGDR without restarts): lr = ηmin + (lr₀ − ηmin)(1 + cos(π·epoch/tMax))/2, applied in
 * PyTorch's recursive form so other changes to the lr compose the same way.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.CosineAnnealingLR(opt, 10);
 * for (let epoch = 0; epoch < 5; epoch++) scheduler.step();
 * console.log(scheduler.getLastLr()); // ≈ [0.5]
 * ```
 */
export class CosineAnnealingLR extends LRScheduler {
  readonly etaMin: number;

  constructor(
    optimizer: Optimizer<BaseOptions, unknown>,
    readonly tMax: number,
    options: CosineAnnealingLROptions = {},
  ) {
    super(optimizer);
    if (!(tMax > 0)) throw new Error(`CosineAnnealingLR: tMax must be positive, got ${tMax}`);
    this.etaMin = options.etaMin ?? 0;
    this.step();
  }

  protected computeLr(): number[] {
    const { lastEpoch: epoch, tMax, etaMin } = this;
    const groups = this.optimizer.paramGroups;
    if (epoch === 0) return groups.map((group) => group.lr);
    if ((epoch - 1 - tMax) % (2 * tMax) === 0) {
      return groups.map((group, i) => group.lr + ((this.baseLrs[i]! - etaMin) * (1 - Math.cos(Math.PI / tMax))) / 2);
    }
    const ratio = (1 + Math.cos((Math.PI * epoch) / tMax)) / (1 + Math.cos((Math.PI * (epoch - 1)) / tMax));
    return groups.map((group) => ratio * (group.lr - etaMin) + etaMin);
  }

  protected override closedFormLr(): number[] {
    const { lastEpoch: epoch, tMax, etaMin } = this;
    return this.baseLrs.map((lr) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * epoch) / tMax))) / 2);
  }
}
