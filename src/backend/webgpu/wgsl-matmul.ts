/** WGSL for the matrix product: a barrier-free kernel for small matrices and a tiled one with workgroup memory. */
import { binding, customKernel, elementKernel, memo } from "./wgsl.js";

/**
 * The product for small matrices: one thread per output, no workgroup memory. Barriers cost
 * more than they save there (SwiftShader runs a 16×16 workgroup with barriers ~100× slower
 * than the same threads without).
 */
export const matmulSmallShader = memo(function matmulSmallShader(): string {
  return elementKernel(
    [binding(1, "am", "float32"), binding(2, "bm", "float32"), binding(5, "out", "float32")],
    `  let m = prm[8]; let k = prm[9]; let n = prm[10]; let transA = prm[11] != 0; let transB = prm[12] != 0;
  let col = i % n; let row = (i / n) % m; let batch = i / (m * n);
  let offA = batch * prm[13]; let offB = batch * prm[14];
  var acc = 0.0;
  for (var q = 0; q < k; q = q + 1) {
    acc = acc + am[offA + select(row * k + q, q * m + row, transA)] * bm[offB + select(q * n + col, col * k + q, transB)];
  }
  out[i] = acc;`,
  );
});

/** Tile edge of the matrix product: 16×16 threads, each one output, operands staged in workgroup memory. */
export const TILE = 16;

/** out[b] = op(a[b])·op(b[b]); prm[8..14] = m, k, n, transA, transB, batchStrideA, batchStrideB. */
export const matmulShader = memo(function matmulShader(): string {
  return customKernel(
    [binding(1, "am", "float32"), binding(2, "bm", "float32"), binding(5, "out", "float32")],
    `var<workgroup> ta: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> tb: array<array<f32, ${TILE}>, ${TILE}>;
var<workgroup> depth: i32;
@compute @workgroup_size(${TILE}, ${TILE}) fn main(@builtin(workgroup_id) wg: vec3<u32>, @builtin(local_invocation_id) lid: vec3<u32>) {
  if (lid.x == 0u && lid.y == 0u) { depth = prm[9]; }
  // the loop holds barriers: its bound must be uniform, which a storage read is not
  let k = workgroupUniformLoad(&depth);
  let m = prm[8]; let n = prm[10]; let transA = prm[11] != 0; let transB = prm[12] != 0;
  let batch = i32(wg.z); let ly = i32(lid.y); let lx = i32(lid.x);
  let row = i32(wg.y) * ${TILE} + ly; let col = i32(wg.x) * ${TILE} + lx;
  let offA = batch * prm[13]; let offB = batch * prm[14];
  var acc = 0.0;
  for (var t = 0; t < k; t = t + ${TILE}) {
    let ka = t + lx; let kb = t + ly;
    var va = 0.0; var vb = 0.0;
    if (row < m && ka < k) { va = am[offA + select(row * k + ka, ka * m + row, transA)]; }
    if (col < n && kb < k) { vb = bm[offB + select(kb * n + col, col * k + kb, transB)]; }
    ta[ly][lx] = va; tb[ly][lx] = vb;
    workgroupBarrier();
    for (var q = 0; q < ${TILE}; q = q + 1) { acc = acc + ta[ly][q] * tb[q][lx]; }
    workgroupBarrier();
  }
  if (prm[0] == 0) { return; }
  if (row < m && col < n) { out[batch * m * n + row * n + col] = acc; }
}`,
  );
});
