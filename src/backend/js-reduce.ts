import type { ReduceOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

// Reductions over the middle axis of [outer, axisSize, inner]. Sums accumulate in doubles so a
// float32 sum of many terms does not drift.

export function reduceKernel(op: ReduceOp, x: FloatArray, outer: number, axisSize: number, inner: number, out: FloatArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize;
      if (op === "sum") {
        let s = 0;
        for (let r = 0; r < axisSize; r++) s += x[base + r]!;
        out[o] = s;
      } else {
        let best = -Infinity;
        for (let r = 0; r < axisSize; r++) {
          const v = x[base + r]!;
          if (v > best || v !== v) best = v;
          if (best !== best) break;
        }
        out[o] = best;
      }
    }
    return;
  }
  const row = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    row.fill(op === "sum" ? 0 : -Infinity);
    const base = o * axisSize * inner;
    for (let r = 0; r < axisSize; r++) {
      const src = base + r * inner;
      if (op === "sum") for (let i = 0; i < inner; i++) row[i] += x[src + i]!;
      else
        for (let i = 0; i < inner; i++) {
          const v = x[src + i]!;
          if (v > row[i]! || v !== v) row[i] = v;
        }
    }
    out.set(row, o * inner);
  }
}

export function argmaxKernel(x: FloatArray, outer: number, axisSize: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let best = -Infinity;
      let at = 0;
      for (let r = 0; r < axisSize; r++) {
        const v = x[base + r * inner]!;
        if (v > best || (v !== v && best === best)) {
          best = v;
          at = r;
        }
      }
      out[o * inner + i] = at;
    }
  }
}

export function gatherKernel(x: FloatArray, index: FloatArray, outer: number, axisSize: number, indexAxis: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * indexAxis + j) * inner + i;
        out[at] = x[(o * axisSize + index[at]!) * inner + i]!;
      }
}

/**
 * out[o, j, :] = x[o, index[j], :]: each block one copy, a subarray's set where it is long (a
 * dataset's image), else a loop, which allocates nothing (an embedding's rows, replayed each step).
 */
export function indexSelectKernel(x: FloatArray, index: FloatArray, outer: number, axisSize: number, count: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < count; j++) {
      const from = (o * axisSize + index[j]!) * inner;
      const to = (o * count + j) * inner;
      if (inner >= 256) out.set(x.subarray(from, from + inner), to);
      else for (let i = 0; i < inner; i++) out[to + i] = x[from + i]!;
    }
}

export function scatterKernel(src: FloatArray, index: FloatArray, outer: number, axisSize: number, indexAxis: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * indexAxis + j) * inner + i;
        out[(o * axisSize + index[at]!) * inner + i] = src[at]!;
      }
}

export function scatterAddKernel(dy: FloatArray, index: FloatArray, outer: number, axisSize: number, indexAxis: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * indexAxis + j) * inner + i;
        out[(o * axisSize + index[at]!) * inner + i] += dy[at]!;
      }
}
