import type { BinaryOp, UnaryOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";
import { unknownOp } from "./op-table.js";
import * as m from "./scalar-math.js";

// One loop per op, with the switch outside the loop: V8 keeps each loop monomorphic and free of
// closure calls.

/** y = op(x); `alpha` and `beta` are the parameters of the ops that take some (op-table.ts). */
export function unaryKernel(op: UnaryOp, x: FloatArray, y: FloatArray, alpha = 0, beta = 0): void {
  const n = x.length;
  switch (op) {
    case "neg":
      for (let i = 0; i < n; i++) y[i] = -x[i]!;
      return;
    case "exp":
      for (let i = 0; i < n; i++) y[i] = Math.exp(x[i]!);
      return;
    case "log":
      for (let i = 0; i < n; i++) y[i] = Math.log(x[i]!);
      return;
    case "sqrt":
      for (let i = 0; i < n; i++) y[i] = Math.sqrt(x[i]!);
      return;
    case "abs":
      for (let i = 0; i < n; i++) y[i] = Math.abs(x[i]!);
      return;
    case "sign":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? 1 : v < 0 ? -1 : 0; // 0 at NaN and ±0, as PyTorch's (0 < x) − (x < 0)
      }
      return;
    case "relu":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        y[i] = v < 0 ? 0 : v; // NaN stays NaN (and −0 stays −0), as PyTorch
      }
      return;
    case "step":
      // 1 at NaN too: PyTorch's relu backward passes the gradient wherever relu(x) <= 0 is false
      for (let i = 0; i < n; i++) y[i] = x[i]! <= 0 ? 0 : 1;
      return;
    case "sigmoid":
      // Two branches so exp never overflows: for v < 0 use e^v / (1 + e^v).
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[i] = e / (1 + e);
        }
      }
      return;
    case "tanh":
      for (let i = 0; i < n; i++) y[i] = Math.tanh(x[i]!);
      return;
    case "sin": for (let i = 0; i < n; i++) y[i] = Math.sin(x[i]!); return;
    case "cos": for (let i = 0; i < n; i++) y[i] = Math.cos(x[i]!); return;
    case "tan": for (let i = 0; i < n; i++) y[i] = Math.tan(x[i]!); return;
    case "erf": for (let i = 0; i < n; i++) y[i] = m.erf(x[i]!); return;
    case "log1p": for (let i = 0; i < n; i++) y[i] = Math.log1p(x[i]!); return;
    case "expm1": for (let i = 0; i < n; i++) y[i] = Math.expm1(x[i]!); return;
    case "log2": for (let i = 0; i < n; i++) y[i] = Math.log2(x[i]!); return;
    case "reciprocal": for (let i = 0; i < n; i++) y[i] = 1 / x[i]!; return;
    case "rsqrt": for (let i = 0; i < n; i++) y[i] = 1 / Math.sqrt(x[i]!); return;
    case "floor": for (let i = 0; i < n; i++) y[i] = Math.floor(x[i]!); return;
    case "ceil": for (let i = 0; i < n; i++) y[i] = Math.ceil(x[i]!); return;
    case "round": for (let i = 0; i < n; i++) y[i] = m.roundHalfEven(x[i]!); return;
    case "trunc": for (let i = 0; i < n; i++) y[i] = Math.trunc(x[i]!); return;
    case "logicalNot": for (let i = 0; i < n; i++) y[i] = x[i]! === 0 ? 1 : 0; return;
    case "leakyRelu":
      for (let i = 0; i < n; i++) {
        const v = x[i]!;
        y[i] = v > 0 ? v : v * alpha;
      }
      return;
    case "leakyReluGrad": for (let i = 0; i < n; i++) y[i] = x[i]! > 0 ? 1 : alpha; return;
    case "elu": for (let i = 0; i < n; i++) y[i] = m.elu(x[i]!, alpha); return;
    case "eluGrad": for (let i = 0; i < n; i++) y[i] = m.eluGrad(x[i]!, alpha); return;
    case "gelu": for (let i = 0; i < n; i++) y[i] = m.gelu(x[i]!); return;
    case "geluGrad": for (let i = 0; i < n; i++) y[i] = m.geluGrad(x[i]!); return;
    case "geluTanh": for (let i = 0; i < n; i++) y[i] = m.geluTanh(x[i]!); return;
    case "geluTanhGrad": for (let i = 0; i < n; i++) y[i] = m.geluTanhGrad(x[i]!); return;
    case "silu": for (let i = 0; i < n; i++) y[i] = m.silu(x[i]!); return;
    case "siluGrad": for (let i = 0; i < n; i++) y[i] = m.siluGrad(x[i]!); return;
    case "softplus": for (let i = 0; i < n; i++) y[i] = m.softplus(x[i]!, alpha, beta); return;
    case "softplusGrad": for (let i = 0; i < n; i++) y[i] = m.softplusGrad(x[i]!, alpha, beta); return;
    case "logSigmoid": for (let i = 0; i < n; i++) y[i] = m.logSigmoid(x[i]!); return;
    default:
      throw unknownOp("unary kernel", op satisfies never);
  }
}

/** out = alpha·x + beta·y; each product is rounded to out's precision before the sum. */
export function axpbyKernel(alpha: number, x: FloatArray, beta: number, y: FloatArray, out: FloatArray): void {
  const n = out.length;
  if (out instanceof Float32Array) {
    const a = Math.fround(alpha);
    const b = Math.fround(beta);
    for (let i = 0; i < n; i++) out[i] = Math.fround(a * x[i]!) + Math.fround(b * y[i]!);
    return;
  }
  for (let i = 0; i < n; i++) out[i] = alpha * x[i]! + beta * y[i]!;
}

export function clampKernel(x: FloatArray, lo: number, hi: number, y: FloatArray): void {
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    y[i] = v < lo ? lo : v > hi ? hi : v;
  }
}

/**
 * out = a op b element-wise. `strideA`/`strideB` are 1 (contiguous) or 0 (a repeated scalar):
 * every other broadcast was materialised by the caller.
 */
export function binaryKernel(op: BinaryOp, a: FloatArray, offA: number, strideA: number, b: FloatArray, offB: number, strideB: number, out: FloatArray): void {
  const n = out.length;
  let ia = offA;
  let ib = offB;
  switch (op) {
    case "add":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! + b[ib]!;
      return;
    case "sub":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! - b[ib]!;
      return;
    case "mul":
      // an int32 product can pass 2⁵³, where doubles round before the store wraps: Math.imul wraps exactly
      if (out instanceof Int32Array) for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = Math.imul(a[ia]!, b[ib]!);
      else for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! * b[ib]!;
      return;
    case "div":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! / b[ib]!;
      return;
    case "pow":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = powC(a[ia]!, b[ib]!);
      return;
    case "maximum":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) {
        const u = a[ia]!;
        const v = b[ib]!;
        out[i] = u > v || u !== u ? u : v;
      }
      return;
    case "minimum":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) {
        const u = a[ia]!;
        const v = b[ib]!;
        out[i] = u < v || u !== u ? u : v;
      }
      return;
    case "gt":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! > b[ib]! ? 1 : 0;
      return;
    case "ge":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! >= b[ib]! ? 1 : 0;
      return;
    case "lt":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! < b[ib]! ? 1 : 0;
      return;
    case "le":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! <= b[ib]! ? 1 : 0;
      return;
    case "eq":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! === b[ib]! ? 1 : 0;
      return;
    case "remainder":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = m.remainder(a[ia]!, b[ib]!);
      return;
    case "floorDivide":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = m.floorDivide(a[ia]!, b[ib]!);
      return;
    case "atan2":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = Math.atan2(a[ia]!, b[ib]!);
      return;
    // nonzero is true, NaN included, as in PyTorch
    case "logicalAnd":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! !== 0 && b[ib]! !== 0 ? 1 : 0;
      return;
    case "logicalOr":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! !== 0 || b[ib]! !== 0 ? 1 : 0;
      return;
    case "logicalXor":
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = (a[ia]! !== 0) !== (b[ib]! !== 0) ? 1 : 0;
      return;
    case "reluGrad":
      // a = x, b = dy; a NaN x is not ≤ 0, so dy passes
      for (let i = 0; i < n; i++, ia += strideA, ib += strideB) out[i] = a[ia]! <= 0 ? 0 : b[ib]!;
      return;
    default:
      throw unknownOp("binary kernel", op satisfies never);
  }
}

/**
 * C's pow, which PyTorch uses: 1 ** y = 1 for every y (NaN too) and (−1) ** ±∞ = 1, where
 * JavaScript's Math.pow gives NaN; everything else agrees.
 */
function powC(u: number, v: number): number {
  return u === 1 || (u === -1 && (v === Infinity || v === -Infinity)) ? 1 : Math.pow(u, v);
}

/** Gathers a strided view into a contiguous array (innermost axis in the tight loop). */
export function copyStridedKernel(x: FloatArray, offset: number, strides: readonly number[], shape: readonly number[], out: FloatArray): void {
  const ndim = shape.length;
  const size = out.length;
  if (size === 0) return;
  if (ndim === 0) {
    out[0] = x[offset]!;
    return;
  }
  const last = ndim - 1;
  const innerSize = shape[last]!;
  const innerStride = strides[last]!;
  const counter = new Array<number>(ndim).fill(0);
  let base = offset;
  // a row broadcast along the last axis (an index expanded for gather or scatterAdd, as an
  // embedding's backward makes it): one fill per row, which the engine runs as a block write
  const fillRows = innerStride === 0 && innerSize >= 16;
  for (let o = 0; o < size; o += innerSize) {
    let src = base;
    if (fillRows) out.fill(x[src]!, o, o + innerSize);
    else for (let i = 0; i < innerSize; i++, src += innerStride) out[o + i] = x[src]!;
    // advance the outer counters like an odometer
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      base += strides[d]!;
      if (counter[d]! < shape[d]!) break;
      base -= strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}
