// Reductions over the middle axis of [outer, axisSize, inner], argmax and gather/scatter. Sums
// accumulate in f64 so a float32 sum of many terms does not drift (the pure-TS backend does the
// same). The strided copies are in copy-strided.ts.
import { SUM, MAX } from "./opcodes";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/**
 * Σ x[0, n) in f64: eight running sums (four f64x2, element i in sum i mod 8), then those added
 * pairwise, then the last n mod 8 in order. One running sum waits on each addition's latency;
 * eight keep the adder busy (a bias gradient's rows of 784: 0.58 ms for W5's 1024 of them with two).
 */
function sumRow<T>(x: usize, n: i32): f64 {
  let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
  let i = 0;
  for (; i + 8 <= n; i += 8) {
    const p = at<T>(x, i);
    if (sizeof<T>() == 4) {
      const low = v128.load(p), high = v128.load(p, 16);
      s0 = f64x2.add(s0, f64x2.promote_low_f32x4(low));
      s1 = f64x2.add(s1, f64x2.promote_low_f32x4(v128.shuffle<f32>(low, low, 2, 3, 0, 1)));
      s2 = f64x2.add(s2, f64x2.promote_low_f32x4(high));
      s3 = f64x2.add(s3, f64x2.promote_low_f32x4(v128.shuffle<f32>(high, high, 2, 3, 0, 1)));
    } else {
      s0 = f64x2.add(s0, v128.load(p));
      s1 = f64x2.add(s1, v128.load(p, 16));
      s2 = f64x2.add(s2, v128.load(p, 32));
      s3 = f64x2.add(s3, v128.load(p, 48));
    }
  }
  const sums = f64x2.add(f64x2.add(s0, s1), f64x2.add(s2, s3));
  let s = f64x2.extract_lane(sums, 0) + f64x2.extract_lane(sums, 1);
  for (; i < n; i++) s += <f64>load<T>(at<T>(x, i));
  return s;
}

function maxRow<T>(x: usize, n: i32): T {
  let best = <T>-Infinity;
  for (let i = 0; i < n; i++) {
    const v = load<T>(at<T>(x, i));
    if (v > best || v != v) best = v;
    if (best != best) break;
  }
  return best;
}

/** f64 lanes of entries c and c + 1 of row r of [axisSize, inner] at x. */
@inline function pairAt<T>(x: usize, r: i32, inner: i32, c: i32): v128 {
  const p = at<T>(x, r * inner + c);
  return sizeof<T>() == 4 ? f64x2.promote_low_f32x4(v128.load64_zero(p)) : v128.load(p);
}

/**
 * out[c] = Σ_r x[r, c] over [axisSize, inner] at x, each column in f64 from 0 in row order, as
 * a scalar loop over the columns adds (the TS backend's order): adjacent columns share an f64x2,
 * eight columns per pass over the rows, so four independent additions are in flight; a last
 * odd column goes alone. The same additions in each column as one at a time: bit-identical.
 */
function sumColumns<T>(x: usize, axisSize: i32, inner: i32, out: usize): void {
  let c = 0;
  for (; c + 8 <= inner; c += 8) {
    let s0 = f64x2.splat(0), s1 = f64x2.splat(0), s2 = f64x2.splat(0), s3 = f64x2.splat(0);
    for (let r = 0; r < axisSize; r++) {
      s0 = f64x2.add(s0, pairAt<T>(x, r, inner, c));
      s1 = f64x2.add(s1, pairAt<T>(x, r, inner, c + 2));
      s2 = f64x2.add(s2, pairAt<T>(x, r, inner, c + 4));
      s3 = f64x2.add(s3, pairAt<T>(x, r, inner, c + 6));
    }
    storePair<T>(out, c, s0);
    storePair<T>(out, c + 2, s1);
    storePair<T>(out, c + 4, s2);
    storePair<T>(out, c + 6, s3);
  }
  for (; c + 2 <= inner; c += 2) {
    let s = f64x2.splat(0);
    for (let r = 0; r < axisSize; r++) s = f64x2.add(s, pairAt<T>(x, r, inner, c));
    storePair<T>(out, c, s);
  }
  if (c < inner) {
    let s: f64 = 0;
    for (let r = 0; r < axisSize; r++) s += <f64>load<T>(at<T>(x, r * inner + c));
    store<T>(at<T>(out, c), <T>s);
  }
}

/** Writes f64 lanes s as entries c and c + 1 of out, rounded to T. */
@inline function storePair<T>(out: usize, c: i32, s: v128): void {
  if (sizeof<T>() == 4) v128.store64_lane(at<T>(out, c), f32x4.demote_f64x2_zero(s), 0);
  else v128.store(at<T>(out, c), s);
}

/** op SUM or MAX (opcodes.ts); any other traps. `row` (f64 scratch of `inner` elements, once the column sums') is unused now; callers still pass it. */
export function reduce<T>(op: i32, x: usize, outer: i32, axisSize: i32, inner: i32, out: usize, row: usize): void {
  if (op != SUM && op != MAX) unreachable();
  if (inner == 1) {
    for (let o = 0; o < outer; o++) {
      const base = at<T>(x, o * axisSize);
      store<T>(at<T>(out, o), op == SUM ? <T>sumRow<T>(base, axisSize) : maxRow<T>(base, axisSize));
    }
    return;
  }
  for (let o = 0; o < outer; o++) {
    const dst = at<T>(out, o * inner);
    const base = o * axisSize * inner;
    if (op == SUM) {
      sumColumns<T>(at<T>(x, base), axisSize, inner, dst);
    } else {
      for (let i = 0; i < inner; i++) store<T>(at<T>(dst, i), <T>-Infinity);
      for (let r = 0; r < axisSize; r++) {
        const src = at<T>(x, base + r * inner);
        for (let i = 0; i < inner; i++) {
          const v = load<T>(at<T>(src, i));
          const best = load<T>(at<T>(dst, i));
          if (v > best || v != v) store<T>(at<T>(dst, i), v);
        }
      }
    }
  }
}

/** Indices are written as O (the tensor layer asks for float32 whatever the input). */
export function argmax<T, O>(x: usize, outer: i32, axisSize: i32, inner: i32, out: usize): void {
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * axisSize * inner + i;
      let best = <T>-Infinity;
      let found = 0;
      for (let r = 0; r < axisSize; r++) {
        const v = load<T>(at<T>(x, base + r * inner));
        if (v > best || (v != v && best == best)) {
          best = v;
          found = r;
        }
      }
      store<O>(at<O>(out, o * inner + i), <O>found);
    }
  }
}

export function gather<T>(x: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const k = (o * indexAxis + j) * inner + i;
        const src = (o * axisSize + <i32>load<T>(at<T>(index, k))) * inner + i;
        store<T>(at<T>(out, k), load<T>(at<T>(x, src)));
      }
}

export function scatterAdd<T>(dy: usize, index: usize, outer: i32, axisSize: i32, indexAxis: i32, inner: i32, out: usize): void {
  for (let o = 0; o < outer; o++)
    for (let j = 0; j < indexAxis; j++)
      for (let i = 0; i < inner; i++) {
        const k = (o * indexAxis + j) * inner + i;
        const dst = at<T>(out, (o * axisSize + <i32>load<T>(at<T>(index, k))) * inner + i);
        store<T>(dst, load<T>(dst) + load<T>(at<T>(dy, k)));
      }
}
