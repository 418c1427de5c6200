import { Generator } from "../tensor/random.js";
import { checkCount, checkNonNegative, linspace, packLabelled, type LabelledData, type SyntheticOptions } from "./labelled-data.js";

export interface MakeCirclesOptions extends SyntheticOptions {
  /** Standard deviation of Gaussian noise added to every coordinate (default 0). */
  noise?: number;
  /** Radius of the inner circle relative to the outer one, in (0, 1) (default 0.8). */
  factor?: number;
}

/**
 * A circle inside a larger one (scikit-learn's `make_circles`): class 0 is the outer circle of
 * radius 1, class 1 the inner circle of radius `factor`.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeCircles({ nSamples: 100, factor: 0.5, seed: 0 });
 * console.log(x.shape, y.sum().item()); // [100, 2] 50
 * ```
 */
export function makeCircles(options: MakeCirclesOptions = {}): LabelledData {
  const nSamples = checkCount("makeCircles", "nSamples", options.nSamples ?? 100, 2);
  const noise = checkNonNegative("makeCircles", "noise", options.noise ?? 0);
  const factor = options.factor ?? 0.8;
  if (!(factor > 0 && factor < 1)) throw new Error(`makeCircles: factor must be in (0, 1), got ${factor}`);
  const generator = new Generator(options.seed ?? 0);
  const nOuter = Math.floor(nSamples / 2);
  const points: number[] = [];
  const labels: number[] = [];
  for (const [count, radius, label] of [[nOuter, 1, 0], [nSamples - nOuter, factor, 1]] as const) {
    for (const angle of linspace(0, 2 * Math.PI, count, false)) {
      points.push(radius * Math.cos(angle), radius * Math.sin(angle));
      labels.push(label);
    }
  }
  if (noise > 0) for (let i = 0; i < points.length; i++) points[i]! += noise * generator.normal();
  return packLabelled(points, labels, 2, generator, options);
}
