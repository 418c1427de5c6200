// The float32 transcendental unary ops in vector lanes, and each op's vector loop as a function
// of its own, which unary's dispatch (elementwise.ts) calls.

import { EXP, LOG, SIGMOID, TANH, GELU, GELU_GRAD, SILU, SILU_GRAD, ELU, ELU_GRAD } from "./opcodes";
import { at } from "./lanes";
import { scalarUnary } from "./scalar-unary";

// float32 exp, log, sigmoid and tanh, four lanes at a time in f32 arithmetic (Cephes' expf,
// logf and tanhf: range reduction, then a degree-6 or degree-9 polynomial): within 1 ulp of the
// correctly rounded value for exp and log and 2 for sigmoid and tanh, as PyTorch's vectorized
// float32 functions are, and several times faster than the scalar path (f64 Math, rounded). A
// lane outside the polynomials' ranges (NaN, ±∞, subnormal, zero or negative for log, exp's
// arguments beyond ±87, tanh's beyond ±43, gelu's below −3) goes through the scalar path,
// which handles every value.

export const EXP_LIMIT: f32 = 87;

/** 1.5·2²³: a float below 2²² in magnitude added to it is rounded to an integer k (ties to even, as f32x4.nearest), held in its low bits as 0x4B400000 + k. */
const ROUNDING_SHIFT: f32 = 12582912;

/** p·r + c, fused (one rounding) when asked and the build has relaxed SIMD. */
@inline function expStep(p: v128, r: v128, c: v128, fused: bool): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) {
    if (fused) return f32x4.relaxed_madd(p, r, c);
  }
  return f32x4.add(f32x4.mul(p, r), c);
}

/**
 * e^x for f32x4 lanes with |x| ≤ 87: x = t·ln 2 + r (ln 2 in two parts), e^r by a polynomial,
 * 2^t by exponent bits. t is rounded by adding ROUNDING_SHIFT, whose bits then give 2^t's
 * directly ((0x4B400000 + t + 127) << 23 drops 0x4B400000's bits): the same t and the same
 * result as f32x4.nearest and i32x4.trunc_sat_f32x4_s, which V8 lowers to about eight
 * instructions on x64 (saturation and NaN fix-ups that this range never needs). `fused`: the
 * relaxed build fuses the polynomial's multiply-adds (a third fewer instructions; each step
 * rounds once instead of twice), as softmax asks; the element-wise exp keeps its bits.
 */
@inline export function expLanes(x: v128, fused: bool = false): v128 {
  const shifted = f32x4.add(f32x4.mul(x, f32x4.splat(1.44269504088896341)), f32x4.splat(ROUNDING_SHIFT));
  const t = f32x4.sub(shifted, f32x4.splat(ROUNDING_SHIFT));
  // t·ln2hi is exact (ln2hi has 9 bits), so only the low part's product rounds
  const r = expStep(t, f32x4.splat(2.12194440e-4), f32x4.sub(x, f32x4.mul(t, f32x4.splat(0.693359375))), fused);
  let p = f32x4.splat(1.9875691500e-4);
  p = expStep(p, r, f32x4.splat(1.3981999507e-3), fused);
  p = expStep(p, r, f32x4.splat(8.3334519073e-3), fused);
  p = expStep(p, r, f32x4.splat(4.1665795894e-2), fused);
  p = expStep(p, r, f32x4.splat(1.6666665459e-1), fused);
  p = expStep(p, r, f32x4.splat(5.0000001201e-1), fused);
  p = f32x4.add(expStep(f32x4.mul(p, r), r, r, fused), f32x4.splat(1));
  return f32x4.mul(p, i32x4.shl(i32x4.add(shifted, i32x4.splat(127)), 23));
}

/** ln x for positive, finite, normal f32x4 lanes: x = m·2^e with m ∈ [√½, √2), ln m by a polynomial in m − 1. */
@inline export function logLanes(x: v128): v128 {
  let e = f32x4.convert_i32x4_s(i32x4.sub(i32x4.shr_u(x, 23), i32x4.splat(126)));
  let m = v128.or(v128.and(x, i32x4.splat(0x007fffff)), i32x4.splat(0x3f000000)); // [½, 1)
  const small = f32x4.lt(m, f32x4.splat(0.707106781186547524));
  e = f32x4.sub(e, v128.and(small, f32x4.splat(1)));
  m = f32x4.sub(f32x4.add(m, v128.and(small, m)), f32x4.splat(1)); // 2m − 1 or m − 1
  const z = f32x4.mul(m, m);
  let y = f32x4.splat(7.0376836292e-2);
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.1514610310e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.1676998740e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.2420140846e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(1.4249322787e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-1.6668057665e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(2.0000714765e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(-2.4999993993e-1));
  y = f32x4.add(f32x4.mul(y, m), f32x4.splat(3.3333331174e-1));
  y = f32x4.mul(f32x4.mul(y, m), z);
  y = f32x4.add(y, f32x4.mul(e, f32x4.splat(-2.12194440e-4)));
  y = f32x4.sub(y, f32x4.mul(z, f32x4.splat(0.5)));
  return f32x4.add(f32x4.add(m, y), f32x4.mul(e, f32x4.splat(0.693359375)));
}

/**
 * tanh x for |x| ≤ 43, on |x| with x's sign put back (so −0 stays −0): Cephes' tanhf, a
 * degree-9 odd polynomial below 0.625, where 1 − 2/(e^{2|x|} + 1) would cancel, and that form
 * above (with expLanes, 2|x| ≤ 86). Within 2 ulps of the correctly rounded value (test:
 * wasm-kernels.test.ts); the scalar path (f64 Math.tanh, rounded) is seven to eight times
 * slower (`node --import tsx bench/unary-ops.ts`: 6.1–6.5 against 0.8–0.9 ms over 262,144).
 */
@inline function tanhLanes(x: v128): v128 {
  const a = f32x4.abs(x);
  const z = f32x4.mul(a, a);
  let p = f32x4.splat(-5.70498872745e-3);
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(2.06390887954e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-5.37397155531e-2));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(1.33314422036e-1));
  p = f32x4.add(f32x4.mul(p, z), f32x4.splat(-3.33332819422e-1));
  const near = f32x4.add(a, f32x4.mul(f32x4.mul(a, z), p));
  const far = f32x4.sub(f32x4.splat(1), f32x4.div(f32x4.splat(2), f32x4.add(expLanes(f32x4.add(a, a)), f32x4.splat(1))));
  const magnitude = v128.bitselect(near, far, f32x4.lt(a, f32x4.splat(0.625)));
  return v128.or(magnitude, v128.and(x, i32x4.splat(0x80000000)));
}

/** σ(x) = 1/(1 + e^−x) for x ≥ 0, e^x/(1 + e^x) below, as the scalar path. */
@inline function sigmoidLanes(x: v128): v128 {
  const e = expLanes(f32x4.neg(f32x4.abs(x)));
  const denominator = f32x4.add(f32x4.splat(1), e);
  return v128.bitselect(f32x4.div(f32x4.splat(1), denominator), f32x4.div(e, denominator), f32x4.ge(x, f32x4.splat(0)));
}

// float32 gelu and its derivative, four lanes at a time in f32 arithmetic (the scalar path
// evaluates erf in f64, several times slower), for x in [−3, 9], where the result stays within
// 2⁻¹⁹ of the correctly rounded value; lanes outside (the far negative tail, where the rounding
// of x²/2 grows; NaN, ±∞) take the scalar path. With z = |x|/√2 and E = exp(−z²) = exp(−x²/2),
// ½·erfc(z) = E·S(t), S = ½·erfcx a degree-7 polynomial in t = 1/(1 + z/2) (fitted by
// scripts/fit-gelu-erfcx.py: relative error of Φ below 2e-8 over the range), so that one exp
// serves both the normal CDF Φ(x) = E·S(t) (x < 0) or 1 − E·S(t), and the density
// φ(x) = E/√(2π). The derivative is then Φ(x) + x·φ(x) = E·(S(t) − |x|/√(2π)) for x < 0 and
// 1 − E·(S(t) − |x|/√(2π)) above. Near its zero x₀ ≈ −0.7518 that difference cancels, so on
// (−1.05, −0.45) it is (x − x₀)·Q(x + 0.75) instead, Q a degree-7 fit (relative error 1.2e-9),
// x₀ in two parts so that x − x₀ keeps its digits.

const NORMAL_PEAK_F32: f32 = 0.3989422804014327; // 1/√(2π)

/**
 * p·x + c, one Horner step of gelu's polynomials: fused (one rounding) where the build has
 * relaxed SIMD, which halves their instructions; a fused step only rounds less, so both builds
 * stay within the error bounds above.
 */
@inline function horner(p: v128, x: v128, c: v128): v128 {
  if (ASC_FEATURE_RELAXED_SIMD) return f32x4.relaxed_madd(p, x, c);
  return f32x4.add(f32x4.mul(p, x), c);
}

/** S(t) = ½·exp(z²)·erfc(z) for t = 1/(1 + z/2) of the lanes' |x| = z·√2 (2√2 = 1/0.35355339). */
@inline function halfErfcxLanes(magnitude: v128): v128 {
  const t = f32x4.div(f32x4.splat(1), horner(magnitude, f32x4.splat(0.35355339059327376), f32x4.splat(1)));
  let s = f32x4.splat(0.021811191);
  s = horner(s, t, f32x4.splat(-0.0658212602));
  s = horner(s, t, f32x4.splat(-0.0438698307));
  s = horner(s, t, f32x4.splat(0.293940693));
  s = horner(s, t, f32x4.splat(-0.0457498878));
  s = horner(s, t, f32x4.splat(0.213273183));
  s = horner(s, t, f32x4.splat(0.124919899));
  return horner(s, t, f32x4.splat(0.0014960228));
}

/** gelu'(x) = (x − x₀)·Q(x + 0.75) for −1.05 < x < −0.45, around its zero x₀. */
@inline function geluGradNearZeroLanes(x: v128): v128 {
  const u = f32x4.add(x, f32x4.splat(0.75));
  let q = f32x4.splat(-0.0022124609406930684);
  q = horner(q, u, f32x4.splat(0.004379488937672238));
  q = horner(q, u, f32x4.splat(0.019467781759122334));
  q = horner(q, u, f32x4.splat(-0.014589966353235107));
  q = horner(q, u, f32x4.splat(-0.11411340020725688));
  q = horner(q, u, f32x4.splat(-0.01881283769404419));
  q = horner(q, u, f32x4.splat(0.3882186741357708));
  q = horner(q, u, f32x4.splat(0.4321895557519735));
  // x − x₀hi is exact (Sterbenz), then x₀lo = x₀ − x₀hi
  const distance = f32x4.sub(f32x4.sub(x, f32x4.splat(-0.7517915368080139)), f32x4.splat(1.211444988769017e-8));
  return f32x4.mul(distance, q);
}

/** gelu(x) = x·Φ(x), or its derivative Φ(x) + x·φ(x), for lanes in range (inRangeMask). */
@inline function geluLanes(op: i32, x: v128): v128 {
  // −x²/2 with one rounding (of x·x; the halving is exact)
  const e = expLanes(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5)));
  const magnitude = f32x4.abs(x);
  const s = halfErfcxLanes(magnitude);
  const negative = f32x4.lt(x, f32x4.splat(0));
  if (op == GELU) {
    const half = f32x4.mul(e, s); // ½·erfc(|x|/√2)
    return f32x4.mul(x, v128.bitselect(half, f32x4.sub(f32x4.splat(1), half), negative));
  }
  // Φ(x) + x·φ(x) = E·(S − |x|/√(2π)) for x < 0, and 1 minus that above
  const w = f32x4.mul(e, f32x4.sub(s, f32x4.mul(magnitude, f32x4.splat(NORMAL_PEAK_F32))));
  const general = v128.bitselect(w, f32x4.sub(f32x4.splat(1), w), negative);
  const nearZero = v128.and(f32x4.gt(x, f32x4.splat(-1.05)), f32x4.lt(x, f32x4.splat(-0.45)));
  // the fit on every group, kept where a lane needs it: a branch on any_true(nearZero) is
  // taken by about half the groups of four for unit-normal inputs, a coin flip the CPU
  // mispredicts, which cost more than the fit's eight Horner steps (measured)
  return v128.bitselect(geluGradNearZeroLanes(x), general, nearZero);
}

/**
 * silu(x) = x·σ(x), or its derivative σ(x)·(1 + x·σ(−x)), for lanes with |x| ≤ 87. σ(x) is
 * sigmoidLanes' (the same two quotients of one e^−|x|), so silu is x times the sigmoid eager mode
 * computes, one more rounding; the derivative takes 1 − σ(x) as the other quotient, σ(−x), which
 * does not cancel where σ(x) nears 1 (1 − σ(x) in f32 is 0 from x ≈ 17 on, against x·e^−x).
 * Near the derivative's zero (x ≈ −1.278) 1 + x·σ(−x) cancels, as PyTorch's float32 form does.
 */
@inline function siluLanes(op: i32, x: v128): v128 {
  const e = expLanes(f32x4.neg(f32x4.abs(x)));
  const denominator = f32x4.add(f32x4.splat(1), e);
  const positive = f32x4.ge(x, f32x4.splat(0));
  const large = f32x4.div(f32x4.splat(1), denominator); // σ(|x|)
  const small = f32x4.div(e, denominator); // σ(−|x|)
  const s = v128.bitselect(large, small, positive);
  if (op == SILU) return f32x4.mul(x, s);
  return f32x4.mul(s, f32x4.add(f32x4.splat(1), f32x4.mul(x, v128.bitselect(small, large, positive))));
}

/** All-ones in the lanes of v that suit the vector form of op (NaN compares false everywhere). */
@inline function inRangeMask(op: i32, v: v128): v128 {
  // elu: where e^x stays a normal float32 (+∞ selects x itself)
  if (op == ELU || op == ELU_GRAD) return f32x4.ge(v, f32x4.splat(-EXP_LIMIT));
  if (op == LOG) return v128.and(f32x4.ge(v, f32x4.splat(1.17549435e-38)), f32x4.lt(v, f32x4.splat(Infinity)));
  if (op == GELU || op == GELU_GRAD) return v128.and(f32x4.ge(v, f32x4.splat(-3)), f32x4.le(v, f32x4.splat(9)));
  if (op == TANH) return f32x4.le(f32x4.abs(v), f32x4.splat(43));
  return f32x4.le(f32x4.abs(v), f32x4.splat(EXP_LIMIT));
}

@inline function transcendental4(op: i32, v: v128, alpha: f64): v128 {
  if (op == ELU || op == ELU_GRAD) return eluLanes(op, v, f32x4.splat(<f32>alpha));
  if (op == EXP) return expLanes(v);
  if (op == LOG) return logLanes(v);
  if (op == GELU || op == GELU_GRAD) return geluLanes(op, v);
  if (op == TANH) return tanhLanes(v);
  if (op == SILU || op == SILU_GRAD) return siluLanes(op, v);
  return sigmoidLanes(v);
}

/**
 * Writes the scalar path's value over each lane of the group of four at y + 4i that is outside
 * the vector form's range (`inRange` clear), from the group `v` as loaded (y may be x). Out of
 * line, and called only for a pass with such a lane: the vector form has already written every
 * lane. (When a group with one such lane went through the scalar path whole, and the passes
 * around it group by group, gelu over N(0, 2²) inputs, 7% of them below −3, took 2.74 ms per
 * 262,144 elements against 0.59 over N(0, 0.6²).)
 */
function patchLanes(op: i32, v: v128, inRange: v128, y: usize, i: i32, alpha: f64): void {
  const outside = ~i32x4.bitmask(inRange) & 15;
  if (outside & 1) store<f32>(at<f32>(y, i), scalarUnary<f32>(op, f32x4.extract_lane(v, 0), alpha, 0));
  if (outside & 2) store<f32>(at<f32>(y, i + 1), scalarUnary<f32>(op, f32x4.extract_lane(v, 1), alpha, 0));
  if (outside & 4) store<f32>(at<f32>(y, i + 2), scalarUnary<f32>(op, f32x4.extract_lane(v, 2), alpha, 0));
  if (outside & 8) store<f32>(at<f32>(y, i + 3), scalarUnary<f32>(op, f32x4.extract_lane(v, 3), alpha, 0));
}

/**
 * elu(x) = x above 0 and α·(e^x − 1) at or below it, or its derivative 1 or α·e^x, for lanes
 * with x ≥ −87 (NaN excluded: inRangeMask). Above −0.5, e^x − 1 would cancel, so it is
 * 2t/(1 − t) with t = tanh(x/2) (tanhLanes' polynomial there): within 3 ulps of the correctly
 * rounded elu and 2 of its derivative, α rounded to float32 (measured 2.1 and 1.5 for α = 0.3,
 * 1 and 1.7). −0 gives −0, as PyTorch's α·expm1(x) does (the scalar path's e^x − 1 gives +0).
 */
@inline function eluLanes(op: i32, x: v128, alpha: v128): v128 {
  const positive = f32x4.gt(x, f32x4.splat(0));
  if (op == ELU_GRAD) return v128.bitselect(f32x4.splat(1), f32x4.mul(alpha, expLanes(x)), positive);
  const t = tanhLanes(f32x4.mul(x, f32x4.splat(0.5)));
  const near = f32x4.div(f32x4.add(t, t), f32x4.sub(f32x4.splat(1), t));
  const far = f32x4.sub(expLanes(x), f32x4.splat(1));
  return v128.bitselect(x, f32x4.mul(alpha, v128.bitselect(near, far, f32x4.gt(x, f32x4.splat(-0.5)))), positive);
}

/** One group of four at x + 4i (a last lone group): the vector form, then the scalar path in lanes out of its range. */
function transcendentalGroup(op: i32, x: usize, y: usize, i: i32, alpha: f64): void {
  const v = v128.load(at<f32>(x, i));
  const inRange = inRangeMask(op, v);
  v128.store(at<f32>(y, i), transcendental4(op, v, alpha));
  if (!i32x4.all_true(inRange)) patchLanes(op, v, inRange, y, i, alpha);
}

/** Four groups of four per iteration over [0, vn & ~15), lanes out of range patched after; returns where it stopped. */
@inline function transcendentalQuads(op: i32, x: usize, y: usize, vn: i32, alpha: f64): i32 {
  const end = vn & ~15;
  for (let i = 0; i < end; i += 16) {
    const a = v128.load(at<f32>(x, i));
    const b = v128.load(at<f32>(x, i + 4));
    const c = v128.load(at<f32>(x, i + 8));
    const d = v128.load(at<f32>(x, i + 12));
    const ya = transcendental4(op, a, alpha);
    const yb = transcendental4(op, b, alpha);
    const yc = transcendental4(op, c, alpha);
    const yd = transcendental4(op, d, alpha);
    v128.store(at<f32>(y, i), ya);
    v128.store(at<f32>(y, i + 4), yb);
    v128.store(at<f32>(y, i + 8), yc);
    v128.store(at<f32>(y, i + 12), yd);
    const ma = inRangeMask(op, a);
    const mb = inRangeMask(op, b);
    const mc = inRangeMask(op, c);
    const md = inRangeMask(op, d);
    if (!i32x4.all_true(v128.and(v128.and(ma, mb), v128.and(mc, md)))) {
      if (!i32x4.all_true(ma)) patchLanes(op, a, ma, y, i, alpha);
      if (!i32x4.all_true(mb)) patchLanes(op, b, mb, y, i + 4, alpha);
      if (!i32x4.all_true(mc)) patchLanes(op, c, mc, y, i + 8, alpha);
      if (!i32x4.all_true(md)) patchLanes(op, d, md, y, i + 12, alpha);
    }
  }
  return end;
}

/** Two groups of four per iteration over [0, vn & ~7), else as transcendentalQuads; returns where it stopped. */
@inline function transcendentalPairs(op: i32, x: usize, y: usize, vn: i32, alpha: f64): i32 {
  const end = vn & ~7;
  for (let i = 0; i < end; i += 8) {
    const a = v128.load(at<f32>(x, i));
    const b = v128.load(at<f32>(x, i + 4));
    const ya = transcendental4(op, a, alpha);
    const yb = transcendental4(op, b, alpha);
    v128.store(at<f32>(y, i), ya);
    v128.store(at<f32>(y, i + 4), yb);
    const ma = inRangeMask(op, a);
    const mb = inRangeMask(op, b);
    if (!i32x4.all_true(v128.and(ma, mb))) {
      if (!i32x4.all_true(ma)) patchLanes(op, a, ma, y, i, alpha);
      if (!i32x4.all_true(mb)) patchLanes(op, b, mb, y, i + 4, alpha);
    }
  }
  return end;
}

/**
 * The vector loop of a float32 transcendental op over [0, vn) (op a constant where inlined);
 * returns vn. Each group's range reduction, polynomial, division and exp form one long
 * dependency chain; with one group per iteration the CPU waited on their latencies, so an
 * iteration takes four independent groups whose chains overlap (measured: exp and gelu 1.15 to
 * 1.45 times faster than with two groups per iteration). gelu's derivative takes two: a group of
 * it holds more live values (the near-zero fit beside the general form), probably more than
 * four fit in the sixteen vector registers (measured with bench/gelu-ab.ts: two groups 1.4 times
 * faster in the relaxed-SIMD build, 1.05 to 1.2 in the plain one; gelu itself 1.07 to 1.25
 * times slower with two). elu takes two as its own loop did before it joined these (not
 * measured against four); its α, a run-time value, reaches its lanes and the scalar path.
 */
@inline function transcendentalLoop(op: i32, x: usize, y: usize, vn: i32, alpha: f64): i32 {
  let i = op == GELU_GRAD || op == ELU || op == ELU_GRAD ? transcendentalPairs(op, x, y, vn, alpha) : transcendentalQuads(op, x, y, vn, alpha);
  for (; i < vn; i += 4) transcendentalGroup(op, x, y, i, alpha);
  return vn;
}

// Each float32 transcendental op's loop is a function of its own, called from unary's switch and
// too large for the optimizer to inline there (binaryen inlines a one-caller function only up to
// a size). V8 first runs a wasm function from its baseline compiler (Liftoff, several times
// slower on SIMD code) and recompiles it whole with its optimizing one once it is hot, on a
// worker thread: with all ten loops inlined, unary<f32> was 23.7 KB of code that took 39 ms to
// optimize, which a compiled step's first hundreds of replays ran in the baseline code and
// shared the machine's two cores with. Split, a step recompiles only the loops it runs.
export function expLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(EXP, x, y, vn, alpha); }
export function logLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(LOG, x, y, vn, alpha); }
export function sigmoidLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SIGMOID, x, y, vn, alpha); }
export function tanhLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(TANH, x, y, vn, alpha); }
export function geluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(GELU, x, y, vn, alpha); }
export function geluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(GELU_GRAD, x, y, vn, alpha); }
export function siluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SILU, x, y, vn, alpha); }
export function siluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SILU_GRAD, x, y, vn, alpha); }
export function eluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(ELU, x, y, vn, alpha); }
export function eluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(ELU_GRAD, x, y, vn, alpha); }
