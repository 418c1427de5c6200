// Products of small matrices, batched: the attention's per-head products ([64, 16]·[16, 64] and
// the like, 64 of them per call). The packed kernel (matmul.ts) copies both operands into
// panels before every product, which costs as much as the product at these sizes; here the
// 4×NR register tile (the plain build's packed tile) reads A and B where they lie (both fit in L1), so only a transposed
// B is rearranged first, into [k, n] rows.
//
// Each element of C is the same chain of fused (or unfused) multiply-adds over p = 0 … k−1 from
// zero as in micro(), so (k ≤ KC) the results equal the packed kernel's bit for bit.

import { at } from "./matmul";
import { madd, nr, MR } from "./matmul-micro";

/**
 * Whether matmulSmall serves a product: whole 4×NR tiles, every operand at most 16K elements,
 * and a short k (at most 32), where packing costs most relative to the product (measured on
 * W6's heads: [64, 16]·[16, 64] about 1.8× faster than packed, [64, 64]·[64, 16] no faster).
 */
export function smallProduct<T>(m: i32, k: i32, n: i32): bool {
  return m % MR == 0 && n % nr<T>() == 0 && k > 0 && k <= 32 && m * k <= 16384 && k * n <= 16384 && m * n <= 16384;
}

/** out[t] = op(A[t])·op(B[t]) for t < batch, where smallProduct(m, k, n); `bp` holds k·n elements. */
export function matmulSmall<T>(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32, bp: usize): void {
  const size = <usize>sizeof<T>();
  // A(i, p) is at a[i·k + p], or a[p·m + i] when transposed: steps in bytes
  const rowStep = (transA ? <usize>1 : <usize>k) * size;
  const colStep = (transA ? <usize>m : <usize>1) * size;
  const ldb = <usize>n * size;
  const width = nr<T>();
  for (let t = 0; t < batch; t++) {
    const at_ = at<T>(a, t * strideA);
    let bt = at<T>(b, t * strideB);
    const ct = at<T>(out, t * m * n);
    if (transB) {
      // B is [n, k]: its rows become the columns of a [k, n] copy
      for (let j = 0; j < n; j++) for (let p = 0; p < k; p++) store<T>(at<T>(bp, p * n + j), load<T>(at<T>(bt, j * k + p)));
      bt = bp;
    }
    for (let i = 0; i < m; i += MR) {
      const a0 = at_ + <usize>i * rowStep;
      const a1 = a0 + rowStep, a2 = a1 + rowStep, a3 = a2 + rowStep;
      const c0 = at<T>(ct, i * n);
      for (let j = 0; j < n; j += width) {
        let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00;
        let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        let row = at<T>(bt, j);
        let offset: usize = 0;
        for (let p = 0; p < k; p++) {
          const b0 = v128.load(row);
          const b1 = v128.load(row, 16);
          let x = v128.load_splat<T>(a0 + offset);
          c00 = madd<T>(x, b0, c00);
          c01 = madd<T>(x, b1, c01);
          x = v128.load_splat<T>(a1 + offset);
          c10 = madd<T>(x, b0, c10);
          c11 = madd<T>(x, b1, c11);
          x = v128.load_splat<T>(a2 + offset);
          c20 = madd<T>(x, b0, c20);
          c21 = madd<T>(x, b1, c21);
          x = v128.load_splat<T>(a3 + offset);
          c30 = madd<T>(x, b0, c30);
          c31 = madd<T>(x, b1, c31);
          row += ldb;
          offset += colStep;
        }
        const d0 = at<T>(c0, j), d1 = d0 + ldb, d2 = d1 + ldb, d3 = d2 + ldb;
        v128.store(d0, c00); v128.store(d0, c01, 16);
        v128.store(d1, c10); v128.store(d1, c11, 16);
        v128.store(d2, c20); v128.store(d2, c21, 16);
        v128.store(d3, c30); v128.store(d3, c31, 16);
      }
    }
  }
}
