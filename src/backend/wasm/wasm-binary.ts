// Element-wise ops of two operands (or one and a number) on the WebAssembly kernels: strided
// views become at most two loops (wasm-strided.ts), and only the elements each view reaches are
// copied in. A large call over dense operands (or a dense one and one repeated value) runs a
// piece at a time (wasm-chunks.ts), its result written over an operand's buffer too (add_,
// backward's accumulation) where that operand sits at the result's own positions.
import type { BinaryOp, DataRef, StridedRef } from "../backend.js";
import { realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { BINARY_OPS, opcodes } from "../op-table.js";
import { contiguousStrides, filledArray, isContiguous, sizeOf } from "../strides.js";
import { twoLoops } from "./wasm-strided.js";
import { elementBytes, opcode, type WasmContext } from "./wasm-context.js";
import { elementwiseChunk, forEachChunk, part } from "./wasm-chunks.js";

const BINARY = opcodes(BINARY_OPS);

/** Strides of a number operand: 0 on every axis (shared, so a call allocates none). */
const NO_STRIDES: readonly number[] = filledArray(32, 0); // packed, as every strides array (see strides.ts)

/** What makes an irregular view dense: the backend's allocation and strided copy. */
export interface DenseCopier {
  allocate(size: number, dtype: DataRef["dtype"]): DataRef;
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void;
}

/** out = a op b over `shape`; the caller has checked the dtypes (real, out's the same as a's). */
export function wasmBinary(context: WasmContext, copier: DenseCopier, op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
  const code = opcode(BINARY, op, "binary");
  const count = sizeOf(shape); // out's size, by the backend contract
  if (count === 0) return;
  let [left, right] = [a, b];
  let loops = twoLoops(shape, a.strides, b.strides);
  if (loops === null || sparse(a, shape, count) || sparse(b, shape, count)) {
    // three or more axes that do not merge, or a view that skips most of what it spans (a
    // column of a wide matrix, whose span would all be copied in): make the irregular operands
    // dense, then it is one loop; the first goes into `out` itself when neither operand reads it
    // (no temporary)
    const outFree = a.ref !== out && b.ref !== out;
    left = dense(copier, a, shape, count, outFree ? out : null);
    right = dense(copier, b, shape, count, outFree && left.ref !== out && b.ref.dtype === out.dtype ? out : null);
    loops = twoLoops(shape, left.strides, right.strides)!;
  }
  const kernels = context.kernels;
  const dataA = arrayOfReal(left.ref);
  const dataB = arrayOfReal(right.ref);
  const output = overwrittenArray(out);
  if (inPieces(count, loops) && piecewise(output, dataA, left.offset, loops.sa1) && piecewise(output, dataB, right.offset, loops.sb1)) {
    const kernel = out.dtype === "float64" ? kernels.binaryF64 : kernels.binaryF32;
    const { sa1, sb1 } = loops;
    const same = dataA === dataB && left.offset === right.offset && sa1 === sb1;
    return forEachChunk(count, (lo, hi) => {
      const arena = context.begin();
      const ptrA = arena.put(sa1 === 0 ? part(dataA, left.offset, left.offset + 1) : part(dataA, left.offset + lo, left.offset + hi));
      const ptrB = same ? ptrA : arena.put(sb1 === 0 ? part(dataB, right.offset, right.offset + 1) : part(dataB, right.offset + lo, right.offset + hi));
      const ptrOut = arena.allocate((hi - lo) * elementBytes(out.dtype));
      kernel(code, ptrA, 0, sa1, ptrB, 0, sb1, ptrOut, 1, hi - lo);
      arena.take(ptrOut, part(output, lo, hi));
    });
  }
  const arena = context.begin();
  // only the elements each view reaches: a slice of a large tensor must not copy all of it
  const [loA, hiA] = span(left, shape);
  const [loB, hiB] = span(right, shape);
  const shared = dataB === dataA;
  const lo = shared ? Math.min(loA, loB) : loA;
  const ptrA = arena.put(part(dataA, lo, shared ? Math.max(hiA, hiB) : hiA));
  const ptrB = shared ? ptrA : arena.put(part(dataB, loB, hiB));
  const ptrOut = arena.allocate(count * elementBytes(out.dtype));
  const bytes = elementBytes(out.dtype);
  const offsetA = left.offset - lo;
  const offsetB = right.offset - (shared ? lo : loB);
  (out.dtype === "float64" ? kernels.binaryF64 : kernels.binaryF32)(code, ptrA + offsetA * bytes, loops.sa0, loops.sa1, ptrB + offsetB * bytes, loops.sb0, loops.sb1, ptrOut, loops.n0, loops.n1);
  arena.take(ptrOut, part(output, 0, count));
}

/** out = a op s (s op a when `scalarFirst`); the caller has checked the dtypes. */
export function wasmBinaryScalar(context: WasmContext, copier: DenseCopier, op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void {
  const code = opcode(BINARY, op, "binary");
  const count = sizeOf(shape); // out's size, by the backend contract
  if (count === 0) return;
  // the number is read with stride 0 on every axis, as a broadcast operand is
  const zeros = shape.length <= NO_STRIDES.length ? NO_STRIDES : filledArray(shape.length, 0);
  let left = a;
  let loops = twoLoops(shape, a.strides, zeros);
  if (loops === null || sparse(a, shape, count)) {
    left = dense(copier, a, shape, count, a.ref === out ? null : out);
    loops = twoLoops(shape, left.strides, zeros)!;
  }
  const kernels = context.kernels;
  const bytes = elementBytes(out.dtype);
  const kernel = out.dtype === "float64" ? kernels.binaryF64 : kernels.binaryF32;
  const [dataA, output] = [arrayOfReal(left.ref), overwrittenArray(out)];
  if (inPieces(count, loops) && loops.sa1 === 1 && piecewise(output, dataA, left.offset, 1)) {
    return forEachChunk(count, (lo, hi) => {
      const arena = context.begin();
      const ptrA = arena.put(part(dataA, left.offset + lo, left.offset + hi));
      const ptrS = arena.putScalar(s, out.dtype === "float64");
      const ptrOut = arena.allocate((hi - lo) * bytes);
      if (scalarFirst) kernel(code, ptrS, 0, 0, ptrA, 0, 1, ptrOut, 1, hi - lo);
      else kernel(code, ptrA, 0, 1, ptrS, 0, 0, ptrOut, 1, hi - lo);
      arena.take(ptrOut, part(output, lo, hi));
    });
  }
  const arena = context.begin();
  // only the elements the view reaches, as in wasmBinary (a slice of a large tensor)
  const [lo, hi] = span(left, shape);
  const ptrA = arena.put(part(dataA, lo, hi)) + (left.offset - lo) * bytes;
  const ptrS = arena.putScalar(s, out.dtype === "float64");
  const ptrOut = arena.allocate(count * bytes);
  if (scalarFirst) kernel(code, ptrS, 0, 0, ptrA, loops.sa0, loops.sa1, ptrOut, loops.n0, loops.n1);
  else kernel(code, ptrA, loops.sa0, loops.sa1, ptrS, 0, 0, ptrOut, loops.n0, loops.n1);
  arena.take(ptrOut, part(output, 0, count));
}

/**
 * Whether an operand allows the pieces, given the output: one in another buffer always does;
 * one in the output's buffer only at the output's own positions (offset 0, stride 1), as an
 * in-place op has it, since a piece reads its elements before it writes them. A repeated value
 * there would be overwritten by the first piece; other views of the output's buffer run whole,
 * as before (no caller needs them in pieces).
 */
function piecewise(output: ArrayLike<number>, data: ArrayLike<number>, offset: number, stride: number): boolean {
  return data !== output || (offset === 0 && stride === 1);
}

/** Whether a call is one loop over dense operands or repeated values, large enough to run in pieces. */
function inPieces(size: number, loops: { n0: number; sa1: number; sb1: number }): boolean {
  return size >= elementwiseChunk.minimum && loops.n0 === 1 && (loops.sa1 === 0 || loops.sa1 === 1) && (loops.sb1 === 0 || loops.sb1 === 1);
}

/**
 * `view` unchanged if it is dense or one repeated value, else a dense copy: into `into` where
 * given (an element-wise op's output, which reads element i before it writes it), else new.
 */
function dense(copier: DenseCopier, view: StridedRef, shape: readonly number[], count: number, into: DataRef | null): StridedRef {
  if (isContiguous(shape, view.strides) || view.strides.every((s) => s === 0)) return view;
  const copy = into ?? copier.allocate(count, view.ref.dtype);
  copier.copyStrided(view, shape, copy);
  return { ref: copy, offset: 0, strides: contiguousStrides(shape) };
}

/**
 * Whether a view of `count` elements reaches under half of the buffer range it spans (plus a
 * little): then copying only its elements, in a strided copy, costs less than copying its whole
 * span into the arena.
 */
function sparse(view: StridedRef, shape: readonly number[], count: number): boolean {
  const [lo, hi] = span(view, shape);
  return hi - lo > 2 * count + 64;
}

/** The range [lo, hi) of buffer indices a strided view of `shape` reads. */
function span(view: StridedRef, shape: readonly number[]): [number, number] {
  let lo = view.offset;
  let hi = view.offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = (shape[d]! - 1) * view.strides[d]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi + 1];
}
