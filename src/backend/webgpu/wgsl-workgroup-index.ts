/**
 * Workgroup kernels for argmax, max/min with indices and the running sums and products
 * (cumsum, cumprod): one workgroup per slice of [outer, axisSize, inner], its 256 threads
 * splitting a long axis, as the reductions of wgsl-workgroup.ts do. They pay off where slices
 * are few and long (the one-thread kernels walk the whole axis alone); the backend uses them
 * only where barriers are cheap (not on software adapters, see `workgroupMemory`).
 */
import type { DType } from "../../tensor/dtype.js";
import { ENTRY, REDUCE_GROUP } from "./wgsl-workgroup.js";
import { binding, customKernel, load, memo, store } from "./wgsl.js";

const computeOf = (dtype: DType): "f32" | "i32" => (dtype === "float32" ? "f32" : "i32");

/**
 * The best (value, index) of each slice, the first index among equals; NaN wins over every
 * number (the first NaN), as in the one-thread kernel. Each thread walks positions T, T + 256 …
 * in order, then a tree in workgroup memory combines the threads' candidates, ties going to the
 * smaller index, so the result is exactly the one-thread kernel's. prm[8..10] = outer,
 * axisSize, inner.
 */
export const reduceWithIndexWorkgroupShader = memo(function reduceWithIndexWorkgroupShader(op: "max" | "min", dtype: DType, withValues: boolean): string {
  const as = computeOf(dtype);
  const isNan = (v: string) => (as === "f32" ? `isnan(${v})` : "false");
  // whether candidate (bv, bi) beats (av, ai); an index ≥ axis is a thread without elements
  const beats = `fn beats(av: ${as}, ai: i32, bv: ${as}, bi: i32) -> bool {
  if (bi >= prm[9]) { return false; }
  if (ai >= prm[9]) { return true; }
  let an = ${isNan("av")}; let bn = ${isNan("bv")};
  if (an || bn) { return bn && (!an || bi < ai); }
  if (bv == av) { return bi < ai; }
  return bv ${op === "max" ? ">" : "<"} av;
}`;
  const bindings = [binding(1, "xs", dtype), binding(6, "indices", "int32")];
  if (withValues) bindings.push(binding(5, "out", dtype));
  return customKernel(
    [...bindings, `var<workgroup> partV: array<${as}, ${REDUCE_GROUP}>;\nvar<workgroup> partI: array<i32, ${REDUCE_GROUP}>;`, beats],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10];
  let valid = wg < prm[8] * inner;
  let base = (wg / inner) * axis * inner + wg % inner;
  var best = ${as === "f32" ? "0.0" : "0"}; var at = axis;
  if (valid) {
    for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) {
      let v = ${load("xs", dtype, "base + r * inner", as)};
      if (beats(best, at, v, r)) { best = v; at = r; }
    }
  }
  partV[t] = best; partI[t] = at;
  workgroupBarrier();
  for (var s = ${REDUCE_GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (t < s && beats(partV[t], partI[t], partV[t + s], partI[t + s])) { partV[t] = partV[t + s]; partI[t] = partI[t + s]; }
    workgroupBarrier();
  }
  if (T == 0 && valid) {
    indices[wg] = partI[0];${withValues ? `\n    out[wg] = ${store("partV[0]", as, dtype)};` : ""}
  }
}`,
  );
});

/**
 * Running sums or products of each slice, one workgroup per slice: each thread takes a
 * contiguous run of the (possibly reversed) axis and combines it, a scan over the threads'
 * totals in workgroup memory (Hillis–Steele, log₂ 256 = 8 steps) gives each run its offset, and
 * each thread walks its run again writing offset ∘ running value. prm[8..12] = outer,
 * axisSize, inner, reverse, exclusive.
 */
export const scanWorkgroupShader = memo(function scanWorkgroupShader(op: "sum" | "prod", dtype: DType): string {
  const as = computeOf(dtype);
  const identity = op === "sum" ? (as === "f32" ? "0.0" : "0") : as === "f32" ? "1.0" : "1";
  const combine = (a: string, b: string) => (op === "sum" ? `${a} + ${b}` : `${a} * ${b}`);
  return customKernel(
    [binding(1, "xs", dtype), binding(5, "out", dtype), `var<workgroup> part: array<${as}, ${REDUCE_GROUP}>;`],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10]; let reverse = prm[11] != 0; let exclusive = prm[12] != 0;
  let valid = wg < prm[8] * inner;
  let base = (wg / inner) * axis * inner + wg % inner;
  let run = (axis + ${REDUCE_GROUP - 1}) / ${REDUCE_GROUP};
  let first = min(T * run, axis); let last = min(first + run, axis);
  var total = ${identity};
  if (valid) {
    for (var s = first; s < last; s = s + 1) {
      let r = select(s, axis - 1 - s, reverse);
      total = ${combine("total", load("xs", dtype, "base + r * inner", as))};
    }
  }
  part[t] = total;
  workgroupBarrier();
  for (var d = 1u; d < ${REDUCE_GROUP}u; d = d << 1u) {
    var v = part[t];
    if (t >= d) { v = ${combine("part[t - d]", "v")}; }
    workgroupBarrier();
    part[t] = v;
    workgroupBarrier();
  }
  if (!valid) { return; }
  var acc = ${identity};
  if (t > 0u) { acc = part[t - 1u]; }
  for (var s = first; s < last; s = s + 1) {
    let r = select(s, axis - 1 - s, reverse);
    let v = ${load("xs", dtype, "base + r * inner", as)};
    if (exclusive) { out[base + r * inner] = ${store("acc", as, dtype)}; acc = ${combine("acc", "v")}; }
    else { acc = ${combine("acc", "v")}; out[base + r * inner] = ${store("acc", as, dtype)}; }
  }
}`,
  );
});
