/** The input features a point can be fed to the network as (TensorFlow Playground's set). */
import type { FeatureName } from "./state.js";

export const FEATURE_LABELS: Record<FeatureName, string> = {
  x1: "x₁",
  x2: "x₂",
  x1sq: "x₁²",
  x2sq: "x₂²",
  x1x2: "x₁·x₂",
  sinx1: "sin x₁",
  sinx2: "sin x₂",
};

const FEATURE_FUNCTIONS: Record<FeatureName, (x1: number, x2: number) => number> = {
  x1: (x1) => x1,
  x2: (_x1, x2) => x2,
  x1sq: (x1) => x1 * x1,
  x2sq: (_x1, x2) => x2 * x2,
  x1x2: (x1, x2) => x1 * x2,
  sinx1: (x1) => Math.sin(x1),
  sinx2: (_x1, x2) => Math.sin(x2),
};

/** Writes the enabled features of (x1, x2) into `out` at `offset`. */
export function writeFeatures(features: readonly FeatureName[], x1: number, x2: number, out: Float32Array, offset: number): void {
  for (let f = 0; f < features.length; f++) out[offset + f] = FEATURE_FUNCTIONS[features[f]!](x1, x2);
}

/** The feature matrix (rows × features, row-major) for a list of coordinates. */
export function featureMatrix(features: readonly FeatureName[], coordinates: ArrayLike<number>): Float32Array {
  const rows = coordinates.length / 2;
  const out = new Float32Array(rows * features.length);
  for (let i = 0; i < rows; i++) writeFeatures(features, coordinates[2 * i]!, coordinates[2 * i + 1]!, out, i * features.length);
  return out;
}
