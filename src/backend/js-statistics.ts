import type { FloatArray } from "./js-buffer.js";

// Variance and log-sum-exp along the middle axis of [outer, axisSize, inner]: each reads a
// slice twice (mean then deviations; maximum then shifted exponentials) and accumulates in
// doubles, instead of the five or six tensor ops and temporaries the compositions take.

/** Σ(x − mean)² / (axisSize − correction); a divisor ≤ 0 gives ±∞ or NaN, as in PyTorch. */
export function varianceKernel(x: FloatArray, outer: number, axisSize: number, inner: number, correction: number, out: FloatArray): void {
  const divisor = Math.max(0, axisSize - correction);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let sum = 0;
      for (let r = 0; r < axisSize; r++) sum += x[base + r * inner]!;
      const mean = sum / axisSize;
      let squares = 0;
      for (let r = 0; r < axisSize; r++) {
        const d = x[base + r * inner]! - mean;
        squares += d * d;
      }
      out[o * inner + i] = squares / divisor;
    }
  }
}

/** m + log Σ exp(x − m) with m the slice's maximum; an empty slice gives −∞ (log 0). */
export function logsumexpKernel(x: FloatArray, outer: number, axisSize: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let m = -Infinity;
      for (let r = 0; r < axisSize; r++) {
        const v = x[base + r * inner]!;
        if (v > m || v !== v) m = v;
      }
      // all −∞ (or an empty slice): the sum is 0 and the answer −∞; a +∞ or NaN maximum is the answer
      if (m === -Infinity || m === Infinity || m !== m) {
        out[o * inner + i] = m;
        continue;
      }
      let sum = 0;
      for (let r = 0; r < axisSize; r++) sum += Math.exp(x[base + r * inner]! - m);
      out[o * inner + i] = m + Math.log(sum);
    }
  }
}
