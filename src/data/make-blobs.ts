import { Generator } from "../tensor/random.js";
import { checkCount, checkNonNegative, packLabelled, splitEvenly, type LabelledData, type SyntheticOptions } from "./labelled-data.js";

export interface MakeBlobsOptions extends SyntheticOptions {
  /** How many random centres (drawn uniformly from `centerBox`), or the centres themselves (default 2). */
  centers?: number | readonly (readonly number[])[];
  /** Standard deviation of every cluster, or one per centre (default 1). */
  clusterStd?: number | readonly number[];
  /** Box [low, high] random centres are drawn from (default [-10, 10]). */
  centerBox?: readonly [number, number];
}

function resolveCenters(centers: MakeBlobsOptions["centers"], box: readonly [number, number], generator: Generator): number[][] {
  if (typeof centers === "number" || centers === undefined) {
    const count = checkCount("makeBlobs", "centers", centers ?? 2, 1);
    return Array.from({ length: count }, () => [0, 0].map(() => box[0] + (box[1] - box[0]) * generator.uniform()));
  }
  if (centers.length === 0) throw new Error("makeBlobs: centers must hold at least one centre");
  const features = centers[0]!.length;
  centers.forEach((center, i) => {
    if (center.length !== features || features === 0 || !center.every(Number.isFinite)) {
      throw new Error(`makeBlobs: centre ${i} is [${center.join(", ")}]; every centre needs ${features || "≥ 1"} finite coordinates`);
    }
  });
  return centers.map((center) => [...center]);
}

/**
 * Gaussian clouds around `centers`: the lecture's two (or K) clouds. Class `k` is the points
 * around centre `k`; `nSamples` is split evenly between the centres.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeBlobs({ nSamples: 100, centers: [[-2, -2], [2, 2]], clusterStd: 0.5, seed: 1 });
 * console.log(x.shape, y.shape); // [100, 2] [100]
 * ```
 */
export function makeBlobs(options: MakeBlobsOptions = {}): LabelledData {
  const nSamples = checkCount("makeBlobs", "nSamples", options.nSamples ?? 100, 1);
  const generator = new Generator(options.seed ?? 0);
  const centers = resolveCenters(options.centers, options.centerBox ?? [-10, 10], generator);
  const clusterStd = options.clusterStd ?? 1;
  const stds = typeof clusterStd === "number" ? centers.map(() => clusterStd) : [...clusterStd];
  if (stds.length !== centers.length) throw new Error(`makeBlobs: clusterStd has ${stds.length} values for ${centers.length} centres`);
  stds.forEach((std, i) => checkNonNegative("makeBlobs", `clusterStd[${i}]`, std));
  const points: number[] = [];
  const labels: number[] = [];
  splitEvenly(nSamples, centers.length).forEach((count, label) => {
    for (let i = 0; i < count; i++) {
      for (const coordinate of centers[label]!) points.push(coordinate + stds[label]! * generator.normal());
      labels.push(label);
    }
  });
  return packLabelled(points, labels, centers[0]!.length, generator, options);
}
