// Products with a short side (m or n under 4: a 2-unit layer's logits, its weight gradients, a
// matrix times a vector; and a few up to 16, see thinProduct), where the packed kernel would pad
// a 6×8 tile to compute 2 columns and the unpacked one needs whole 4×8 tiles. The long side becomes the vector lanes: C's
// columns when n is short (lanes over i, L = op(A), S = op(B)), else C's rows (lanes over j,
// L = op(B)ᵀ, S = op(A)ᵀ, a Cᵀ = op(B)ᵀ·op(A)ᵀ product). A lane vector of L at one p is either
// one load (lanes contiguous: transposed A, plain B) or a column of a 4×4 (f64: 2×2) block
// transposed in registers (rows contiguous in p); S's elements are broadcast.
//
// Each element of C is the same chain as the packed kernel's (matmul.ts): one madd per term over
// p in order from zero within each of its k blocks, a later block added to what the earlier ones
// stored. So its results equal the packed kernel's bit for bit, and which kernel a shape is
// routed to (eager, compiled, threaded) never changes a value.

import { kStepOf } from "./matmul";
import { madd } from "./matmul-micro";
import { smallProduct } from "./matmul-small";

/**
 * Whether matmulThin serves a product: a side under 4 (too short for the other kernels' tiles),
 * or where it measured faster than they (f32, 200-row products: 1.4–1.9× at sides of 4 and 5,
 * ~1.15× at 6 and 7 with lanes loaded whole, and W1's dW2, 16×200ᵀ·200×16, 1.5×, where the
 * packed kernel pads 16 rows to 18 and packs a long k; the unpacked small kernel's whole tiles
 * are faster than either).
 */
export function thinProduct<T>(m: i32, k: i32, n: i32, transA: bool, transB: bool): bool {
  const short = min(m, n);
  if (short < 4) return true;
  if (smallProduct<T>(m, k, n)) return false;
  // lanes loaded whole: transposed A when they run down C's columns (n ≤ m), plain B along its rows
  const whole = n <= m ? transA : !transB;
  if (short < 6 || (short < 8 && whole)) return true;
  return whole && max(m, n) <= 16 && k > 32;
}

/** A vector of `count` (≥ 1) lanes of T, lane q at addr + q·stride, the rest zero. */
@inline function gather<T>(addr: usize, stride: usize, count: i32): v128 {
  let v = v128.splat<T>(<T>0);
  if (sizeof<T>() == 4) {
    v = v128.load32_lane(addr, v, 0);
    if (count > 1) v = v128.load32_lane(addr + stride, v, 1);
    if (count > 2) v = v128.load32_lane(addr + 2 * stride, v, 2);
    if (count > 3) v = v128.load32_lane(addr + 3 * stride, v, 3);
  } else {
    v = v128.load64_lane(addr, v, 0);
    if (count > 1) v = v128.load64_lane(addr + stride, v, 1);
  }
  return v;
}

@inline function put1<T>(addr: usize, value: T, accumulate: bool): void {
  store<T>(addr, accumulate ? load<T>(addr) + value : value);
}

/** Lanes [0, count) of `v` written at addr + q·stride, or added to what is there. */
@inline function put<T>(addr: usize, stride: usize, count: i32, v: v128, accumulate: bool): void {
  if (stride == sizeof<T>() && count == 16 / sizeof<T>()) {
    v128.store(addr, accumulate ? v128.add<T>(v128.load(addr), v) : v);
    return;
  }
  put1<T>(addr, v128.extract_lane<T>(v, 0), accumulate);
  if (count > 1) put1<T>(addr + stride, v128.extract_lane<T>(v, 1), accumulate);
  if (sizeof<T>() == 4) {
    if (count > 2) put1<T>(addr + 2 * stride, v128.extract_lane<T>(v, 2), accumulate);
    if (count > 3) put1<T>(addr + 3 * stride, v128.extract_lane<T>(v, 3), accumulate);
  }
}

/**
 * Two columns' lane vectors written: where the two columns are adjacent in rows of two (n = 2,
 * the logits of a 2-unit layer), interleaved into whole-row vector stores.
 */
@inline function putTwo<T>(addr: usize, stride: usize, column: usize, count: i32, v0: v128, v1: v128, accumulate: bool): void {
  if (count == 16 / sizeof<T>() && column == sizeof<T>() && stride == 2 * column) {
    let lo: v128, hi: v128;
    if (sizeof<T>() == 4) {
      lo = v128.shuffle<f32>(v0, v1, 0, 4, 1, 5);
      hi = v128.shuffle<f32>(v0, v1, 2, 6, 3, 7);
    } else {
      lo = v128.shuffle<f64>(v0, v1, 0, 2);
      hi = v128.shuffle<f64>(v0, v1, 1, 3);
    }
    v128.store(addr, accumulate ? v128.add<T>(v128.load(addr), lo) : lo);
    v128.store(addr, accumulate ? v128.add<T>(v128.load(addr, 16), hi) : hi, 16);
    return;
  }
  put<T>(addr, stride, count, v0, accumulate);
  put<T>(addr + column, stride, count, v1, accumulate);
}

/**
 * One lane vector (`count` lanes from L's row `l`) × one or two columns of S over p in [p0, p1):
 * the edge of the lanes, and the whole product where lanes come from strided loads.
 */
function laneVector<T>(l: usize, lr: usize, lp: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, count: i32, p0: i32, p1: i32, two: bool, accumulate: bool): void {
  const whole = lr == sizeof<T>() && count == 16 / sizeof<T>();
  let c0 = v128.splat<T>(<T>0), c1 = c0;
  for (let p = p0; p < p1; p++) {
    const row = l + <usize>p * lp;
    const x = whole ? v128.load(row) : gather<T>(row, lr, count);
    const sv = s + <usize>p * sp;
    c0 = madd<T>(x, v128.load_splat<T>(sv), c0);
    if (two) c1 = madd<T>(x, v128.load_splat<T>(sv + sj), c1);
  }
  if (two) putTwo<T>(o, or, oj, count, c0, c1, accumulate);
  else put<T>(o, or, count, c0, accumulate);
}

/** Four whole lane vectors (lanes contiguous in L) × one or two columns over p in [p0, p1). */
@inline function fourVectors<T>(l: usize, lp: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, two: bool, accumulate: bool): void {
  const span = <usize>(64 / sizeof<T>());
  for (let g = 0; g < groups; g++) {
    let c00 = v128.splat<T>(<T>0), c10 = c00, c20 = c00, c30 = c00;
    let c01 = c00, c11 = c00, c21 = c00, c31 = c00;
    for (let p = p0; p < p1; p++) {
      const row = l + <usize>p * lp;
      const x0 = v128.load(row), x1 = v128.load(row, 16), x2 = v128.load(row, 32), x3 = v128.load(row, 48);
      const sv = s + <usize>p * sp;
      let y = v128.load_splat<T>(sv);
      c00 = madd<T>(x0, y, c00); c10 = madd<T>(x1, y, c10); c20 = madd<T>(x2, y, c20); c30 = madd<T>(x3, y, c30);
      if (two) {
        y = v128.load_splat<T>(sv + sj);
        c01 = madd<T>(x0, y, c01); c11 = madd<T>(x1, y, c11); c21 = madd<T>(x2, y, c21); c31 = madd<T>(x3, y, c31);
      }
    }
    const w = <usize>(16 / sizeof<T>()), step = w * or;
    if (two) {
      putTwo<T>(o, or, oj, <i32>w, c00, c01, accumulate);
      putTwo<T>(o + step, or, oj, <i32>w, c10, c11, accumulate);
      putTwo<T>(o + 2 * step, or, oj, <i32>w, c20, c21, accumulate);
      putTwo<T>(o + 3 * step, or, oj, <i32>w, c30, c31, accumulate);
    } else {
      put<T>(o, or, <i32>w, c00, accumulate);
      put<T>(o + step, or, <i32>w, c10, accumulate);
      put<T>(o + 2 * step, or, <i32>w, c20, accumulate);
      put<T>(o + 3 * step, or, <i32>w, c30, accumulate);
    }
    l += span * <usize>sizeof<T>();
    o += span * or;
  }
}

/**
 * Two lane vectors whose lanes are rows of L (`lr` bytes apart, contiguous in p) × one or two
 * columns over p in [p0, p1): blocks of 4×4 (f64: 2×2) transposed in registers, so each load
 * brings a row's next four p; p past the last whole block gathered. The exit in the middle is
 * never taken (`row` is never 1): it ends a basic block, so V8 does not hoist the second
 * vector's loads above the first's arithmetic and run out of registers.
 */
@inline function rowVectors<T>(l: usize, lr: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, two: bool, accumulate: bool): void {
  for (let g = 0; g < groups; g++) {
    const w = 16 / sizeof<T>();
    const size = <usize>sizeof<T>();
    const second = <usize>w * lr;
    let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00;
    const whole = p0 + ((p1 - p0) & ~(w - 1));
    let p = p0;
    for (; p < whole; p += w) {
      const sv = s + <usize>p * sp;
      const row0 = l + <usize>p * size, row1 = row0 + second;
      {
        if (sizeof<T>() == 4) {
          const x0 = v128.load(row0), x1 = v128.load(row0 + lr), x2 = v128.load(row0 + 2 * lr), x3 = v128.load(row0 + 3 * lr);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const q0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), q1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          const q2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), q3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          c00 = madd<T>(q0, v128.load_splat<T>(sv), c00);
          c00 = madd<T>(q1, v128.load_splat<T>(sv + sp), c00);
          c00 = madd<T>(q2, v128.load_splat<T>(sv + 2 * sp), c00);
          c00 = madd<T>(q3, v128.load_splat<T>(sv + 3 * sp), c00);
          if (two) {
            c01 = madd<T>(q0, v128.load_splat<T>(sv + sj), c01);
            c01 = madd<T>(q1, v128.load_splat<T>(sv + sj + sp), c01);
            c01 = madd<T>(q2, v128.load_splat<T>(sv + sj + 2 * sp), c01);
            c01 = madd<T>(q3, v128.load_splat<T>(sv + sj + 3 * sp), c01);
          }
        } else {
          const x0 = v128.load(row0), x1 = v128.load(row0 + lr);
          const q0 = v128.shuffle<f64>(x0, x1, 0, 2), q1 = v128.shuffle<f64>(x0, x1, 1, 3);
          c00 = madd<T>(q0, v128.load_splat<T>(sv), c00);
          c00 = madd<T>(q1, v128.load_splat<T>(sv + sp), c00);
          if (two) {
            c01 = madd<T>(q0, v128.load_splat<T>(sv + sj), c01);
            c01 = madd<T>(q1, v128.load_splat<T>(sv + sj + sp), c01);
          }
        }
      }
      if (row0 == 1) break;
      {
        if (sizeof<T>() == 4) {
          const x0 = v128.load(row1), x1 = v128.load(row1 + lr), x2 = v128.load(row1 + 2 * lr), x3 = v128.load(row1 + 3 * lr);
          const t0 = v128.shuffle<f32>(x0, x1, 0, 4, 1, 5), t1 = v128.shuffle<f32>(x2, x3, 0, 4, 1, 5);
          const t2 = v128.shuffle<f32>(x0, x1, 2, 6, 3, 7), t3 = v128.shuffle<f32>(x2, x3, 2, 6, 3, 7);
          const q0 = v128.shuffle<f32>(t0, t1, 0, 1, 4, 5), q1 = v128.shuffle<f32>(t0, t1, 2, 3, 6, 7);
          const q2 = v128.shuffle<f32>(t2, t3, 0, 1, 4, 5), q3 = v128.shuffle<f32>(t2, t3, 2, 3, 6, 7);
          c10 = madd<T>(q0, v128.load_splat<T>(sv), c10);
          c10 = madd<T>(q1, v128.load_splat<T>(sv + sp), c10);
          c10 = madd<T>(q2, v128.load_splat<T>(sv + 2 * sp), c10);
          c10 = madd<T>(q3, v128.load_splat<T>(sv + 3 * sp), c10);
          if (two) {
            c11 = madd<T>(q0, v128.load_splat<T>(sv + sj), c11);
            c11 = madd<T>(q1, v128.load_splat<T>(sv + sj + sp), c11);
            c11 = madd<T>(q2, v128.load_splat<T>(sv + sj + 2 * sp), c11);
            c11 = madd<T>(q3, v128.load_splat<T>(sv + sj + 3 * sp), c11);
          }
        } else {
          const x0 = v128.load(row1), x1 = v128.load(row1 + lr);
          const q0 = v128.shuffle<f64>(x0, x1, 0, 2), q1 = v128.shuffle<f64>(x0, x1, 1, 3);
          c10 = madd<T>(q0, v128.load_splat<T>(sv), c10);
          c10 = madd<T>(q1, v128.load_splat<T>(sv + sp), c10);
          if (two) {
            c11 = madd<T>(q0, v128.load_splat<T>(sv + sj), c11);
            c11 = madd<T>(q1, v128.load_splat<T>(sv + sj + sp), c11);
          }
        }
      }
    }
    for (; p < p1; p++) {
      const sv = s + <usize>p * sp;
      const x0 = gather<T>(l + <usize>p * size, lr, w), x1 = gather<T>(l + second + <usize>p * size, lr, w);
      let y = v128.load_splat<T>(sv);
      c00 = madd<T>(x0, y, c00);
      c10 = madd<T>(x1, y, c10);
      if (two) {
        y = v128.load_splat<T>(sv + sj);
        c01 = madd<T>(x0, y, c01);
        c11 = madd<T>(x1, y, c11);
      }
    }
    const o1 = o + <usize>w * or;
    if (two) {
      putTwo<T>(o, or, oj, w, c00, c01, accumulate);
      putTwo<T>(o1, or, oj, w, c10, c11, accumulate);
    } else {
      put<T>(o, or, w, c00, accumulate);
      put<T>(o1, or, w, c10, accumulate);
    }
    l += <usize>(32 / sizeof<T>()) * lr;
    o += <usize>(32 / sizeof<T>()) * or;
  }
}

// The four loops above as functions of their own, one or two columns a constant in each (too
// large for the optimizer to inline into lanesProduct): V8 optimizes a hot wasm function whole,
// on a worker thread, and a step that runs one of them then waits for (and shares the cores
// with) that one's compile alone, not all four's (as unary's loops: transcendental.ts).
function fourVectorsOne<T>(l: usize, lp: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, accumulate: bool): void {
  fourVectors<T>(l, lp, s, sp, sj, o, or, oj, groups, p0, p1, false, accumulate);
}
function fourVectorsTwo<T>(l: usize, lp: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, accumulate: bool): void {
  fourVectors<T>(l, lp, s, sp, sj, o, or, oj, groups, p0, p1, true, accumulate);
}
function rowVectorsOne<T>(l: usize, lr: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, accumulate: bool): void {
  rowVectors<T>(l, lr, s, sp, sj, o, or, oj, groups, p0, p1, false, accumulate);
}
function rowVectorsTwo<T>(l: usize, lr: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, groups: i32, p0: i32, p1: i32, accumulate: bool): void {
  rowVectors<T>(l, lr, s, sp, sj, o, or, oj, groups, p0, p1, true, accumulate);
}

/**
 * out(r, j) = Σ_p L(r, p)·S(p, j) for r < rows, j < cols, with L(r, p) at l + r·lr + p·lp and
 * S(p, j) at s + p·sp + j·sj, written at o + r·or + j·oj (strides in bytes; lr or lp is one
 * element). Columns go in pairs (one pass over L per pair), k in the packed kernel's blocks.
 */
function lanesProduct<T>(l: usize, lr: usize, lp: usize, s: usize, sp: usize, sj: usize, o: usize, or: usize, oj: usize, rows: i32, cols: i32, k: i32): void {
  const w = 16 / sizeof<T>();
  const size = <usize>sizeof<T>();
  const contiguous = lr == size;
  const kStep = kStepOf(k);
  for (let j = 0; j < cols; j += 2) {
    const two = j + 1 < cols;
    const sCol = s + <usize>j * sj, oCol = o + <usize>j * oj;
    // k = 0 still runs one (empty) block, which writes the zeros
    for (let p0 = 0; p0 < max(k, 1); p0 += kStep) {
      const p1 = min(k, p0 + kStep);
      const accumulate = p0 > 0;
      let r = 0;
      if (contiguous) {
        const groups = rows / (4 * w);
        if (two) fourVectorsTwo<T>(l, lp, sCol, sp, sj, oCol, or, oj, groups, p0, p1, accumulate);
        else fourVectorsOne<T>(l, lp, sCol, sp, sj, oCol, or, oj, groups, p0, p1, accumulate);
        r = groups * 4 * w;
      } else if (lp == size) {
        const groups = rows / (2 * w);
        if (two) rowVectorsTwo<T>(l, lr, sCol, sp, sj, oCol, or, oj, groups, p0, p1, accumulate);
        else rowVectorsOne<T>(l, lr, sCol, sp, sj, oCol, or, oj, groups, p0, p1, accumulate);
        r = groups * 2 * w;
      }
      for (; r < rows; r += w) {
        laneVector<T>(l + <usize>r * lr, lr, lp, sCol, sp, sj, oCol + <usize>r * or, or, oj, min(w, rows - r), p0, p1, two, accumulate);
      }
    }
  }
}

/**
 * out[t] = op(A[t]) · op(B[t]) for t < batch, without packing: lanes down C's columns when
 * n ≤ m, else along its rows. Right for any shape; thinProduct says where it is the fastest.
 */
export function matmulThin<T>(a: usize, b: usize, out: usize, batch: i32, m: i32, k: i32, n: i32, transA: bool, transB: bool, strideA: i32, strideB: i32): void {
  const size = <usize>sizeof<T>();
  // op(A)(i, p) at i·ar + p·ap, op(B)(p, j) at p·bp + j·bj (bytes)
  const ar = transA ? size : <usize>k * size, ap = transA ? <usize>m * size : size;
  const bp = transB ? size : <usize>n * size, bj = transB ? <usize>k * size : size;
  for (let t = 0; t < batch; t++) {
    const at_ = a + <usize>t * <usize>strideA * size;
    const bt = b + <usize>t * <usize>strideB * size;
    const ct = out + <usize>t * <usize>m * <usize>n * size;
    if (n <= m) lanesProduct<T>(at_, ar, ap, bt, bp, bj, ct, <usize>n * size, size, m, n, k);
    else lanesProduct<T>(bt, bj, bp, at_, ap, ar, ct, size, <usize>n * size, n, m, k);
  }
}
