import { Generator } from "../tensor/random.js";
import { checkCount, checkNonNegative, packLabelled, type LabelledData, type SyntheticOptions } from "./labelled-data.js";

export interface MakeXorOptions extends SyntheticOptions {
  /** Standard deviation of Gaussian noise added to the points after labelling (default 0). */
  noise?: number;
}

/**
 * Points uniform in the square [−1, 1]², labelled 1 where exactly one coordinate is positive
 * (the XOR of their signs): the classic problem a single linear layer cannot solve.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeXor({ nSamples: 64, seed: 3 });
 * console.log(x.shape, y.shape); // [64, 2] [64]
 * ```
 */
export function makeXor(options: MakeXorOptions = {}): LabelledData {
  const nSamples = checkCount("makeXor", "nSamples", options.nSamples ?? 100, 1);
  const noise = checkNonNegative("makeXor", "noise", options.noise ?? 0);
  const generator = new Generator(options.seed ?? 0);
  const points: number[] = [];
  const labels: number[] = [];
  for (let i = 0; i < nSamples; i++) {
    const a = 2 * generator.uniform() - 1;
    const b = 2 * generator.uniform() - 1;
    labels.push(a > 0 !== b > 0 ? 1 : 0);
    points.push(a + noise * generator.normal(), b + noise * generator.normal());
  }
  // uniform draws are already in random order
  return packLabelled(points, labels, 2, generator, { ...options, shuffle: false });
}
