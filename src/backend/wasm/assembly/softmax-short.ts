// The softmax ops on float32 rows of fewer than SHORT_ROW entries along the last axis (inner = 1),
// four rows at a time: lane r of a column holds entry j of row r. A row that short leaves the
// long-row path (softmax.ts) no full vector, or one and a scalar tail: every entry then took an
// f64 Math.exp and every row a Math.log (AssemblyScript's software versions, about 20 ns each),
// 7 µs for log-softmax on [200, 2] (W1's loss). Here exp and log run in f32x4 lanes with the
// long-row path's polynomials, so short rows get the same accuracy as long ones. Each column is
// read and written in place (its entries n apart), so out may alias x or dy as on the long path.
import { SOFTMAX, LOG_SOFTMAX, SOFTMAX_GRAD, LOG_SOFTMAX_GRAD } from "./opcodes";
import { EXP_LIMIT, expLanes, logLanes } from "./transcendental";

/** Rows shorter than this take the four-rows-at-a-time path. */
export const SHORT_ROW: i32 = 8;

/**
 * e^d for lanes d ≤ 0 (x − the row's maximum): 0 below −87, where e^d underflows (−∞ included);
 * NaN stays NaN (pmax keeps its first operand's NaN: one maxps where V8 spells f32x4.max in
 * about eight instructions). The relaxed build fuses the polynomial's multiply-adds.
 */
@inline export function expShifted(d: v128): v128 {
  const low = f32x4.lt(d, f32x4.splat(-EXP_LIMIT));
  return v128.andnot(expLanes(f32x4.pmax(d, f32x4.splat(-EXP_LIMIT)), true), low);
}

/** Entry j of `rows` (1 to 4) rows n apart from p, row r in lane r; lanes past `rows` hold 0. */
@inline function column(p: usize, n: i32, j: i32, rows: i32): v128 {
  const stride = (<usize>n) << 2;
  const at = p + ((<usize>j) << 2);
  let v = v128.load32_lane(at, f32x4.splat(0), 0);
  if (rows > 1) v = v128.load32_lane(at + stride, v, 1);
  if (rows > 2) v = v128.load32_lane(at + 2 * stride, v, 2);
  if (rows > 3) v = v128.load32_lane(at + 3 * stride, v, 3);
  return v;
}

/** Writes the first `rows` lanes of v as entry j of rows n apart from p. */
@inline function storeColumn(p: usize, n: i32, j: i32, rows: i32, v: v128): void {
  const stride = (<usize>n) << 2;
  const at = p + ((<usize>j) << 2);
  v128.store32_lane(at, v, 0);
  if (rows > 1) v128.store32_lane(at + stride, v, 1);
  if (rows > 2) v128.store32_lane(at + 2 * stride, v, 2);
  if (rows > 3) v128.store32_lane(at + 3 * stride, v, 3);
}

/**
 * Column j of log-softmax's gradient, dy − e^y·s, where some lane has y > 87 (not a forward's
 * output, which is ≤ 0, but a caller may pass one): expShifted would overflow there, so every
 * lane takes the scalar formula of the long-row path's tail. Out of line: it never runs on a
 * log-softmax's own output.
 */
function logSoftmaxGradColumnScalar(y: usize, dy: usize, out: usize, n: i32, j: i32, rows: i32, s: v128): void {
  for (let r = 0; r < rows; r++) {
    const at = ((<usize>(r * n + j)) << 2);
    const sum = r == 0 ? f32x4.extract_lane(s, 0) : r == 1 ? f32x4.extract_lane(s, 1) : r == 2 ? f32x4.extract_lane(s, 2) : f32x4.extract_lane(s, 3);
    store<f32>(out + at, load<f32>(dy + at) - <f32>Math.exp(<f64>load<f32>(y + at)) * sum);
  }
}

/** The op on `rows` (1 to 4) rows of n entries (1 ≤ n < SHORT_ROW) from x, dy and out. */
@inline function group(op: i32, x: usize, dy: usize, out: usize, n: i32, rows: i32): void {
  if (op == SOFTMAX || op == LOG_SOFTMAX) {
    // the row's maximum only shifts; f32x4.max keeps a NaN, which then fills the row, as PyTorch
    let max = column(x, n, 0, rows);
    for (let j = 1; j < n; j++) max = f32x4.max(max, column(x, n, j, rows));
    let sum = f32x4.splat(0);
    for (let j = 0; j < n; j++) {
      const e = expShifted(f32x4.sub(column(x, n, j, rows), max));
      if (op == SOFTMAX) storeColumn(out, n, j, rows, e);
      sum = f32x4.add(sum, e);
    }
    if (op == SOFTMAX) {
      for (let j = 0; j < n; j++) storeColumn(out, n, j, rows, f32x4.div(column(out, n, j, rows), sum));
    } else {
      // sum ∈ [1, n] (the maximum's own term is e⁰ = 1) unless NaN (a NaN, a +∞ or an all −∞
      // row), which logLanes would not keep: such a row's entries come out NaN, as Math.log's
      const logSum = v128.bitselect(logLanes(sum), sum, f32x4.eq(sum, sum));
      for (let j = 0; j < n; j++) storeColumn(out, n, j, rows, f32x4.sub(f32x4.sub(column(x, n, j, rows), max), logSum));
    }
  } else if (op == SOFTMAX_GRAD) {
    // dx = y·(dy − Σ dy·y)
    let s = f32x4.splat(0);
    for (let j = 0; j < n; j++) s = f32x4.add(s, f32x4.mul(column(dy, n, j, rows), column(x, n, j, rows)));
    for (let j = 0; j < n; j++) storeColumn(out, n, j, rows, f32x4.mul(column(x, n, j, rows), f32x4.sub(column(dy, n, j, rows), s)));
  } else if (op == LOG_SOFTMAX_GRAD) {
    // dx = dy − e^y·Σ dy (y ≤ 0: log-probabilities)
    let s = f32x4.splat(0);
    for (let j = 0; j < n; j++) s = f32x4.add(s, column(dy, n, j, rows));
    for (let j = 0; j < n; j++) {
      const y = column(x, n, j, rows);
      if (v128.any_true(f32x4.gt(y, f32x4.splat(EXP_LIMIT)))) logSoftmaxGradColumnScalar(x, dy, out, n, j, rows, s);
      else storeColumn(out, n, j, rows, f32x4.sub(column(dy, n, j, rows), f32x4.mul(expShifted(y), s)));
    }
  } else {
    unreachable();
  }
}

/** The op on four rows of two entries (W1's loss: two classes): two vector loads and shuffles in place of eight lane loads. */
@inline function pairGroup(op: i32, x: usize, dy: usize, out: usize): void {
  const x01 = v128.load(x);
  const x23 = v128.load(x, 16);
  const a = v128.shuffle<f32>(x01, x23, 0, 2, 4, 6); // each row's first entry
  const b = v128.shuffle<f32>(x01, x23, 1, 3, 5, 7);
  let p: v128, q: v128;
  if (op == SOFTMAX || op == LOG_SOFTMAX) {
    // group's formulas with one exp in place of two: of da and db one is max − max, whose
    // expShifted is exactly 1 (0 → 1, NaN → NaN), so only the other entry's e^d is evaluated
    // (f32x4.min keeps a NaN d). Their sum is then the same in either order, bit for bit.
    const max = f32x4.max(a, b);
    const da = f32x4.sub(a, max);
    const db = f32x4.sub(b, max);
    const top = f32x4.add(f32x4.sub(max, max), f32x4.splat(1));
    const other = expShifted(f32x4.min(da, db));
    const sum = f32x4.add(top, other);
    if (op == SOFTMAX) {
      const aIsTop = f32x4.ge(da, db);
      p = f32x4.div(v128.bitselect(top, other, aIsTop), sum);
      q = f32x4.div(v128.bitselect(other, top, aIsTop), sum);
    } else {
      const logSum = v128.bitselect(logLanes(sum), sum, f32x4.eq(sum, sum)); // as in group
      p = f32x4.sub(da, logSum);
      q = f32x4.sub(db, logSum);
    }
  } else {
    const dy01 = v128.load(dy);
    const dy23 = v128.load(dy, 16);
    const da = v128.shuffle<f32>(dy01, dy23, 0, 2, 4, 6);
    const db = v128.shuffle<f32>(dy01, dy23, 1, 3, 5, 7);
    if (op == SOFTMAX_GRAD) {
      const s = f32x4.add(f32x4.add(f32x4.splat(0), f32x4.mul(da, a)), f32x4.mul(db, b));
      p = f32x4.mul(a, f32x4.sub(da, s));
      q = f32x4.mul(b, f32x4.sub(db, s));
    } else {
      // LOG_SOFTMAX_GRAD (softmax() has checked op)
      if (v128.any_true(f32x4.gt(f32x4.max(a, b), f32x4.splat(EXP_LIMIT)))) {
        group(op, x, dy, out, 2, 4); // a y beyond expShifted's range: that path's scalar columns
        return;
      }
      const s = f32x4.add(f32x4.add(f32x4.splat(0), da), db);
      p = f32x4.sub(da, f32x4.mul(expShifted(a), s));
      q = f32x4.sub(db, f32x4.mul(expShifted(b), s));
    }
  }
  v128.store(out, v128.shuffle<f32>(p, q, 0, 4, 1, 5));
  v128.store(out, v128.shuffle<f32>(p, q, 2, 6, 3, 7), 16);
}

/** The op on `outer` float32 rows of n entries (1 ≤ n < SHORT_ROW), no causal mask; dy is 0 for the forward ops. */
export function shortRowsF32(op: i32, x: usize, dy: usize, out: usize, outer: i32, n: i32): void {
  const groupBytes = (<usize>n) << 4; // four rows
  const full = outer & ~3;
  let offset: usize = 0;
  if (n == 2) for (let o = 0; o < full; o += 4, offset += groupBytes) pairGroup(op, x + offset, dy + offset, out + offset);
  else for (let o = 0; o < full; o += 4, offset += groupBytes) group(op, x + offset, dy + offset, out + offset, n, 4);
  if (full < outer) group(op, x + offset, dy + offset, out + offset, n, outer - full);
}
