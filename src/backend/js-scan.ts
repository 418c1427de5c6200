import type { ScanOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

/**
 * Running sums or products along the middle axis of [outer, axisSize, inner]. The running values
 * are doubles, so a float32 cumsum of many terms drifts no more than a float32 sum does.
 * `exclusive` writes the value before taking in the element (prod's backward needs the products
 * of the elements before and after each one); `reverse` runs from the last element back. The
 * `inner` running values advance together, row by row, so memory is read in order.
 */
export function scanKernel(op: ScanOp, x: FloatArray, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: FloatArray): void {
  const acc = new Float64Array(inner);
  const sum = op === "sum";
  for (let o = 0; o < outer; o++) {
    acc.fill(sum ? 0 : 1);
    for (let n = 0; n < axisSize; n++) {
      const row = (o * axisSize + (reverse ? axisSize - 1 - n : n)) * inner;
      for (let i = 0; i < inner; i++) {
        const v = x[row + i]!;
        const before = acc[i]!;
        const after = sum ? before + v : before * v;
        acc[i] = after;
        out[row + i] = exclusive ? before : after;
      }
    }
  }
}
