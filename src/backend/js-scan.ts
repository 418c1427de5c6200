import type { ScanOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

/**
 * Running sums or products along the middle axis of [outer, axisSize, inner]. The running value
 * is a double, so a float32 cumsum of many terms drifts no more than a float32 sum does.
 * `exclusive` writes the value before adding the element (prod's backward needs the products
 * of the elements before and after each one); `reverse` runs from the last element back.
 */
export function scanKernel(op: ScanOp, x: FloatArray, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: FloatArray): void {
  const start = op === "sum" ? 0 : 1;
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let acc = start;
      for (let n = 0; n < axisSize; n++) {
        const at = base + (reverse ? axisSize - 1 - n : n) * inner;
        const v = x[at]!;
        if (exclusive) out[at] = acc;
        acc = op === "sum" ? acc + v : acc * v;
        if (!exclusive) out[at] = acc;
      }
    }
  }
}
