import type { BinaryOp, UnaryOp } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";

// One loop per op, with the switch outside the loop: V8 keeps each loop monomorphic and free of
// closure calls.

export function unaryKernel(op: UnaryOp, x: FloatArray, y: FloatArray): void {
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
        y[i] = v > 0 ? 1 : v < 0 ? -1 : 0; // NaN and ±0 give 0, as PyTorch 1.13's sign
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
  for (let o = 0; o < size; o += innerSize) {
    let src = base;
    for (let i = 0; i < innerSize; i++, src += innerStride) out[o + i] = x[src]!;
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
