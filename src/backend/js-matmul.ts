import type { MatmulSpec } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

// Packed, register-blocked matrix product. B is packed once into 4-column panels (p-major) and
// each 4-row block of A into a p-major strip, so the 4×4 micro-kernel streams both with unit
// stride and keeps its 16 accumulators in registers. Panels are zero-padded to a multiple of 4,
// so the micro-kernel never branches on edges; only the write-back does.

let packedB: Float64Array = new Float64Array(0);
let packedA: Float64Array = new Float64Array(0);

function scratch(current: Float64Array, size: number): Float64Array {
  return current.length >= size ? current : new Float64Array(size);
}

export function matmulKernel(a: FloatArray, b: FloatArray, spec: MatmulSpec, out: FloatArray): void {
  const { batch, m, k, n, transA, transB, batchStrideA, batchStrideB } = spec;
  const nPanels = (n + 3) >> 2;
  const mBlocks = (m + 3) >> 2;
  packedB = scratch(packedB, nPanels * 4 * k);
  packedA = scratch(packedA, 4 * k);
  const bp = packedB;
  const ap = packedA;
  for (let t = 0; t < batch; t++) {
    const offA = t * batchStrideA;
    const offB = t * batchStrideB;
    const offC = t * m * n;
    if (t === 0 || batchStrideB !== 0) packB(b, offB, k, n, transB, bp);
    for (let ib = 0; ib < mBlocks; ib++) {
      const i0 = ib * 4;
      packA(a, offA, m, k, i0, transA, ap);
      const rows = Math.min(4, m - i0);
      for (let jb = 0; jb < nPanels; jb++) {
        const j0 = jb * 4;
        const cols = Math.min(4, n - j0);
        microKernel(ap, bp, jb * 4 * k, k, out, offC + i0 * n + j0, n, rows, cols);
      }
    }
  }
}

function packB(b: FloatArray, off: number, k: number, n: number, transB: boolean, bp: Float64Array): void {
  const nPanels = (n + 3) >> 2;
  for (let jb = 0; jb < nPanels; jb++) {
    const base = jb * 4 * k;
    for (let c = 0; c < 4; c++) {
      const j = jb * 4 + c;
      if (j >= n) {
        for (let p = 0; p < k; p++) bp[base + p * 4 + c] = 0;
      } else if (transB) {
        const row = off + j * k;
        for (let p = 0; p < k; p++) bp[base + p * 4 + c] = b[row + p]!;
      } else {
        for (let p = 0; p < k; p++) bp[base + p * 4 + c] = b[off + p * n + j]!;
      }
    }
  }
}

function packA(a: FloatArray, off: number, m: number, k: number, i0: number, transA: boolean, ap: Float64Array): void {
  for (let r = 0; r < 4; r++) {
    const i = i0 + r;
    if (i >= m) {
      for (let p = 0; p < k; p++) ap[p * 4 + r] = 0;
    } else if (transA) {
      for (let p = 0; p < k; p++) ap[p * 4 + r] = a[off + p * m + i]!;
    } else {
      const row = off + i * k;
      for (let p = 0; p < k; p++) ap[p * 4 + r] = a[row + p]!;
    }
  }
}

function microKernel(ap: Float64Array, bp: Float64Array, bOff: number, k: number, out: FloatArray, cOff: number, n: number, rows: number, cols: number): void {
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, pa = 0, pb = bOff; p < k; p++, pa += 4, pb += 4) {
    const a0 = ap[pa]!, a1 = ap[pa + 1]!, a2 = ap[pa + 2]!, a3 = ap[pa + 3]!;
    const b0 = bp[pb]!, b1 = bp[pb + 1]!, b2 = bp[pb + 2]!, b3 = bp[pb + 3]!;
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === 4 && cols === 4) {
    out[cOff] = c00; out[cOff + 1] = c01; out[cOff + 2] = c02; out[cOff + 3] = c03;
    let o = cOff + n;
    out[o] = c10; out[o + 1] = c11; out[o + 2] = c12; out[o + 3] = c13;
    o += n;
    out[o] = c20; out[o + 1] = c21; out[o + 2] = c22; out[o + 3] = c23;
    o += n;
    out[o] = c30; out[o + 1] = c31; out[o + 2] = c32; out[o + 3] = c33;
    return;
  }
  const block = [c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33];
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[cOff + r * n + c] = block[r * 4 + c]!;
}
