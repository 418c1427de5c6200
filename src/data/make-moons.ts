import { Generator } from "../tensor/random.js";
import { checkCount, checkNonNegative, linspace, packLabelled, type LabelledData, type SyntheticOptions } from "./labelled-data.js";

export interface MakeMoonsOptions extends SyntheticOptions {
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
}

/**
 * Two interleaving half circles (scikit-learn's `make_moons`): class 0 is the upper moon, class 1
 * the lower one — a problem no straight line separates.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });
 * console.log(x.shape, y.sum().item()); // [200, 2] 100
 * ```
 */
export function makeMoons(options: MakeMoonsOptions = {}): LabelledData {
  const nSamples = checkCount("makeMoons", "nSamples", options.nSamples ?? 100, 2);
  const noise = checkNonNegative("makeMoons", "noise", options.noise ?? 0);
  const generator = new Generator(options.seed ?? 0);
  const nOuter = Math.floor(nSamples / 2);
  const points: number[] = [];
  const labels: number[] = [];
  for (const angle of linspace(0, Math.PI, nOuter)) {
    points.push(Math.cos(angle), Math.sin(angle));
    labels.push(0);
  }
  for (const angle of linspace(0, Math.PI, nSamples - nOuter)) {
    points.push(1 - Math.cos(angle), 0.5 - Math.sin(angle));
    labels.push(1);
  }
  if (noise > 0) for (let i = 0; i < points.length; i++) points[i]! += noise * generator.normal();
  return packLabelled(points, labels, 2, generator, options);
}
