// 2-D pooling (average and friends, max with its indices, and max's gradient) on the
// WebAssembly kernels.
import type { DataRef, PoolOp, WindowSpec } from "../backend.js";
import { arrayOf, realArrayOf as arrayOfReal } from "../js-buffer.js";
import { POOL_OPS, opcodes } from "../op-table.js";
import { elementBytes, opcode, sameType, specValues, type WasmContext } from "./wasm-context.js";

const POOL = opcodes(POOL_OPS);

/** A window reduction by `op` (divided by `divisors` where it averages); the caller has checked the dtypes. */
export function wasmPool2d(context: WasmContext, op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
  const code = opcode(POOL, op, "pool2d");
  const arena = context.begin();
  const ptrX = arena.put(arrayOfReal(x));
  const ptrDivisors = arena.put(sameType(divisors, out.dtype));
  const ptrSpec = arena.put(specValues(spec));
  const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
  (out.dtype === "float64" ? context.kernels.pool2dF64 : context.kernels.pool2dF32)(code, ptrX, ptrDivisors, ptrSpec, ptrOut);
  arena.take(ptrOut, arrayOfReal(out));
}

/** Max pooling with the int32 index of each maximum; the caller has checked the dtypes. */
export function wasmMaxPool2d(context: WasmContext, x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void {
  const arena = context.begin();
  const ptrX = arena.put(arrayOfReal(x));
  const ptrSpec = arena.put(specValues(spec));
  const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
  const ptrIndices = arena.allocate(indices.size * 4);
  (x.dtype === "float64" ? context.kernels.maxPool2dF64 : context.kernels.maxPool2dF32)(ptrX, ptrSpec, ptrOut, ptrIndices);
  arena.take(ptrOut, arrayOfReal(out));
  arena.takeInt32(ptrIndices, arrayOf(indices) as Int32Array);
}

/** Max pooling's gradient: dy scattered to the recorded indices; the caller has checked the dtypes. */
export function wasmMaxPool2dGrad(context: WasmContext, dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
  const arena = context.begin();
  const ptrDy = arena.put(arrayOfReal(dy));
  const ptrIndices = arena.putInt32(arrayOf(indices) as Int32Array);
  const ptrSpec = arena.put(specValues(spec));
  const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
  (out.dtype === "float64" ? context.kernels.maxPool2dGradF64 : context.kernels.maxPool2dGradF32)(ptrDy, ptrIndices, ptrSpec, ptrOut);
  arena.take(ptrOut, arrayOfReal(out));
}
