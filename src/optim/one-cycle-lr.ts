import { LRScheduler } from "./lr-scheduler.js";
import type { BaseOptions, Optimizer } from "./optimizer.js";

/** Options of {@link OneCycleLR} (PyTorch's names in camelCase). Give `totalSteps`, or `epochs` and `stepsPerEpoch`. */
export interface OneCycleLROptions {
  /** Steps in the cycle (one `step()` per batch). */
  totalSteps?: number;
  /** With `stepsPerEpoch`: totalSteps = epochs·stepsPerEpoch. */
  epochs?: number;
  /** With `epochs`: totalSteps = epochs·stepsPerEpoch. */
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent raising the lr (default 0.3). */
  pctStart?: number;
  /** "cos" (default) or "linear" annealing between the phases' ends. */
  annealStrategy?: "cos" | "linear";
  /** Cycle the momentum (SGD's `momentum`, Adam's beta1) inversely to the lr (default true). */
  cycleMomentum?: boolean;
  /** Lowest momentum, reached at the lr's peak (default 0.85); one per group or one for all. */
  baseMomentum?: number | readonly number[];
  /** Highest momentum, at the start and end (default 0.95); one per group or one for all. */
  maxMomentum?: number | readonly number[];
  /** The initial lr is maxLr / divFactor (default 25). */
  divFactor?: number;
  /** The final lr is initial lr / finalDivFactor (default 1e4). */
  finalDivFactor?: number;
  /** Three phases (up, back down to the initial lr, then annihilation) instead of two (default false). */
  threePhase?: boolean;
}

/** One phase of the cycle: until `endStep`, anneal lr and momentum between these ends. */
interface Phase {
  endStep: number;
  lr: [keyof GroupValues, keyof GroupValues];
  momentum: [keyof GroupValues, keyof GroupValues];
}

/** A group's ends of the cycle (PyTorch keeps them in the group as `initial_lr`, `max_lr` …). */
interface GroupValues {
  initialLr: number;
  maxLr: number;
  minLr: number;
  maxMomentum: number;
  baseMomentum: number;
}

function perGroup(name: string, value: number | readonly number[], groups: number): number[] {
  if (typeof value === "number") return new Array<number>(groups).fill(value);
  if (value.length !== groups) throw new Error(`OneCycleLR: expected ${groups} values for ${name}, got ${value.length}`);
  return [...value];
}

function positiveInteger(name: string, value: number | undefined): number {
  if (value === undefined || !Number.isInteger(value) || value <= 0) throw new Error(`OneCycleLR: expected a positive integer ${name}, got ${value}`);
  return value;
}

/**
 * The 1cycle policy (Smith & Topin): the lr rises from maxLr/divFactor to `maxLr` over the first
 * `pctStart` of `totalSteps`, then anneals to initialLr/finalDivFactor, while the momentum (SGD's
 * `momentum` or Adam's first beta) moves the opposite way between `maxMomentum` and
 * `baseMomentum`. Step it after every batch; stepping past `totalSteps` is an error, as in PyTorch.
 *
 * @example
 * ```ts
 * import { optim, tensor } from "nabla";
 * const opt = new optim.SGD([tensor([1], { requiresGrad: true })], { lr: 0.1, momentum: 0.9 });
 * const scheduler = new optim.OneCycleLR(opt, 1, { totalSteps: 10, annealStrategy: "linear" });
 * for (let i = 0; i < 2; i++) scheduler.step();
 * console.log(scheduler.getLastLr(), opt.paramGroups[0]!.momentum); // [1] 0.85
 * ```
 */
export class OneCycleLR extends LRScheduler {
  readonly totalSteps: number;
  readonly annealStrategy: "cos" | "linear";
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly values: GroupValues[];
  private readonly useBeta1: boolean;

  constructor(optimizer: Optimizer<BaseOptions, unknown>, maxLr: number | readonly number[], options: OneCycleLROptions = {}) {
    const groups = optimizer.paramGroups;
    const totalSteps = OneCycleLR.countSteps(options);
    const pctStart = options.pctStart ?? 0.3;
    if (!(pctStart >= 0 && pctStart <= 1)) throw new Error(`OneCycleLR: expected pctStart between 0 and 1, got ${pctStart}`);
    const annealStrategy = options.annealStrategy ?? "cos";
    if (annealStrategy !== "cos" && annealStrategy !== "linear") throw new Error(`OneCycleLR: annealStrategy must be "cos" or "linear", got ${JSON.stringify(annealStrategy)}`);
    const divFactor = options.divFactor ?? 25;
    const finalDivFactor = options.finalDivFactor ?? 1e4;
    const maxLrs = perGroup("maxLr", maxLr, groups.length);
    const cycleMomentum = options.cycleMomentum ?? true;
    const defaults = optimizer.defaults as unknown as Record<string, unknown>;
    if (cycleMomentum && !("momentum" in defaults) && !("betas" in defaults)) {
      throw new Error(`OneCycleLR: the optimizer must have a momentum or betas with cycleMomentum (pass cycleMomentum: false for ${optimizer.constructor.name})`);
    }
    const maxMomenta = perGroup("maxMomentum", options.maxMomentum ?? 0.95, groups.length);
    const baseMomenta = perGroup("baseMomentum", options.baseMomentum ?? 0.85, groups.length);
    const values = maxLrs.map((max, i) => {
      const initialLr = max / divFactor;
      return { initialLr, maxLr: max, minLr: initialLr / finalDivFactor, maxMomentum: maxMomenta[i]!, baseMomentum: baseMomenta[i]! };
    });
    // as PyTorch, the cycle's initial lr becomes the groups' initial_lr, which the base reads
    groups.forEach((group, i) => (group.initialLr = values[i]!.initialLr));
    super(optimizer);
    this.totalSteps = totalSteps;
    this.annealStrategy = annealStrategy;
    this.cycleMomentum = cycleMomentum;
    this.values = values;
    this.useBeta1 = "betas" in defaults;
    const up = pctStart * totalSteps - 1;
    this.phases = options.threePhase
      ? [
          { endStep: up, lr: ["initialLr", "maxLr"], momentum: ["maxMomentum", "baseMomentum"] },
          { endStep: 2 * pctStart * totalSteps - 2, lr: ["maxLr", "initialLr"], momentum: ["baseMomentum", "maxMomentum"] },
          { endStep: totalSteps - 1, lr: ["initialLr", "minLr"], momentum: ["maxMomentum", "maxMomentum"] },
        ]
      : [
          { endStep: up, lr: ["initialLr", "maxLr"], momentum: ["maxMomentum", "baseMomentum"] },
          { endStep: totalSteps - 1, lr: ["maxLr", "minLr"], momentum: ["baseMomentum", "maxMomentum"] },
        ];
    if (cycleMomentum) groups.forEach((group, i) => this.setMomentum(group, values[i]!.maxMomentum));
    this.step();
  }

  private static countSteps(options: OneCycleLROptions): number {
    if (options.totalSteps !== undefined) return positiveInteger("totalSteps", options.totalSteps);
    if (options.epochs === undefined && options.stepsPerEpoch === undefined) throw new Error("OneCycleLR: you must define either totalSteps OR (epochs AND stepsPerEpoch)");
    return positiveInteger("epochs", options.epochs) * positiveInteger("stepsPerEpoch", options.stepsPerEpoch);
  }

  private anneal(start: number, end: number, pct: number): number {
    if (this.annealStrategy === "linear") return (end - start) * pct + start;
    return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
  }

  private setMomentum(group: object, momentum: number): void {
    const fields = group as Record<string, unknown>;
    if (this.useBeta1) fields["betas"] = [momentum, ...(fields["betas"] as number[]).slice(1)];
    else fields["momentum"] = momentum;
  }

  protected computeLr(): number[] {
    const step = this.lastEpoch;
    if (step > this.totalSteps) throw new Error(`OneCycleLR: tried to step ${step + 1} times; the specified number of total steps is ${this.totalSteps}`);
    return this.optimizer.paramGroups.map((group, g) => {
      const ends = this.values[g]!;
      let startStep = 0;
      for (let i = 0; i < this.phases.length; i++) {
        const phase = this.phases[i]!;
        if (step <= phase.endStep || i === this.phases.length - 1) {
          const pct = (step - startStep) / (phase.endStep - startStep);
          if (this.cycleMomentum) this.setMomentum(group, this.anneal(ends[phase.momentum[0]], ends[phase.momentum[1]], pct));
          return this.anneal(ends[phase.lr[0]], ends[phase.lr[1]], pct);
        }
        startStep = phase.endStep;
      }
      throw new Error("OneCycleLR: unreachable: the last phase takes every step");
    });
  }
}
