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

/** Outputs per thread of the blocked product along each side: a BLOCK×BLOCK block. */
export const BLOCK = 4;

/**
 * The product with a 4×4 block of outputs per thread and no workgroup memory: each step of k
 * loads 4 values of a and 4 of b for 16 multiply-adds (the one-output kernel loads 2 for 1). For
 * software adapters, where barriers are dear and the tiled kernel loses; sums run over k in the
 * same order as the other kernels. Threads are (batch, row block, column block); rows and columns
 * past the edge read a clamped (valid) place and write nothing.
 */
export const matmulBlockedShader = memo(function matmulBlockedShader(): string {
  return elementKernel(
    [binding(1, "am", "float32"), binding(2, "bm", "float32"), binding(5, "out", "float32")],
    `  let m = prm[8]; let k = prm[9]; let n = prm[10]; let transA = prm[11] != 0; let transB = prm[12] != 0;
  let blocksN = (n + 3) / 4; let blocksM = (m + 3) / 4;
  let c0 = (i % blocksN) * 4; let r0 = ((i / blocksN) % blocksM) * 4; let batch = i / (blocksN * blocksM);
  let offA = batch * prm[13]; let offB = batch * prm[14];
  let rows = vec4<i32>(min(r0, m - 1), min(r0 + 1, m - 1), min(r0 + 2, m - 1), min(r0 + 3, m - 1));
  let cols = vec4<i32>(min(c0, n - 1), min(c0 + 1, n - 1), min(c0 + 2, n - 1), min(c0 + 3, n - 1));
  // element (row, q) of a and (q, col) of b is at row·sa + q·ta and q·tb + col·sb
  let sa = select(k, 1, transA); let ta = select(1, m, transA);
  let sb = select(1, k, transB); let tb = select(n, 1, transB);
  let ia = offA + rows * sa; let ib = offB + cols * sb;
  var acc0 = vec4<f32>(0.0); var acc1 = vec4<f32>(0.0); var acc2 = vec4<f32>(0.0); var acc3 = vec4<f32>(0.0);
  for (var q = 0; q < k; q = q + 1) {
    let b = vec4<f32>(bm[ib.x + q * tb], bm[ib.y + q * tb], bm[ib.z + q * tb], bm[ib.w + q * tb]);
    acc0 = acc0 + am[ia.x + q * ta] * b;
    acc1 = acc1 + am[ia.y + q * ta] * b;
    acc2 = acc2 + am[ia.z + q * ta] * b;
    acc3 = acc3 + am[ia.w + q * ta] * b;
  }
  let base = batch * m * n;
  let accs = array<vec4<f32>, 4>(acc0, acc1, acc2, acc3);
  for (var r = 0; r < 4; r = r + 1) {
    if (r0 + r >= m) { break; }
    for (var c = 0; c < 4; c = c + 1) {
      if (c0 + c < n) { out[base + (r0 + r) * n + c0 + c] = accs[r][c]; }
    }
  }`,
  );
});
