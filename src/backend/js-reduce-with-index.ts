import type { FloatArray } from "./js-buffer.js";

/**
 * Maximum or minimum along the middle axis of [outer, axisSize, inner] (axisSize ≥ 1), with the
 * index of its first occurrence; a NaN wins at its first position, as in PyTorch. With inner > 1
 * the `inner` running winners advance row by row, so memory is read in order.
 */
export function reduceWithIndexKernel(op: "max" | "min", x: FloatArray, outer: number, axisSize: number, inner: number, values: FloatArray, indices: FloatArray): void {
  const max = op === "max";
  const best = new Float64Array(inner);
  const at = new Int32Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * axisSize * inner;
    for (let i = 0; i < inner; i++) {
      best[i] = x[base + i]!;
      at[i] = 0;
    }
    for (let r = 1; r < axisSize; r++) {
      const row = base + r * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const b = best[i]!;
        // once a NaN is the winner nothing replaces it (b !== b)
        if (b === b && ((max ? v > b : v < b) || v !== v)) {
          best[i] = v;
          at[i] = r;
        }
      }
    }
    for (let i = 0; i < inner; i++) {
      values[o * inner + i] = best[i]!;
      indices[o * inner + i] = at[i]!;
    }
  }
}
