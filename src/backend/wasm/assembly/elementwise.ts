// Element-wise kernels, generic over the element type T (f32 or f64). Pointers are byte
// addresses in the module's memory; counts are elements. The cheap ops run four (f32) or two
// (f64) lanes at a time, and so do float32 exp, log, sigmoid, tanh, gelu, silu and elu
// (polynomials, below); the other transcendental ones go through the f64 Math library, one
// rounding from the TS backend's.

import { NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, SIGMOID, TANH, STEP, SIN, COS, TAN, ERF, LOG1P, EXPM1, LOG2, RECIPROCAL, RSQRT, FLOOR, CEIL, ROUND, TRUNC, LOGICAL_NOT, LEAKY_RELU, LEAKY_RELU_GRAD, ELU, ELU_GRAD, GELU, GELU_GRAD, GELU_TANH, GELU_TANH_GRAD, SILU, SILU_GRAD, SOFTPLUS, SOFTPLUS_GRAD, LOG_SIGMOID, UNARY_OP_COUNT } from "./opcodes";
import { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, GT, GE, LT, LE, EQ, REMAINDER, FLOOR_DIVIDE, ATAN2, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR, RELU_GRAD, BINARY_OP_COUNT } from "./opcodes";
import * as m from "./math";

// Every switch on an opcode lists each op it serves and ends in `unreachable()`: an opcode
// without a case traps (the JS side sees a RuntimeError) instead of computing another op.

@inline function lanes<T>(): i32 {
  return 16 / sizeof<T>();
}

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/** op(v) for one value; alpha and beta are the op's parameters (op-table.ts). */
function scalarUnary<T>(op: i32, v: T, alpha: f64, beta: f64): T {
  const d = <f64>v;
  switch (op) {
    case NEG: return -v;
    case EXP: return <T>Math.exp(d);
    case LOG: return <T>Math.log(d);
    case SQRT: return <T>Math.sqrt(d);
    case ABS: return <T>Math.abs(d);
    case SIGN: return v > 0 ? <T>1 : v < 0 ? <T>-1 : <T>0; // 0 at NaN and ±0, as PyTorch
    case RELU: return v < 0 ? <T>0 : v; // NaN stays NaN, as PyTorch
    case SIGMOID: {
      // two branches so exp never overflows
      if (d >= 0) return <T>(1 / (1 + Math.exp(-d)));
      const e = Math.exp(d);
      return <T>(e / (1 + e));
    }
    case TANH: return <T>Math.tanh(d);
    case STEP: return v <= 0 ? <T>0 : <T>1; // 1 at NaN, as PyTorch's relu backward
    case SIN: return <T>Math.sin(d);
    case COS: return <T>Math.cos(d);
    case TAN: return <T>Math.tan(d);
    case ERF: return <T>m.erf(d);
    case LOG1P: return <T>Math.log1p(d);
    case EXPM1: return <T>Math.expm1(d);
    case LOG2: return <T>Math.log2(d);
    case RECIPROCAL: return <T>(1 / d);
    case RSQRT: return <T>(1 / Math.sqrt(d));
    case FLOOR: return floor<T>(v);
    case CEIL: return ceil<T>(v);
    case ROUND: return nearest<T>(v); // ties to even
    case TRUNC: return trunc<T>(v);
    case LOGICAL_NOT: return v == 0 ? <T>1 : <T>0;
    case LEAKY_RELU: return v > 0 ? v : <T>(d * alpha);
    case LEAKY_RELU_GRAD: return v > 0 ? <T>1 : <T>alpha;
    case ELU: return <T>m.elu(d, alpha);
    case ELU_GRAD: return <T>m.eluGrad(d, alpha);
    case GELU: return <T>m.gelu(d);
    case GELU_GRAD: return <T>m.geluGrad(d);
    case GELU_TANH: return <T>m.geluTanh(d);
    case GELU_TANH_GRAD: return <T>m.geluTanhGrad(d);
    case SILU: return <T>m.silu(d);
    case SILU_GRAD: return <T>m.siluGrad(d);
    case SOFTPLUS: return <T>m.softplus(d, alpha, beta);
    case SOFTPLUS_GRAD: return <T>m.softplusGrad(d, alpha, beta);
    case LOG_SIGMOID: return <T>m.logSigmoid(d);
    default: unreachable();
  }
  return v;
}

/** f32x4 lanes 2 and 3 of v as f64x2 (promote_low_f32x4 gives lanes 0 and 1). */
@inline function promoteHigh(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 0, 1));
}

/** Two f64x2 halves rounded back into one f32x4: low's lanes first. */
@inline function demoteHalves(low: v128, high: v128): v128 {
  return v128.shuffle<f32>(f32x4.demote_f64x2_zero(low), f32x4.demote_f64x2_zero(high), 0, 1, 4, 5);
}

/** The lanes of v times alpha, each product rounded in f64 then to T, as scalarUnary's <T>(d · alpha). */
@inline function timesInF64<T>(v: v128, alpha: f64): v128 {
  const a = f64x2.splat(alpha);
  if (sizeof<T>() == 8) return f64x2.mul(v, a);
  return demoteHalves(f64x2.mul(f64x2.promote_low_f32x4(v), a), f64x2.mul(promoteHigh(v), a));
}

/** 1/√v per lane in f64, then rounded to T, as scalarUnary's <T>(1 / Math.sqrt(d)). */
@inline function reciprocalSqrtInF64<T>(v: v128): v128 {
  const one = f64x2.splat(1);
  if (sizeof<T>() == 8) return f64x2.div(one, f64x2.sqrt(v));
  return demoteHalves(f64x2.div(one, f64x2.sqrt(f64x2.promote_low_f32x4(v))), f64x2.div(one, f64x2.sqrt(promoteHigh(v))));
}

/** Number of leading elements the vector loop of `op` handles (0 when it has no vector form). */
@inline function vectorCount<T>(op: i32, n: i32): i32 {
  const transcendental = sizeof<T>() == 4 && (op == EXP || op == LOG || op == SIGMOID || op == TANH || op == GELU || op == GELU_GRAD || op == SILU || op == SILU_GRAD || op == ELU || op == ELU_GRAD);
  const rounding = op == FLOOR || op == CEIL || op == ROUND || op == TRUNC;
  const exactInLanes = op == SIGN || op == LEAKY_RELU || op == LEAKY_RELU_GRAD || op == RSQRT;
  const vectorizable = op == NEG || op == SQRT || op == ABS || op == RELU || op == STEP || op == RECIPROCAL || op == LOGICAL_NOT || rounding || exactInLanes || transcendental;
  return vectorizable ? n & ~(lanes<T>() - 1) : 0;
}

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
function expLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(EXP, x, y, vn, alpha); }
function logLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(LOG, x, y, vn, alpha); }
function sigmoidLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SIGMOID, x, y, vn, alpha); }
function tanhLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(TANH, x, y, vn, alpha); }
function geluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(GELU, x, y, vn, alpha); }
function geluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(GELU_GRAD, x, y, vn, alpha); }
function siluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SILU, x, y, vn, alpha); }
function siluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(SILU_GRAD, x, y, vn, alpha); }
function eluLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(ELU, x, y, vn, alpha); }
function eluGradLoop(x: usize, y: usize, vn: i32, alpha: f64): i32 { return transcendentalLoop(ELU_GRAD, x, y, vn, alpha); }

/**
 * The vector loop of a cheap op (the ops without a polynomial) over [0, vn); returns vn. Out of
 * unary, so that a step running only transcendental ops (a logistic regression's sigmoid and
 * logs) never makes V8 optimize these loops, nor unary's dispatch wait on them (see above).
 */
function cheapLoop<T>(op: i32, x: usize, y: usize, vn: i32, alpha: f64): i32 {
  const step = lanes<T>();
  const zero = v128.splat<T>(<T>0);
  const one = v128.splat<T>(<T>1);
  let i = 0;
  switch (op) {
    case NEG: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.neg<T>(v128.load(at<T>(x, i)))); break;
    case SQRT: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.sqrt<T>(v128.load(at<T>(x, i)))); break;
    case ABS: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.abs<T>(v128.load(at<T>(x, i)))); break;
    case RELU:
      for (; i < vn; i += step) {
        const v = v128.load(at<T>(x, i));
        v128.store(at<T>(y, i), v128.andnot(v, v128.lt<T>(v, zero))); // NaN < 0 is false: NaN stays, as the TS backend
      }
      break;
    case STEP: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.andnot(one, v128.le<T>(v128.load(at<T>(x, i)), zero))); break;
    case RECIPROCAL: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.div<T>(one, v128.load(at<T>(x, i)))); break;
    case LOGICAL_NOT: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.and(one, v128.eq<T>(v128.load(at<T>(x, i)), zero))); break;
    case FLOOR: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.floor<T>(v128.load(at<T>(x, i)))); break;
    case CEIL: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.ceil<T>(v128.load(at<T>(x, i)))); break;
    case ROUND: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.nearest<T>(v128.load(at<T>(x, i)))); break;
    case TRUNC: for (; i < vn; i += step) v128.store(at<T>(y, i), v128.trunc<T>(v128.load(at<T>(x, i)))); break;
    // the next four give scalarUnary's bits: selects, and float32's f64 arithmetic done in f64 lanes
    case SIGN: {
      const minusOne = v128.splat<T>(<T>-1);
      for (; i < vn; i += step) {
        const v = v128.load(at<T>(x, i));
        v128.store(at<T>(y, i), v128.bitselect(one, v128.bitselect(minusOne, zero, v128.lt<T>(v, zero)), v128.gt<T>(v, zero))); // NaN and ±0 give 0
      }
      break;
    }
    case LEAKY_RELU_GRAD: {
      const slope = v128.splat<T>(<T>alpha);
      for (; i < vn; i += step) v128.store(at<T>(y, i), v128.bitselect(one, slope, v128.gt<T>(v128.load(at<T>(x, i)), zero)));
      break;
    }
    case LEAKY_RELU:
      for (; i < vn; i += step) {
        const v = v128.load(at<T>(x, i));
        v128.store(at<T>(y, i), v128.bitselect(v, timesInF64<T>(v, alpha), v128.gt<T>(v, zero)));
      }
      break;
    case RSQRT:
      for (; i < vn; i += step) v128.store(at<T>(y, i), reciprocalSqrtInF64<T>(v128.load(at<T>(x, i))));
      break;
  }
  return i;
}

export function unary<T>(op: i32, x: usize, y: usize, n: i32, alpha: f64, beta: f64): void {
  if (<u32>op >= <u32>UNARY_OP_COUNT) unreachable();
  const vn = vectorCount<T>(op, n);
  let i = 0;
  if (vn > 0) {
    switch (op) {
      // one loop per op, its opcode a constant (a loop holding all four polynomials behind
      // run-time branches ran about four times slower, measured on exp), each a function of its own
      case EXP: if (sizeof<T>() == 4) i = expLoop(x, y, vn, alpha); break;
      case LOG: if (sizeof<T>() == 4) i = logLoop(x, y, vn, alpha); break;
      case SIGMOID: if (sizeof<T>() == 4) i = sigmoidLoop(x, y, vn, alpha); break;
      case TANH: if (sizeof<T>() == 4) i = tanhLoop(x, y, vn, alpha); break;
      case GELU: if (sizeof<T>() == 4) i = geluLoop(x, y, vn, alpha); break;
      case GELU_GRAD: if (sizeof<T>() == 4) i = geluGradLoop(x, y, vn, alpha); break;
      case SILU: if (sizeof<T>() == 4) i = siluLoop(x, y, vn, alpha); break;
      case SILU_GRAD: if (sizeof<T>() == 4) i = siluGradLoop(x, y, vn, alpha); break;
      case ELU: if (sizeof<T>() == 4) i = eluLoop(x, y, vn, alpha); break;
      case ELU_GRAD: if (sizeof<T>() == 4) i = eluGradLoop(x, y, vn, alpha); break;
      default: i = cheapLoop<T>(op, x, y, vn, alpha);
    }
  }
  for (; i < n; i++) store<T>(at<T>(y, i), scalarUnary<T>(op, load<T>(at<T>(x, i)), alpha, beta));
}

/**
 * y = x < lo ? lo : x > hi ? hi : x (NaN passes through, −0 stays), a vector at a time: the
 * lane selects give the scalar tail's values bit for bit. Eager calls and compiled plans (alone
 * or in a fused program) all run this one.
 */
export function clamp<T>(x: usize, lo: T, hi: T, y: usize, n: i32): void {
  const step = lanes<T>();
  const vn = n & ~(step - 1);
  const low = v128.splat<T>(lo);
  const high = v128.splat<T>(hi);
  let i = 0;
  for (; i < vn; i += step) {
    const v = v128.load(at<T>(x, i));
    v128.store(at<T>(y, i), v128.bitselect(low, v128.bitselect(high, v, v128.gt<T>(v, high)), v128.lt<T>(v, low)));
  }
  for (; i < n; i++) {
    const v = load<T>(at<T>(x, i));
    store<T>(at<T>(y, i), v < lo ? lo : v > hi ? hi : v);
  }
}

export function fill<T>(out: usize, value: T, n: i32): void {
  const step = lanes<T>();
  const vn = n & ~(step - 1);
  const v = v128.splat<T>(value);
  let i = 0;
  for (; i < vn; i += step) v128.store(at<T>(out, i), v);
  for (; i < n; i++) store<T>(at<T>(out, i), value);
}

export function cast<S, D>(x: usize, y: usize, n: i32): void {
  if (sizeof<S>() == sizeof<D>()) {
    memory.copy(y, x, (<usize>n) << alignof<S>());
    return;
  }
  for (let i = 0; i < n; i++) store<D>(at<D>(y, i), <D>load<S>(at<S>(x, i)));
}

/** out = alpha·x + beta·y, each product rounded to T before the sum (no fused multiply-add). */
export function axpby<T>(alpha: T, x: usize, beta: T, y: usize, out: usize, n: i32): void {
  const step = lanes<T>();
  const vn = n & ~(step - 1);
  const a = v128.splat<T>(alpha);
  const b = v128.splat<T>(beta);
  let i = 0;
  for (; i < vn; i += step) {
    v128.store(at<T>(out, i), v128.add<T>(v128.mul<T>(a, v128.load(at<T>(x, i))), v128.mul<T>(b, v128.load(at<T>(y, i)))));
  }
  for (; i < n; i++) store<T>(at<T>(out, i), alpha * load<T>(at<T>(x, i)) + beta * load<T>(at<T>(y, i)));
}

function scalarBinary<T>(op: i32, u: T, v: T): T {
  switch (op) {
    case ADD: return u + v;
    case SUB: return u - v;
    case MUL: return u * v;
    case DIV: return u / v;
    // C's pow (PyTorch's): 1 ** NaN = 1 and (−1) ** ±∞ = 1
    case POW: return u == 1 || (u == -1 && (v == <T>Infinity || v == <T>-Infinity)) ? <T>1 : <T>Math.pow(<f64>u, <f64>v);
    case MAXIMUM: return u > v || u != u ? u : v;
    case MINIMUM: return u < v || u != u ? u : v;
    case GT: return u > v ? <T>1 : <T>0;
    case GE: return u >= v ? <T>1 : <T>0;
    case LT: return u < v ? <T>1 : <T>0;
    case LE: return u <= v ? <T>1 : <T>0;
    case EQ: return u == v ? <T>1 : <T>0;
    case REMAINDER: return <T>m.remainder(<f64>u, <f64>v);
    case FLOOR_DIVIDE: return <T>m.floorDivide(<f64>u, <f64>v);
    case ATAN2: return <T>Math.atan2(<f64>u, <f64>v);
    // nonzero is true, NaN included, as in PyTorch
    case LOGICAL_AND: return u != 0 && v != 0 ? <T>1 : <T>0;
    case LOGICAL_OR: return u != 0 || v != 0 ? <T>1 : <T>0;
    case LOGICAL_XOR: return (u != 0) != (v != 0) ? <T>1 : <T>0;
    // u = x, v = dy: a NaN x is not ≤ 0, so dy passes
    case RELU_GRAD: return u <= 0 ? <T>0 : v;
    default: unreachable();
  }
  return u;
}

@inline function vectorBinary<T>(op: i32, u: v128, v: v128, one: v128, zero: v128): v128 {
  switch (op) {
    case ADD: return v128.add<T>(u, v);
    case SUB: return v128.sub<T>(u, v);
    case MUL: return v128.mul<T>(u, v);
    case DIV: return v128.div<T>(u, v);
    case MAXIMUM: return v128.max<T>(u, v);
    case MINIMUM: return v128.min<T>(u, v);
    case GT: return v128.and(one, v128.gt<T>(u, v));
    case GE: return v128.and(one, v128.ge<T>(u, v));
    case LT: return v128.and(one, v128.lt<T>(u, v));
    case LE: return v128.and(one, v128.le<T>(u, v));
    case EQ: return v128.and(one, v128.eq<T>(u, v));
    case LOGICAL_AND: return v128.and(one, v128.and(v128.ne<T>(u, zero), v128.ne<T>(v, zero)));
    case LOGICAL_OR: return v128.and(one, v128.or(v128.ne<T>(u, zero), v128.ne<T>(v, zero)));
    case LOGICAL_XOR: return v128.and(one, v128.xor(v128.ne<T>(u, zero), v128.ne<T>(v, zero)));
    case RELU_GRAD: return v128.andnot(v, v128.le<T>(u, zero));
    default: unreachable(); // no vector form: binaryRow never calls it for such an op
  }
  return u;
}

/** Whether `op` has a vector form in vectorBinary. */
@inline function vectorizableBinary(op: i32): bool {
  return op != POW && op != REMAINDER && op != FLOOR_DIVIDE && op != ATAN2;
}

/** out[i] = a[i·sa] op b[i·sb] for i < n; sa, sb are element strides (0 repeats one value). */
function binaryRow<T>(op: i32, a: usize, sa: i32, b: usize, sb: i32, out: usize, n: i32): void {
  const step = lanes<T>();
  const vn = vectorizableBinary(op) ? n & ~(step - 1) : 0;
  const one = v128.splat<T>(<T>1);
  const zero = v128.splat<T>(<T>0);
  let i = 0;
  if (sa == 1 && sb == 1) {
    for (; i < vn; i += step) v128.store(at<T>(out, i), vectorBinary<T>(op, v128.load(at<T>(a, i)), v128.load(at<T>(b, i)), one, zero));
  } else if (sa == 1 && sb == 0) {
    const v = v128.splat<T>(load<T>(b));
    for (; i < vn; i += step) v128.store(at<T>(out, i), vectorBinary<T>(op, v128.load(at<T>(a, i)), v, one, zero));
  } else if (sa == 0 && sb == 1) {
    const u = v128.splat<T>(load<T>(a));
    for (; i < vn; i += step) v128.store(at<T>(out, i), vectorBinary<T>(op, u, v128.load(at<T>(b, i)), one, zero));
  }
  for (; i < n; i++) store<T>(at<T>(out, i), scalarBinary<T>(op, load<T>(at<T>(a, i * sa)), load<T>(at<T>(b, i * sb))));
}

/** A two-axis strided binary op over [n0, n1] into contiguous `out`. */
export function binary<T>(op: i32, a: usize, sa0: i32, sa1: i32, b: usize, sb0: i32, sb1: i32, out: usize, n0: i32, n1: i32): void {
  if (<u32>op >= <u32>BINARY_OP_COUNT) unreachable();
  for (let o = 0; o < n0; o++) {
    binaryRow<T>(op, at<T>(a, o * sa0), sa1, at<T>(b, o * sb0), sb1, at<T>(out, o * n1), n1);
  }
}
