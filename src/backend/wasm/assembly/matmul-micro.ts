// The packed matrix product's micro-kernels (matmul.ts packs the operands and calls them): a
// tile of C = a strip of packed op(A) (mr rows, p-major) · a panel of packed op(B) (nr columns,
// p-major) over kc, each element's sum over p in order from zero, one madd per term, so every
// tile shape gives the same bits.
//
// V8 on x64 gives wasm SIMD 15 xmm registers, and TurboFan hoists all of a basic block's loads
// above its arithmetic, so a block's loaded values are live at once. For f32:
// - relaxed build (one fused multiply-add per term): a 6×8 tile, 12 accumulators. An FMA
//   takes 4 cycles and two issue per cycle, so the 4×8 tile's 8 chains stall; 12 are ~10% faster
//   (measured: 8 independent FMA chains 48, 12 chains 53 GFLOP/s). 12 + 2 B vectors + 6 A
//   broadcasts would spill, so each row ends its basic block with an exit that is never taken
//   (`ap` is never below the heap base, so never 1, 2, …): its FMAs are placed before the
//   branch and only one broadcast is live at a time (12 + 2 + 1 = 15 registers).
// - plain SIMD build (mul then add): the product needs a register of its own, so 6×8 would spill;
//   4×8 (8 + 2 + 4 + 1 = 15) is as fast here, adds having a shorter latency than FMAs.
// Both unroll k by 4 with an exit test after every step: V8 puts a stack check on every loop
// iteration, and the per-step loop overhead costs 5–15% (measured, see the commit message).

export const MR = 4;

/** Rows of a packed strip of op(A): 6 for f32 in the relaxed build, else 4. */
@inline export function mr<T>(): i32 {
  return sizeof<T>() == 4 && ASC_FEATURE_RELAXED_SIMD ? 6 : MR;
}

/** Columns of a packed panel of op(B): two v128 (8 f32 or 4 f64). */
@inline export function nr<T>(): i32 {
  return 32 / sizeof<T>();
}

@inline export function madd<T>(a: v128, b: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return v128.relaxed_madd<T>(a, b, c);
  return v128.add<T>(v128.mul<T>(a, b), c);
}

/** One row of a tile (two f32x4) stored to C at `row`, or added to what is there. */
@inline function store2(row: usize, v0: v128, v1: v128, accumulate: bool): void {
  if (accumulate) {
    v0 = v128.add<f32>(v0, v128.load(row));
    v1 = v128.add<f32>(v1, v128.load(row, 16));
  }
  v128.store(row, v0);
  v128.store(row, v1, 16);
}

/** C[6 × 8] (= or +=) strip · panel over kc ≥ 1, f32, relaxed build; `ldc` is C's row pitch in bytes. */
function micro6x8(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  const zero = v128.splat<f32>(0);
  let b0: v128, b1: v128, x: v128;
  let c00 = zero, c01 = zero;
  let c10 = zero, c11 = zero;
  let c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero;
  let c40 = zero, c41 = zero;
  let c50 = zero, c51 = zero;
  let left = kc;
  if (left > 0) while (true) {
    b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
    x = v128.load_splat<f32>(ap, 0); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    if (ap == 1) break;
    x = v128.load_splat<f32>(ap, 4); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    if (ap == 2) break;
    x = v128.load_splat<f32>(ap, 8); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    if (ap == 3) break;
    x = v128.load_splat<f32>(ap, 12); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (ap == 4) break;
    x = v128.load_splat<f32>(ap, 16); c40 = madd<f32>(x, b0, c40); c41 = madd<f32>(x, b1, c41);
    if (ap == 5) break;
    x = v128.load_splat<f32>(ap, 20); c50 = madd<f32>(x, b0, c50); c51 = madd<f32>(x, b1, c51);
    if (--left == 0) break;
    b0 = v128.load(bp, 32); b1 = v128.load(bp, 48);
    x = v128.load_splat<f32>(ap, 24); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    if (ap == 6) break;
    x = v128.load_splat<f32>(ap, 28); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    if (ap == 7) break;
    x = v128.load_splat<f32>(ap, 32); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    if (ap == 8) break;
    x = v128.load_splat<f32>(ap, 36); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (ap == 9) break;
    x = v128.load_splat<f32>(ap, 40); c40 = madd<f32>(x, b0, c40); c41 = madd<f32>(x, b1, c41);
    if (ap == 10) break;
    x = v128.load_splat<f32>(ap, 44); c50 = madd<f32>(x, b0, c50); c51 = madd<f32>(x, b1, c51);
    if (--left == 0) break;
    b0 = v128.load(bp, 64); b1 = v128.load(bp, 80);
    x = v128.load_splat<f32>(ap, 48); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    if (ap == 11) break;
    x = v128.load_splat<f32>(ap, 52); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    if (ap == 12) break;
    x = v128.load_splat<f32>(ap, 56); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    if (ap == 13) break;
    x = v128.load_splat<f32>(ap, 60); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (ap == 14) break;
    x = v128.load_splat<f32>(ap, 64); c40 = madd<f32>(x, b0, c40); c41 = madd<f32>(x, b1, c41);
    if (ap == 15) break;
    x = v128.load_splat<f32>(ap, 68); c50 = madd<f32>(x, b0, c50); c51 = madd<f32>(x, b1, c51);
    if (--left == 0) break;
    b0 = v128.load(bp, 96); b1 = v128.load(bp, 112);
    x = v128.load_splat<f32>(ap, 72); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    if (ap == 16) break;
    x = v128.load_splat<f32>(ap, 76); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    if (ap == 17) break;
    x = v128.load_splat<f32>(ap, 80); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    if (ap == 18) break;
    x = v128.load_splat<f32>(ap, 84); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (ap == 19) break;
    x = v128.load_splat<f32>(ap, 88); c40 = madd<f32>(x, b0, c40); c41 = madd<f32>(x, b1, c41);
    if (ap == 20) break;
    x = v128.load_splat<f32>(ap, 92); c50 = madd<f32>(x, b0, c50); c51 = madd<f32>(x, b1, c51);
    ap += 96;
    bp += 128;
    if (--left == 0) break;
  }
  store2(c, c00, c01, accumulate);
  store2(c + 1 * ldc, c10, c11, accumulate);
  store2(c + 2 * ldc, c20, c21, accumulate);
  store2(c + 3 * ldc, c30, c31, accumulate);
  store2(c + 4 * ldc, c40, c41, accumulate);
  store2(c + 5 * ldc, c50, c51, accumulate);
}

/** C[4 × 8] (= or +=) strip · panel over kc ≥ 1, f32, plain SIMD build. */
function micro4x8(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  const zero = v128.splat<f32>(0);
  let b0: v128, b1: v128, x: v128;
  let c00 = zero, c01 = zero;
  let c10 = zero, c11 = zero;
  let c20 = zero, c21 = zero;
  let c30 = zero, c31 = zero;
  let left = kc;
  if (left > 0) while (true) {
    b0 = v128.load(bp, 0); b1 = v128.load(bp, 16);
    x = v128.load_splat<f32>(ap, 0); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    x = v128.load_splat<f32>(ap, 4); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    x = v128.load_splat<f32>(ap, 8); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    x = v128.load_splat<f32>(ap, 12); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (--left == 0) break;
    b0 = v128.load(bp, 32); b1 = v128.load(bp, 48);
    x = v128.load_splat<f32>(ap, 16); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    x = v128.load_splat<f32>(ap, 20); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    x = v128.load_splat<f32>(ap, 24); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    x = v128.load_splat<f32>(ap, 28); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (--left == 0) break;
    b0 = v128.load(bp, 64); b1 = v128.load(bp, 80);
    x = v128.load_splat<f32>(ap, 32); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    x = v128.load_splat<f32>(ap, 36); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    x = v128.load_splat<f32>(ap, 40); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    x = v128.load_splat<f32>(ap, 44); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    if (--left == 0) break;
    b0 = v128.load(bp, 96); b1 = v128.load(bp, 112);
    x = v128.load_splat<f32>(ap, 48); c00 = madd<f32>(x, b0, c00); c01 = madd<f32>(x, b1, c01);
    x = v128.load_splat<f32>(ap, 52); c10 = madd<f32>(x, b0, c10); c11 = madd<f32>(x, b1, c11);
    x = v128.load_splat<f32>(ap, 56); c20 = madd<f32>(x, b0, c20); c21 = madd<f32>(x, b1, c21);
    x = v128.load_splat<f32>(ap, 60); c30 = madd<f32>(x, b0, c30); c31 = madd<f32>(x, b1, c31);
    ap += 64;
    bp += 128;
    if (--left == 0) break;
  }
  store2(c, c00, c01, accumulate);
  store2(c + 1 * ldc, c10, c11, accumulate);
  store2(c + 2 * ldc, c20, c21, accumulate);
  store2(c + 3 * ldc, c30, c31, accumulate);
}

/** C[4 × NR] (= or +=) strip · panel over kc (f64: 4×4). */
function microGeneric<T>(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  const size = <usize>sizeof<T>();
  let c00 = v128.splat<T>(<T>0), c01 = c00, c10 = c00, c11 = c00;
  let c20 = c00, c21 = c00, c30 = c00, c31 = c00;
  for (let p = 0; p < kc; p++) {
    const b0 = v128.load(bp);
    const b1 = v128.load(bp, 16);
    let x = v128.load_splat<T>(ap);
    c00 = madd<T>(x, b0, c00);
    c01 = madd<T>(x, b1, c01);
    x = v128.load_splat<T>(ap + size);
    c10 = madd<T>(x, b0, c10);
    c11 = madd<T>(x, b1, c11);
    x = v128.load_splat<T>(ap + 2 * size);
    c20 = madd<T>(x, b0, c20);
    c21 = madd<T>(x, b1, c21);
    x = v128.load_splat<T>(ap + 3 * size);
    c30 = madd<T>(x, b0, c30);
    c31 = madd<T>(x, b1, c31);
    ap += 4 * size;
    bp += 32;
  }
  const c1 = c + ldc, c2 = c1 + ldc, c3 = c2 + ldc;
  if (accumulate) {
    c00 = v128.add<T>(c00, v128.load(c)); c01 = v128.add<T>(c01, v128.load(c, 16));
    c10 = v128.add<T>(c10, v128.load(c1)); c11 = v128.add<T>(c11, v128.load(c1, 16));
    c20 = v128.add<T>(c20, v128.load(c2)); c21 = v128.add<T>(c21, v128.load(c2, 16));
    c30 = v128.add<T>(c30, v128.load(c3)); c31 = v128.add<T>(c31, v128.load(c3, 16));
  }
  v128.store(c, c00); v128.store(c, c01, 16);
  v128.store(c1, c10); v128.store(c1, c11, 16);
  v128.store(c2, c20); v128.store(c2, c21, 16);
  v128.store(c3, c30); v128.store(c3, c31, 16);
}

/** C[mr × nr] (= or +=) strip · panel over kc ≥ 1; `ldc` is C's row pitch in bytes. */
export function micro<T>(ap: usize, bp: usize, kc: i32, c: usize, ldc: usize, accumulate: bool): void {
  if (sizeof<T>() == 8) microGeneric<T>(ap, bp, kc, c, ldc, accumulate);
  else if (ASC_FEATURE_RELAXED_SIMD) micro6x8(ap, bp, kc, c, ldc, accumulate);
  else micro4x8(ap, bp, kc, c, ldc, accumulate);
}
