/** In-place random fills: `uniform_` and `normal_`, drawn from the seeded generator. */
import { isGradEnabled } from "../autograd/grad-mode.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { copyInPlace } from "./in-place.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

function checkTarget(op: string, target: Tensor): void {
  requireFloatingPoint(op, target.dtype);
  if (isGradEnabled() && target.requiresGrad) {
    throw new Error(`${op}: a tensor that requires grad cannot be filled in place while recording; wrap the call in noGrad()`);
  }
}

function write(target: Tensor, values: Float64Array): void {
  copyInPlace(target, tensor(values, { shape: target.shape, dtype: target.dtype }));
}

/** The largest float32 below `x` (x a float32 value): where a draw rounding up to `to` goes. */
function float32Below(x: number): number {
  const bits = new Float32Array([x]);
  const view = new Int32Array(bits.buffer);
  view[0] = x > 0 ? view[0]! - 1 : x < 0 ? view[0]! + 1 : -2147483647; // below ±0: the smallest negative subnormal
  return bits[0]!;
}

/** `target ← uniform samples in [from, to)`; backs {@link Tensor.uniform_}. */
export function uniformInPlace(target: Tensor, from: number, to: number, generator: Generator = defaultGenerator): void {
  checkTarget("uniform_", target);
  if (!Number.isFinite(from) || !Number.isFinite(to) || from > to) throw new Error(`uniform_: expects a range from ≤ to of finite numbers, got from=${from}, to=${to}`);
  const values = new Float64Array(target.size);
  // a float32 draw a hair below `to` would round up to it: it goes to the float32 below, so the
  // range stays half-open (from = to fills with `from`)
  const roundsUp = target.dtype === "float32" && from < to;
  const ceiling = roundsUp ? float32Below(Math.fround(to)) : to;
  for (let i = 0; i < values.length; i++) {
    const v = from + (to - from) * generator.uniform();
    values[i] = roundsUp && Math.fround(v) >= to ? ceiling : v;
  }
  write(target, values);
}

/** `target ← normal samples with `mean` and `std``; backs {@link Tensor.normal_}. */
export function normalInPlace(target: Tensor, mean: number, std: number, generator: Generator = defaultGenerator): void {
  checkTarget("normal_", target);
  if (!Number.isFinite(mean) || !Number.isFinite(std) || std < 0) throw new Error(`normal_: expects a finite mean and std ≥ 0, got mean=${mean}, std=${std}`);
  const values = new Float64Array(target.size);
  for (let i = 0; i < values.length; i++) values[i] = mean + std * generator.normal();
  write(target, values);
}
