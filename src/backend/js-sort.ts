import type { FloatArray } from "./js-buffer.js";

/** Orders a before b ascending, NaN above everything (PyTorch's order); 0 for ties keeps a stable sort stable. */
function ascending(a: number, b: number): number {
  if (a !== a) return b !== b ? 0 : 1;
  if (b !== b) return -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The first `k` elements of a stable sort of each slice along the middle axis of
 * [outer, axisSize, inner], with their positions. Array.prototype.sort is stable (ES2019), and
 * a descending order compares b with a, so equal elements keep their original order both ways,
 * as PyTorch's `sort(stable=True)`.
 */
export function sortKernel(x: FloatArray, outer: number, axisSize: number, inner: number, k: number, descending: boolean, values: FloatArray, indices: FloatArray): void {
  const slice = new Float64Array(axisSize);
  const order: number[] = [];
  for (let r = 0; r < axisSize; r++) order.push(r);
  const compare = descending ? (a: number, b: number) => ascending(slice[b]!, slice[a]!) : (a: number, b: number) => ascending(slice[a]!, slice[b]!);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      for (let r = 0; r < axisSize; r++) {
        slice[r] = x[base + r * inner]!;
        order[r] = r;
      }
      order.sort(compare);
      const outBase = o * k * inner + i;
      for (let j = 0; j < k; j++) {
        values[outBase + j * inner] = slice[order[j]!]!;
        indices[outBase + j * inner] = order[j]!;
      }
    }
  }
}
