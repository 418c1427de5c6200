/**
 * A bitonic sort of axes longer than workgroup memory holds: the slices of [outer, axisSize,
 * inner] are copied into scratch keys and positions padded to a power of two P, then one
 * dispatch per stage (size, stride) of the network compares and swaps P/2 pairs of every
 * slice, one thread per pair — log₂P·(log₂P + 1)/2 dispatches, O(n log² n) comparisons in all
 * where the rank kernel makes n² — and a last kernel writes the first k. No barriers or
 * workgroup memory, so it runs the same on software adapters. Comparisons are by (value,
 * position), NaN above +∞ ascending and first descending, a total order: the stable sort.
 * prm[8..15] = outer, axisSize, inner, k, descending, P, size, stride.
 */
import type { DType } from "../../tensor/dtype.js";
import { binding, elementKernel, load, memo, store } from "./wgsl.js";

const computeOf = (dtype: DType): "f32" | "i32" => (dtype === "float32" ? "f32" : "i32");

/** The dtype of the scratch keys: float32 stays, int32 and bool compare as i32. */
export const keyDType = (dtype: DType): DType => (dtype === "float32" ? "float32" : "int32");

/** `before(u, iu, v, iv, desc)`: whether (u, position iu) sorts before (v, iv); a position ≥ prm[9] is padding, after everything. */
export function beforeFunction(as: "f32" | "i32"): string {
  return as === "f32"
    ? `fn before(u: f32, iu: i32, v: f32, iv: i32, desc: bool) -> bool {
  if (iu >= prm[9] || iv >= prm[9]) { return iu < iv; }
  let nu = isnan(u); let nv = isnan(v);
  if (nu != nv) { return select(nv, nu, desc); }
  if (!nu && u != v) { return select((u < v), (u > v), desc); }
  return iu < iv;
}`
    : `fn before(u: i32, iu: i32, v: i32, iv: i32, desc: bool) -> bool {
  if (iu >= prm[9] || iv >= prm[9]) { return iu < iv; }
  if (u != v) { return select((u < v), (u > v), desc); }
  return iu < iv;
}`;
}

/** keys[s·P + r] = x[o, r, j] (r < axisSize; padding after), pos[s·P + r] = r; one thread per (slice, r < P). */
export const bitonicLoadShader = memo(function bitonicLoadShader(dtype: DType): string {
  const as = computeOf(dtype);
  return elementKernel(
    [binding(1, "xs", dtype), binding(5, "keys", keyDType(dtype)), binding(6, "pos", "int32")],
    `  let axis = prm[9]; let inner = prm[10]; let P = prm[13];
  let s = i / P; let r = i % P;
  if (r < axis) { keys[i] = ${load("xs", dtype, "(s / inner) * axis * inner + s % inner + r * inner", as)}; }
  pos[i] = r;`,
  );
});

/** One stage (size, stride) of the network over every slice: one thread per compared pair. */
export const bitonicPassShader = memo(function bitonicPassShader(dtype: DType): string {
  const as = computeOf(dtype);
  return elementKernel(
    [binding(5, "keys", keyDType(dtype)), binding(6, "pos", "int32"), beforeFunction(as)],
    `  let desc = prm[12] != 0; let P = prm[13]; let size = prm[14]; let stride = prm[15];
  let half = P / 2;
  let q = i % half;
  let a = (i / half) * P + (q / stride) * 2 * stride + q % stride;
  let b = a + stride;
  // blocks with (a & size) == 0 sort up, the others down: together a bitonic sequence for the next size
  let up = ((a % P) & size) == 0;
  if (before(keys[b], pos[b], keys[a], pos[a], desc) == up) {
    let kv = keys[a]; keys[a] = keys[b]; keys[b] = kv;
    let pv = pos[a]; pos[a] = pos[b]; pos[b] = pv;
  }`,
  );
});

/** The first k of each sorted slice into values and indices: one thread per (slice, r < k). */
export const bitonicTakeShader = memo(function bitonicTakeShader(dtype: DType): string {
  const as = computeOf(dtype);
  return elementKernel(
    [binding(1, "keys", keyDType(dtype)), binding(2, "pos", "int32"), binding(5, "out", dtype), binding(6, "indices", "int32")],
    `  let inner = prm[10]; let k = prm[11]; let P = prm[13];
  let s = i / k; let r = i % k;
  let at = (s / inner) * k * inner + r * inner + s % inner;
  out[at] = ${store("keys[s * P + r]", as, dtype)};
  indices[at] = pos[s * P + r];`,
  );
});
