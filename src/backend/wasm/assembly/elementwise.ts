// Element-wise kernels, generic over the element type T (f32 or f64). Pointers are byte
// addresses in the module's memory; counts are elements. The cheap ops run four (f32) or two
// (f64) lanes at a time, and so do float32 exp, log, sigmoid, tanh, gelu, silu and elu (their
// polynomials and loops are in transcendental.ts); the other transcendental ones go through
// the f64 Math library (scalar-unary.ts), one rounding from the TS backend's.
//
// Every switch on an opcode lists each op it serves and ends in `unreachable()`: an opcode
// without a case traps (the JS side sees a RuntimeError) instead of computing another op.

import { NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, SIGMOID, TANH, STEP, RECIPROCAL, RSQRT, FLOOR, CEIL, ROUND, TRUNC, LOGICAL_NOT, LEAKY_RELU, LEAKY_RELU_GRAD, ELU, ELU_GRAD, GELU, GELU_GRAD, SILU, SILU_GRAD, UNARY_OP_COUNT } from "./opcodes";
import { ADD, SUB, MUL, DIV, POW, MAXIMUM, MINIMUM, GT, GE, LT, LE, EQ, REMAINDER, FLOOR_DIVIDE, ATAN2, LOGICAL_AND, LOGICAL_OR, LOGICAL_XOR, RELU_GRAD, BINARY_OP_COUNT } from "./opcodes";
import * as m from "./math";
import { lanes, at } from "./lanes";
import { scalarUnary } from "./scalar-unary";
import { expLoop, logLoop, sigmoidLoop, tanhLoop, geluLoop, geluGradLoop, siluLoop, siluGradLoop, eluLoop, eluGradLoop } from "./transcendental";

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

/**
 * The vector loop of a cheap op (the ops without a polynomial) over [0, vn); returns vn. Out of
 * unary, so that a step running only transcendental ops (a logistic regression's sigmoid and
 * logs) never makes V8 optimize these loops, nor unary's dispatch wait on them (transcendental.ts says why).
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
