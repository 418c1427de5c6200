/**
 * Kernels that give each output a whole workgroup: the threads split a long axis, then combine
 * their partial results in workgroup memory by a tree (log₂ 256 = 8 barrier steps). They pay
 * off where outputs are few and the reduced axis long (a loss's mean over every element, a
 * bias gradient over a large batch), where one thread per output would walk the axis alone.
 * The tree also sums more accurately than one running f32 sum (error grows with log n, not n).
 */
import type { DType } from "../../tensor/dtype.js";
import { binding, customKernel, load, memo, store } from "./wgsl.js";
import { beforeFunction } from "./wgsl-bitonic-passes.js";

/** Threads per workgroup of these kernels. */
export const REDUCE_GROUP = 256;

/**
 * The workgroup's index (a 2-D grid when one dimension's 65,535 workgroups are too few), its
 * thread, and `tree(v, op)`: the combination of every thread's v, returned to every thread.
 */
export const WORKGROUP = `var<workgroup> part: array<f32, ${REDUCE_GROUP}>;
fn combine(a: f32, b: f32, op: i32) -> f32 {
  if (op == 0) { return a + b; }
  // max with NaN winning, as the one-thread kernels
  if (isnan(a)) { return a; }
  if (isnan(b) || b > a) { return b; }
  return a;
}
fn tree(t: u32, v: f32, op: i32) -> f32 {
  part[t] = v;
  workgroupBarrier();
  for (var s = ${REDUCE_GROUP / 2}u; s > 0u; s = s >> 1u) {
    if (t < s) { part[t] = combine(part[t], part[t + s], op); }
    workgroupBarrier();
  }
  let r = part[0];
  workgroupBarrier();
  return r;
}`;

/** The entry point's header: `wg` the output this workgroup computes, `t` its thread. */
export const ENTRY = `@compute @workgroup_size(${REDUCE_GROUP}) fn main(@builtin(workgroup_id) wid: vec3<u32>, @builtin(num_workgroups) nwg: vec3<u32>, @builtin(local_invocation_index) t: u32) {
  let wg = i32(wid.x + wid.y * nwg.x);
  let T = i32(t);`;

/**
 * Sum or max of the middle axis of [outer, axisSize, inner], one workgroup per output (o, j);
 * prm[8..10] = outer, axisSize, inner. Float32 only: int32 sums stay on the exact one-thread kernel.
 */
export const reduceWorkgroupShader = memo(function reduceWorkgroupShader(op: "sum" | "max"): string {
  const code = op === "sum" ? 0 : 1;
  return customKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32"), WORKGROUP],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10];
  if (wg >= prm[8] * inner) { return; }
  let base = (wg / inner) * axis * inner + wg % inner;
  var acc = ${op === "sum" ? "0.0" : "-inff()"};
  for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) { acc = combine(acc, xs[base + r * inner], ${code}); }
  let total = tree(t, acc, ${code});
  if (T == 0) { out[wg] = total; }
}`,
  );
});

/** log Σ exp(x − m) + m per output, m the slice's maximum, one workgroup per output. */
export const logsumexpWorkgroupShader = memo(function logsumexpWorkgroupShader(): string {
  return customKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32"), WORKGROUP],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10];
  if (wg >= prm[8] * inner) { return; }
  let base = (wg / inner) * axis * inner + wg % inner;
  var m = -inff();
  for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) { m = combine(m, xs[base + r * inner], 1); }
  m = tree(t, m, 1);
  var s = 0.0;
  if (!isnan(m) && !isinf(m)) {
    for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) { s = s + expf(xs[base + r * inner] - m); }
  }
  s = tree(t, s, 0);
  if (T == 0) { out[wg] = select(m + log(s), m, isnan(m) || isinf(m)); }
}`,
  );
});

/** Σ(x − mean)² / (axisSize − F(0)) per output, two passes, one workgroup per output. */
export const varianceWorkgroupShader = memo(function varianceWorkgroupShader(): string {
  return customKernel(
    [binding(1, "xs", "float32"), binding(5, "out", "float32"), WORKGROUP],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10];
  if (wg >= prm[8] * inner) { return; }
  let base = (wg / inner) * axis * inner + wg % inner;
  var s = 0.0;
  for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) { s = s + xs[base + r * inner]; }
  let mean = tree(t, s, 0) / f32(axis);
  var q = 0.0;
  for (var r = T; r < axis; r = r + ${REDUCE_GROUP}) { let d = xs[base + r * inner] - mean; q = q + d * d; }
  q = tree(t, q, 0);
  if (T == 0) { out[wg] = q / (f32(axis) - F(0)); }
}`,
  );
});

/**
 * Longest axis the bitonic sort holds in workgroup memory (4 KiB of keys and indices).
 * Compile time grows with the workgroup arrays (SwiftShader: 1.3 s at 512, 3.2 s at 1,024).
 */
export const BITONIC_MAX = 512;

/**
 * Sort of each slice of [outer, axisSize, inner] in workgroup memory, one workgroup per slice:
 * the slice padded to a power of two, then a bitonic network (O(n log² n) comparisons instead
 * of the rank kernel's n² per slice). Comparisons are by (value, position) — NaN above +∞
 * ascending and first descending, as in the rank kernel — a total order, so the result is the
 * stable sort. prm[8..13] = outer, axisSize, inner, k, descending, padded length.
 */
export const bitonicSortShader = memo(function bitonicSortShader(dtype: DType): string {
  const as = dtype === "float32" ? "f32" : "i32";
  // a position past the slice is the padding, greater than every element
  const before = beforeFunction(as);
  return customKernel(
    [binding(1, "xs", dtype), binding(5, "out", dtype), binding(6, "indices", "int32"), `var<workgroup> keys: array<${as}, ${BITONIC_MAX}>;\nvar<workgroup> pos: array<i32, ${BITONIC_MAX}>;`, before],
    `${ENTRY}
  let axis = prm[9]; let inner = prm[10]; let k = prm[11]; let desc = prm[12] != 0; let P = prm[13];
  let valid = wg < prm[8] * inner;
  let o = wg / inner; let j = wg % inner;
  let base = o * axis * inner + j;
  for (var r = T; r < P; r = r + ${REDUCE_GROUP}) {
    if (valid && r < axis) { keys[r] = ${load("xs", dtype, "base + r * inner", as)}; } else { keys[r] = ${as === "f32" ? "0.0" : "0"}; }
    pos[r] = r;
  }
  workgroupBarrier();
  // one loop over the network's stages (size, stride): SwiftShader compiles it far faster than two nested ones
  var size = 2; var stride = 1;
  loop {
    if (size > P) { break; }
    for (var a = T; a < P; a = a + ${REDUCE_GROUP}) {
      let b = a ^ stride;
      if (b > a) {
        // blocks with (a & size) == 0 sort up, the others down: together a bitonic sequence for the next size
        let up = (a & size) == 0;
        if (before(keys[b], pos[b], keys[a], pos[a], desc) == up) {
          let kv = keys[a]; keys[a] = keys[b]; keys[b] = kv;
          let pv = pos[a]; pos[a] = pos[b]; pos[b] = pv;
        }
      }
    }
    workgroupBarrier();
    if (stride == 1) { size = size << 1u; stride = size >> 1u; } else { stride = stride >> 1u; }
  }
  if (!valid) { return; }
  for (var r = T; r < k; r = r + ${REDUCE_GROUP}) {
    let at = o * k * inner + r * inner + j;
    out[at] = ${store("keys[r]", as, dtype)};
    indices[at] = pos[r];
  }
}`,
  );
});
