// The softmax ops on one float32 row along the last axis (inner = 1): rows of SHORT_ROW entries
// or more, and causal rows of any length (softmax.ts routes the rest to softmax-short.ts), four
// lanes at a time with transcendental.ts's polynomial exp and log, the row's sums in f32
// lanes as PyTorch's vectorized kernel keeps them. A row's last 1 to 3 entries (and a causal
// row's last visible ones) form one more vector, loaded and stored lane by lane, its missing
// lanes padded so that they add nothing: −∞ (e^−∞ = 0) for the forward ops, 0 for dy. Before,
// each such entry took an f64 Math.exp (AssemblyScript's software one, ~20 ns), which cost more
// than the vector part of a short causal row; and the maximum was f32x4.max, whose NaN and ±0
// rules V8 spells in about eight x64 instructions. Here it is f32x4.pmax (one maxps), which
// skips a NaN: the NaN then reaches the row's sum through e^(NaN − max) and so every entry, as
// before (a NaN maximum made every e^(x − max) NaN).
import { SOFTMAX, LOG_SOFTMAX, SOFTMAX_GRAD, LOG_SOFTMAX_GRAD } from "./opcodes";
import { EXP_LIMIT, logLanes } from "./transcendental";
import { expShifted } from "./softmax-short";

@inline function at(base: usize, i: i32): usize {
  return base + ((<usize>i) << 2);
}

/** Entries j … j + count − 1 (count 1 to 3) of p in lanes 0 … count − 1, the other lanes `pad`'s. */
@inline function loadPart(p: usize, j: i32, count: i32, pad: v128): v128 {
  let v = v128.load32_lane(at(p, j), pad, 0);
  if (count > 1) v = v128.load32_lane(at(p, j + 1), v, 1);
  if (count > 2) v = v128.load32_lane(at(p, j + 2), v, 2);
  return v;
}

/** Writes lanes 0 … count − 1 of v (count 1 to 3) as entries j … of p. */
@inline function storePart(p: usize, j: i32, count: i32, v: v128): void {
  v128.store32_lane(at(p, j), v, 0);
  if (count > 1) v128.store32_lane(at(p, j + 1), v, 1);
  if (count > 2) v128.store32_lane(at(p, j + 2), v, 2);
}

/** The largest of v's lanes, skipping NaN as pmax does. */
@inline function largestLane(v: v128): f32 {
  const pairs = f32x4.pmax(v, v128.shuffle<f32>(v, v, 2, 3, 0, 1));
  return f32x4.extract_lane(f32x4.pmax(pairs, v128.shuffle<f32>(pairs, pairs, 1, 0, 3, 2)), 0);
}

@inline function sumLanes(v: v128): f32 {
  return f32x4.extract_lane(v, 0) + f32x4.extract_lane(v, 1) + f32x4.extract_lane(v, 2) + f32x4.extract_lane(v, 3);
}

/** softmax or log-softmax of the row's first `seen` entries (1 ≤ seen ≤ n); entries seen … n − 1 (a causal mask's) are set to 0 or −∞ unread. */
@inline function forward(op: i32, x: usize, out: usize, n: i32, seen: i32): void {
  const full = seen & ~3;
  const rest = seen - full;
  const negativeInfinity = f32x4.splat(-Infinity);
  const last = rest > 0 ? loadPart(x, full, rest, negativeInfinity) : negativeInfinity;
  let maxV = last;
  for (let i = 0; i < full; i += 4) maxV = f32x4.pmax(maxV, v128.load(at(x, i)));
  const shift = f32x4.splat(largestLane(maxV));
  let sumV = f32x4.splat(0);
  // four vectors a round: V8 builds each of exp's dozen constants afresh in every round (three
  // instructions each, not hoisted out of the loop), so one set serves four exps
  let i = 0;
  for (; i + 16 <= full; i += 16) {
    const e0 = expShifted(f32x4.sub(v128.load(at(x, i)), shift));
    const e1 = expShifted(f32x4.sub(v128.load(at(x, i + 4)), shift));
    const e2 = expShifted(f32x4.sub(v128.load(at(x, i + 8)), shift));
    const e3 = expShifted(f32x4.sub(v128.load(at(x, i + 12)), shift));
    if (op == SOFTMAX) {
      v128.store(at(out, i), e0);
      v128.store(at(out, i + 4), e1);
      v128.store(at(out, i + 8), e2);
      v128.store(at(out, i + 12), e3);
    }
    sumV = f32x4.add(f32x4.add(f32x4.add(f32x4.add(sumV, e0), e1), e2), e3);
  }
  for (; i < full; i += 4) {
    const e = expShifted(f32x4.sub(v128.load(at(x, i)), shift));
    if (op == SOFTMAX) v128.store(at(out, i), e);
    sumV = f32x4.add(sumV, e);
  }
  const lastE = expShifted(f32x4.sub(last, shift)); // the pad's lanes: e^−∞ = 0
  sumV = f32x4.add(sumV, lastE);
  const sum = f32x4.splat(sumLanes(sumV));
  if (op == SOFTMAX) {
    for (let i = 0; i < full; i += 4) v128.store(at(out, i), f32x4.div(v128.load(at(out, i)), sum));
    if (rest > 0) storePart(out, full, rest, f32x4.div(lastE, sum));
  } else {
    // sum ∈ [1, seen] (the maximum's own term is e⁰ = 1) unless NaN (a NaN, a +∞ or an all −∞
    // row), which logLanes would not keep: such a row's entries come out NaN, as Math.log's
    const logSum = v128.bitselect(logLanes(sum), sum, f32x4.eq(sum, sum));
    for (let i = 0; i < full; i += 4) v128.store(at(out, i), f32x4.sub(f32x4.sub(v128.load(at(x, i)), shift), logSum));
    if (rest > 0) storePart(out, full, rest, f32x4.sub(f32x4.sub(last, shift), logSum));
  }
  if (seen < n) {
    const masked: f32 = op == SOFTMAX ? 0 : -Infinity;
    const maskedV = f32x4.splat(masked);
    let j = seen;
    for (; j + 4 <= n; j += 4) v128.store(at(out, j), maskedV);
    for (; j < n; j++) store<f32>(at(out, j), masked);
  }
}

/** dx = y·(dy − Σ dy·y) on a row of n (≥ 1) entries. */
@inline function softmaxGrad(y: usize, dy: usize, out: usize, n: i32): void {
  const full = n & ~3;
  const rest = n - full;
  const zero = f32x4.splat(0);
  const lastY = rest > 0 ? loadPart(y, full, rest, zero) : zero;
  const lastDy = rest > 0 ? loadPart(dy, full, rest, zero) : zero;
  let sumV = f32x4.mul(lastDy, lastY);
  for (let i = 0; i < full; i += 4) sumV = f32x4.add(sumV, f32x4.mul(v128.load(at(dy, i)), v128.load(at(y, i))));
  const s = f32x4.splat(sumLanes(sumV));
  for (let i = 0; i < full; i += 4) v128.store(at(out, i), f32x4.mul(v128.load(at(y, i)), f32x4.sub(v128.load(at(dy, i)), s)));
  if (rest > 0) storePart(out, full, rest, f32x4.mul(lastY, f32x4.sub(lastDy, s)));
}

/** dx = dy − e^y·Σ dy on a row of n (≥ 1) entries. */
@inline function logSoftmaxGrad(y: usize, dy: usize, out: usize, n: i32): void {
  const full = n & ~3;
  const rest = n - full;
  const zero = f32x4.splat(0);
  const lastY = rest > 0 ? loadPart(y, full, rest, zero) : zero;
  const lastDy = rest > 0 ? loadPart(dy, full, rest, zero) : zero;
  let sumV = lastDy;
  let topV = lastY;
  for (let i = 0; i < full; i += 4) {
    sumV = f32x4.add(sumV, v128.load(at(dy, i)));
    topV = f32x4.pmax(topV, v128.load(at(y, i)));
  }
  const sum = sumLanes(sumV);
  // expShifted serves y ≤ 87 (a forward's output is ≤ 0); a row with a y beyond, which a
  // caller may pass, would overflow there, so it takes the reference's f64 Math.exp (a NaN
  // that pmax skipped comes out NaN either way)
  if (v128.any_true(f32x4.gt(topV, f32x4.splat(EXP_LIMIT)))) {
    logSoftmaxGradScalar(y, dy, out, n, sum);
    return;
  }
  const s = f32x4.splat(sum);
  let i = 0;
  for (; i + 16 <= full; i += 16) {
    // four vectors a round, as forward's exps
    const e0 = expShifted(v128.load(at(y, i)));
    const e1 = expShifted(v128.load(at(y, i + 4)));
    const e2 = expShifted(v128.load(at(y, i + 8)));
    const e3 = expShifted(v128.load(at(y, i + 12)));
    v128.store(at(out, i), f32x4.sub(v128.load(at(dy, i)), f32x4.mul(e0, s)));
    v128.store(at(out, i + 4), f32x4.sub(v128.load(at(dy, i + 4)), f32x4.mul(e1, s)));
    v128.store(at(out, i + 8), f32x4.sub(v128.load(at(dy, i + 8)), f32x4.mul(e2, s)));
    v128.store(at(out, i + 12), f32x4.sub(v128.load(at(dy, i + 12)), f32x4.mul(e3, s)));
  }
  for (; i < full; i += 4) v128.store(at(out, i), f32x4.sub(v128.load(at(dy, i)), f32x4.mul(expShifted(v128.load(at(y, i))), s)));
  if (rest > 0) storePart(out, full, rest, f32x4.sub(lastDy, f32x4.mul(expShifted(lastY), s)));
}

/** logSoftmaxGrad's row in f64 Math.exp, one entry at a time (out of line: it never runs on a forward's output). */
function logSoftmaxGradScalar(y: usize, dy: usize, out: usize, n: i32, sum: f32): void {
  for (let j = 0; j < n; j++) store<f32>(at(out, j), load<f32>(at(dy, j)) - <f32>Math.exp(<f64>load<f32>(at(y, j))) * sum);
}

/**
 * One float32 row [n] (contiguous, n ≥ 1) of the op; the forward ops see its first `seen`
 * entries only (1 ≤ seen ≤ n; the rest: a causal mask). Every entry the row reads is read
 * before the same entry is written, so out may alias x or dy.
 */
export function rowF32(op: i32, x: usize, dy: usize, out: usize, n: i32, seen: i32): void {
  if (op == SOFTMAX) forward(SOFTMAX, x, out, n, seen);
  else if (op == LOG_SOFTMAX) forward(LOG_SOFTMAX, x, out, n, seen);
  else if (op == SOFTMAX_GRAD) softmaxGrad(x, dy, out, n);
  else if (op == LOG_SOFTMAX_GRAD) logSoftmaxGrad(x, dy, out, n);
  else unreachable();
}
