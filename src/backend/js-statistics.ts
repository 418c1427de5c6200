import type { FloatArray } from "./js-buffer.js";

// Variance and log-sum-exp along the middle axis of [outer, axisSize, inner]: each reads a
// slice twice (mean then deviations; maximum then shifted exponentials) and accumulates in
// doubles, instead of the five or six tensor ops and temporaries the compositions take. With
// inner > 1 the passes run row by row over `inner` accumulators, so memory is read in order.

/** Σ(x − mean)² / (axisSize − correction); a divisor ≤ 0 gives ±∞ or NaN, as in PyTorch. */
export function varianceKernel(x: FloatArray, outer: number, axisSize: number, inner: number, correction: number, out: FloatArray): void {
  const divisor = Math.max(0, axisSize - correction);
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize;
      let sum = 0;
      for (let r = 0; r < axisSize; r++) sum += x[base + r]!;
      const mean = sum / axisSize;
      let squares = 0;
      for (let r = 0; r < axisSize; r++) {
        const d = x[base + r]! - mean;
        squares += d * d;
      }
      out[o] = squares / divisor;
    }
    return;
  }
  const mean = new Float64Array(inner);
  const squares = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize * inner;
    mean.fill(0);
    squares.fill(0);
    for (let r = 0; r < axisSize; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) mean[i] += x[row + i]!;
    }
    for (let i = 0; i < inner; i++) mean[i] = mean[i]! / axisSize;
    for (let r = 0; r < axisSize; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const d = x[row + i]! - mean[i]!;
        squares[i] += d * d;
      }
    }
    for (let i = 0; i < inner; i++) out[o * inner + i] = squares[i]! / divisor;
  }
}

/** m + log Σ exp(x − m) with m the slice's maximum; an empty slice gives −∞ (log 0). */
export function logsumexpKernel(x: FloatArray, outer: number, axisSize: number, inner: number, out: FloatArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize;
      let m = -Infinity;
      for (let r = 0; r < axisSize; r++) {
        const v = x[base + r]!;
        if (v > m || v !== v) m = v;
      }
      let sum = 0;
      if (m !== -Infinity && m !== Infinity && m === m) for (let r = 0; r < axisSize; r++) sum += Math.exp(x[base + r]! - m);
      out[o] = m === -Infinity || m === Infinity || m !== m ? m : m + Math.log(sum);
    }
    return;
  }
  const max = new Float64Array(inner);
  const sum = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize * inner;
    max.fill(-Infinity);
    sum.fill(0);
    for (let r = 0; r < axisSize; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        if (v > max[i]! || v !== v) max[i] = v;
      }
    }
    for (let r = 0; r < axisSize; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) sum[i] += Math.exp(x[row + i]! - max[i]!);
    }
    for (let i = 0; i < inner; i++) {
      const m = max[i]!;
      // all −∞ (or an empty slice): the sum is 0 and the answer −∞; a +∞ or NaN maximum is the answer
      out[o * inner + i] = m === -Infinity || m === Infinity || m !== m ? m : m + Math.log(sum[i]!);
    }
  }
}
