/** The `{ x, y }` pair every synthetic generator returns, and the checks they share. */
import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";

/** Points `x` of shape [n, features] and class indices `y` of shape [n] (integral floats). */
export interface LabelledData {
  x: Tensor;
  y: Tensor;
}

/** Options every synthetic generator accepts. */
export interface SyntheticOptions {
  /** Total number of points. */
  nSamples?: number;
  /** Seed of the generator that draws the points (default 0): same seed, same data. */
  seed?: number;
  /** Shuffle the points so the classes are interleaved (default true). */
  shuffle?: boolean;
  /** Element type of `x` and `y` (default "float32"). */
  dtype?: DType;
}

/** @internal Throws unless `value` is an integer ≥ `min`. */
export function checkCount(op: string, name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new Error(`${op}: ${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

/** @internal Throws unless `value` is a finite number ≥ 0. */
export function checkNonNegative(op: string, name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new Error(`${op}: ${name} must be a finite number ≥ 0, got ${value}`);
  return value;
}

/** @internal Splits `total` into `parts` near-equal counts, the remainder going to the first ones (as scikit-learn does). */
export function splitEvenly(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** @internal `n` evenly spaced values from `start` to `end` (inclusive unless `endpoint` is false). */
export function linspace(start: number, end: number, n: number, endpoint = true): number[] {
  const steps = endpoint ? n - 1 : n;
  return Array.from({ length: n }, (_, i) => (steps === 0 ? start : start + ((end - start) * i) / steps));
}

/**
 * @internal Packs row-major `points` ([n·features]) and `labels` into tensors, optionally in a
 * shuffled order drawn from `generator`.
 */
export function packLabelled(points: number[], labels: number[], features: number, generator: Generator, options: SyntheticOptions): LabelledData {
  const n = labels.length;
  const order = options.shuffle ?? true ? generator.permutation(n) : Array.from({ length: n }, (_, i) => i);
  const xs = new Float64Array(n * features);
  const ys = new Float64Array(n);
  order.forEach((source, target) => {
    for (let f = 0; f < features; f++) xs[target * features + f] = points[source * features + f]!;
    ys[target] = labels[source]!;
  });
  const dtype = options.dtype ?? "float32";
  return { x: tensor(xs, { shape: [n, features], dtype }), y: tensor(ys, { dtype }) };
}
