// Reductions along the middle axis of a contiguous [outer, axisSize, inner] buffer on the
// WebAssembly kernels: sums and extrema (reduce), the index of the maximum (argmax), and softmax
// with its gradients, which reduce each slice and then write it whole; log-sum-exp is composed
// of the backend's own passes.
import type { Backend, DataRef, ReduceOp, SoftmaxOp } from "../backend.js";
import { arrayOf, realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { REDUCE_OPS, SOFTMAX_OPS, opcodes } from "../op-table.js";
import { forEachSlices, part } from "./wasm-chunks.js";
import { softmaxSliceUnit } from "./wasm-threads.js";
import { elementBytes, opcode, type WasmContext } from "./wasm-context.js";

const REDUCE = opcodes(REDUCE_OPS);
const SOFTMAX = opcodes(SOFTMAX_OPS);

/** out [outer, inner] = op over the axis; the caller has checked the dtype (real). */
export function wasmReduce(context: WasmContext, op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
  const code = opcode(REDUCE, op, "reduce");
  const kernel = out.dtype === "float64" ? context.kernels.reduceF64 : context.kernels.reduceF32;
  const [input, output] = [arrayOfReal(x), overwrittenArray(out)];
  const slice = axisSize * inner;
  // outer slices a piece at a time where large (wasm-chunks.ts): each is reduced on its own
  forEachSlices(outer, slice, (first, end) => {
    const arena = context.begin();
    const ptrX = arena.put(part(input, first * slice, end * slice));
    const ptrOut = arena.allocate((end - first) * inner * elementBytes(out.dtype));
    const row = arena.allocate(inner * 8);
    kernel(code, ptrX, end - first, axisSize, inner, ptrOut, row);
    arena.take(ptrOut, part(output, first * inner, end * inner));
  });
}

/** out [outer, inner] = the index of the first maximum along the axis; the caller has checked the dtypes (real). */
export function wasmArgmax(context: WasmContext, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
  const arena = context.begin();
  const ptrX = arena.put(arrayOfReal(x));
  const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
  const f64Out = out.dtype === "float64";
  const k = context.kernels;
  const kernel = x.dtype === "float64" ? (f64Out ? k.argmaxF64F64 : k.argmaxF64F32) : f64Out ? k.argmaxF32F64 : k.argmaxF32F32;
  kernel(ptrX, outer, axisSize, inner, ptrOut);
  arena.take(ptrOut, arrayOfReal(out));
}

/** Softmax, log-softmax or their gradients (Backend.softmax); the caller has checked the dtypes (real, alike). */
export function wasmSoftmax(context: WasmContext, op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal: number): void {
  const code = opcode(SOFTMAX, op, "softmax");
  const kernel = out.dtype === "float64" ? context.kernels.softmaxF64 : context.kernels.softmaxF32;
  const [input, gradient, output] = [arrayOfReal(x), dy === null ? null : arrayOfReal(dy), overwrittenArray(out)];
  const slice = axisSize * inner;
  // outer slices a piece at a time where large (wasm-chunks.ts), in the units compile's threaded
  // softmax splits them into (softmaxSliceUnit), so every row is computed alike
  forEachSlices(outer, slice, (first, end) => {
    const arena = context.begin();
    const ptrX = arena.put(part(input, first * slice, end * slice));
    const ptrDy = gradient === null ? 0 : arena.put(part(gradient, first * slice, end * slice));
    // each slice is read whole before its results are written: the output may overwrite x
    kernel(code, ptrX, ptrDy, end - first, axisSize, inner, ptrX, causal);
    arena.take(ptrX, part(output, first * slice, end * slice));
  }, softmaxSliceUnit(causal));
}

/**
 * log-sum-exp as four passes of `backend`'s kernels (max, x − max, exp, sum): the SIMD exp there
 * is several times faster than Math.exp, which dominates the one-pass TypeScript kernel. The
 * caller has checked that x is real and its axis not empty.
 */
export function wasmLogsumexp(backend: Pick<Backend, "allocate" | "reduce" | "binary" | "unary">, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
  const max = backend.allocate(outer * inner, x.dtype);
  backend.reduce("max", x, outer, axisSize, inner, max);
  const shifted = backend.allocate(x.size, x.dtype);
  const view = { ref: x, offset: 0, strides: [axisSize * inner, inner, 1] };
  const maxView = { ref: max, offset: 0, strides: [inner, 0, 1] }; // the maximum repeated along the axis
  backend.binary("sub", view, maxView, [outer, axisSize, inner], shifted);
  backend.unary("exp", shifted, shifted);
  backend.reduce("sum", shifted, outer, axisSize, inner, out);
  const m = arrayOf(max);
  const result = arrayOf(out);
  for (let i = 0; i < result.length; i++) {
    const mi = m[i]!;
    // all −∞: the answer is −∞; a +∞ or NaN maximum is the answer (x − m is NaN there)
    result[i] = mi === -Infinity || mi === Infinity || mi !== mi ? mi : mi + Math.log(result[i]!);
  }
}
