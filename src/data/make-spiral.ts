import { Generator } from "../tensor/random.js";
import { checkCount, checkNonNegative, linspace, packLabelled, splitEvenly, type LabelledData, type SyntheticOptions } from "./labelled-data.js";

export interface MakeSpiralOptions extends SyntheticOptions {
  /** Number of arms, one class each (default 3). */
  nClasses?: number;
  /** Standard deviation of Gaussian noise added to each point's angle, in radians (default 0.2). */
  noise?: number;
}

/**
 * Interleaved spiral arms, one per class (the CS231n spiral): arm `k` sweeps radius 0→1 while
 * its angle turns through 4 radians starting at 4k.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeSpiral({ nSamples: 300, nClasses: 3, seed: 0 });
 * console.log(x.shape, y.max().item()); // [300, 2] 2
 * ```
 */
export function makeSpiral(options: MakeSpiralOptions = {}): LabelledData {
  const nClasses = checkCount("makeSpiral", "nClasses", options.nClasses ?? 3, 1);
  const nSamples = checkCount("makeSpiral", "nSamples", options.nSamples ?? 100 * nClasses, nClasses);
  const noise = checkNonNegative("makeSpiral", "noise", options.noise ?? 0.2);
  const generator = new Generator(options.seed ?? 0);
  const points: number[] = [];
  const labels: number[] = [];
  splitEvenly(nSamples, nClasses).forEach((count, label) => {
    const angles = linspace(4 * label, 4 * (label + 1), count);
    linspace(0, 1, count).forEach((radius, i) => {
      const angle = angles[i]! + noise * generator.normal();
      points.push(radius * Math.sin(angle), radius * Math.cos(angle));
      labels.push(label);
    });
  });
  return packLabelled(points, labels, 2, generator, options);
}
