import { Tensor } from "../tensor/tensor.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link ReduceLROnPlateau} (PyTorch's names in camelCase). */
export interface ReduceLROnPlateauOptions {
  /** "min" (default): the metric should fall (a loss); "max": it should rise (an accuracy). */
  mode?: "min" | "max";
  /** The lr is multiplied by this on a plateau (default 0.1; must be below 1). */
  factor?: number;
  /** Epochs without improvement tolerated before the lr is reduced (default 10). */
  patience?: number;
  /** How much better than the best a metric must be to count (default 1e-4). */
  threshold?: number;
  /** "rel" (default): better than best·(1 ∓ threshold); "abs": better than best ∓ threshold. */
  thresholdMode?: "rel" | "abs";
  /** Epochs to wait after a reduction before counting bad epochs again (default 0). */
  cooldown?: number;
  /** A floor on the lr, one for all groups or one per group (default 0). */
  minLr?: number | readonly number[];
  /** A reduction smaller than this is not applied (default 1e-8). */
  eps?: number;
}

/**
 * Reduces each group's lr by `factor` when a metric has stopped improving for more than
 * `patience` epochs, with PyTorch's thresholds, cooldown and floor. Unlike the other schedulers
 * it is stepped with the metric: `scheduler.step(validationLoss)`.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 1 });
 * const scheduler = new optim.ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const loss of [1, 0.8, 0.8, 0.8]) scheduler.step(loss);
 * console.log(scheduler.getLastLr()); // [0.5]
 * ```
 */
export class ReduceLROnPlateau {
  readonly mode: "min" | "max";
  readonly factor: number;
  readonly patience: number;
  readonly threshold: number;
  readonly thresholdMode: "rel" | "abs";
  readonly cooldown: number;
  readonly minLrs: number[];
  readonly eps: number;
  /** The best metric so far (±Infinity before the first step). */
  best: number;
  /** Epochs since the metric last improved (reset on a reduction and in cooldown). */
  numBadEpochs = 0;
  /** Epochs of cooldown left. */
  cooldownCounter = 0;
  /** Number of `step()` calls so far. */
  lastEpoch = 0;
  private lastLr: number[];

  constructor(
    readonly optimizer: Optimizer<BaseOptions, unknown>,
    options: ReduceLROnPlateauOptions = {},
  ) {
    this.mode = options.mode ?? "min";
    this.factor = options.factor ?? 0.1;
    this.patience = options.patience ?? 10;
    this.threshold = options.threshold ?? 1e-4;
    this.thresholdMode = options.thresholdMode ?? "rel";
    this.cooldown = options.cooldown ?? 0;
    this.eps = options.eps ?? 1e-8;
    if (this.mode !== "min" && this.mode !== "max") throw new Error(`ReduceLROnPlateau: mode must be "min" or "max", got ${JSON.stringify(this.mode)}`);
    if (this.thresholdMode !== "rel" && this.thresholdMode !== "abs") throw new Error(`ReduceLROnPlateau: thresholdMode must be "rel" or "abs", got ${JSON.stringify(this.thresholdMode)}`);
    if (!(this.factor < 1 && this.factor >= 0)) throw new Error(`ReduceLROnPlateau: factor should be in [0, 1), got ${this.factor}`);
    for (const [name, value] of [["patience", this.patience], ["cooldown", this.cooldown]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`ReduceLROnPlateau: ${name} must be a non-negative integer, got ${value}`);
    }
    const groups = optimizer.paramGroups.length;
    const minLr = options.minLr ?? 0;
    if (typeof minLr !== "number" && minLr.length !== groups) throw new Error(`ReduceLROnPlateau: expected ${groups} minLr values (one per parameter group), got ${minLr.length}`);
    this.minLrs = typeof minLr === "number" ? new Array<number>(groups).fill(minLr) : [...minLr];
    this.best = this.mode === "min" ? Infinity : -Infinity;
    this.lastLr = optimizer.paramGroups.map((group) => group.lr);
  }

  /** Whether `metric` improves on `best` by more than the threshold. */
  isBetter(metric: number, best: number): boolean {
    const { mode, threshold } = this;
    if (this.thresholdMode === "rel") return mode === "min" ? metric < best * (1 - threshold) : metric > best * (threshold + 1);
    return mode === "min" ? metric < best - threshold : metric > best + threshold;
  }

  /** Whether the scheduler is in its cooldown after a reduction. */
  get inCooldown(): boolean {
    return this.cooldownCounter > 0;
  }

  /** Records one epoch's metric (a number or a one-element tensor) and reduces the lr on a plateau. */
  step(metric: number | Tensor): void {
    const current = metric instanceof Tensor ? metric.item() : metric;
    if (typeof current !== "number") throw new Error(`ReduceLROnPlateau: step expects the metric as a number or a one-element tensor, got ${typeof metric}`);
    this.lastEpoch += 1;
    if (this.isBetter(current, this.best)) {
      this.best = current;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs += 1;
    }
    if (this.inCooldown) {
      this.cooldownCounter -= 1;
      this.numBadEpochs = 0; // bad epochs in cooldown do not count
    }
    if (this.numBadEpochs > this.patience) {
      this.reduceLr();
      this.cooldownCounter = this.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLr = this.optimizer.paramGroups.map((group) => group.lr);
  }

  private reduceLr(): void {
    this.optimizer.paramGroups.forEach((group, i) => {
      const reduced = Math.max(group.lr * this.factor, this.minLrs[i]!);
      if (group.lr - reduced > this.eps) group.lr = reduced;
    });
  }

  /** The groups' learning rates after the last `step()` (their lrs at construction before any). */
  getLastLr(): number[] {
    return [...this.lastLr];
  }
}
