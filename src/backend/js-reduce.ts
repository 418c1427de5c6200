import type { ReduceOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

// Reductions over the middle axis of [outer, axisSize, inner]. Sums accumulate in doubles so a
// float32 sum of many terms does not drift.

const START: Record<ReduceOp, number> = { sum: 0, prod: 1, max: -Infinity, min: Infinity };

/** One step of `op`: the accumulator after seeing `v` (a NaN sticks for max and min). */
function step(op: ReduceOp, acc: number, v: number): number {
  switch (op) {
    case "sum":
      return acc + v;
    case "prod":
      return acc * v;
    case "max":
      return v > acc || v !== v ? v : acc;
    case "min":
      return v < acc || v !== v ? v : acc;
  }
}

export function reduceKernel(op: ReduceOp, x: FloatArray, outer: number, axisSize: number, inner: number, out: FloatArray): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * axisSize;
      if (op === "sum") {
        let s = 0;
        for (let r = 0; r < axisSize; r++) s += x[base + r]!;
        out[o] = s;
      } else if (op === "max") {
        let best = -Infinity;
        for (let r = 0; r < axisSize; r++) {
          const v = x[base + r]!;
          if (v > best || v !== v) best = v;
          if (best !== best) break;
        }
        out[o] = best;
      } else {
        let acc = START[op];
        for (let r = 0; r < axisSize; r++) acc = step(op, acc, x[base + r]!);
        out[o] = acc;
      }
    }
    return;
  }
  const row = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    row.fill(START[op]);
    const base = o * axisSize * inner;
    for (let r = 0; r < axisSize; r++) {
      const src = base + r * inner;
      if (op === "sum") for (let i = 0; i < inner; i++) row[i] += x[src + i]!;
      else if (op === "max")
        for (let i = 0; i < inner; i++) {
          const v = x[src + i]!;
          if (v > row[i]! || v !== v) row[i] = v;
        }
      else for (let i = 0; i < inner; i++) row[i] = step(op, row[i]!, x[src + i]!);
    }
    out.set(row, o * inner);
  }
}

/** Values and first indices of the maximum or minimum (a NaN wins at its first position). */
export function reduceWithIndexKernel(op: "max" | "min", x: FloatArray, outer: number, axisSize: number, inner: number, values: FloatArray, indices: FloatArray): void {
  const max = op === "max";
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let best = x[base]!;
      let at = 0;
      for (let r = 1; r < axisSize && best === best; r++) {
        const v = x[base + r * inner]!;
        if ((max ? v > best : v < best) || v !== v) {
          best = v;
          at = r;
        }
      }
      values[o * inner + i] = best;
      indices[o * inner + i] = at;
    }
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

export function scatterAddKernel(dy: FloatArray, index: FloatArray, outer: number, axisSize: number, indexAxis: number, inner: number, out: FloatArray): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const at = (o * indexAxis + j) * inner + i;
        out[(o * axisSize + index[at]!) * inner + i] += dy[at]!;
      }
}
