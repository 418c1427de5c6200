// Element-wise ops of one dense operand (unary ops, clamp) and of two of one size (axpby) on the
// WebAssembly kernels: each copies its operands in and computes in place, since element i of the
// result depends on element i alone, then copies the result out; large ones a piece at a time
// (wasm-chunks.ts). A piece reads its elements before it writes them, so `out` may be `x` or `y`.
import type { DataRef, UnaryOp } from "../backend.js";
import { realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { UNARY_OPS, opcodes } from "../op-table.js";
import { opcode, type WasmContext } from "./wasm-context.js";
import { forEachChunk, part } from "./wasm-chunks.js";

const UNARY = opcodes(UNARY_OPS);

/** out = op(x) with op's parameters `alpha` and `beta`; the caller has checked the dtypes (real). */
export function wasmUnary(context: WasmContext, op: UnaryOp, x: DataRef, out: DataRef, alpha: number, beta: number): void {
  const code = opcode(UNARY, op, "unary");
  const kernel = out.dtype === "float64" ? context.kernels.unaryF64 : context.kernels.unaryF32;
  const [input, output] = [arrayOfReal(x), overwrittenArray(out)];
  forEachChunk(out.size, (lo, hi) => {
    const arena = context.begin();
    const ptr = arena.put(part(input, lo, hi)); // element-wise in order, so the result may overwrite x
    kernel(code, ptr, ptr, hi - lo, alpha, beta);
    arena.take(ptr, part(output, lo, hi));
  });
}

/** out = clamp(x, lo, hi); the caller has checked the dtype (real). */
export function wasmClamp(context: WasmContext, x: DataRef, lo: number, hi: number, out: DataRef): void {
  const kernel = out.dtype === "float64" ? context.kernels.clampF64 : context.kernels.clampF32;
  const [input, output] = [arrayOfReal(x), overwrittenArray(out)];
  forEachChunk(out.size, (from, to) => {
    const arena = context.begin();
    const ptr = arena.put(part(input, from, to));
    kernel(ptr, lo, hi, ptr, to - from);
    arena.take(ptr, part(output, from, to));
  });
}

/** out = alpha·x + beta·y (y may be x: copied in once); the caller has checked the dtype (real). */
export function wasmAxpby(context: WasmContext, alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
  const kernel = out.dtype === "float64" ? context.kernels.axpbyF64 : context.kernels.axpbyF32;
  const [dataX, dataY, output] = [arrayOfReal(x), arrayOfReal(y), overwrittenArray(out)];
  forEachChunk(out.size, (lo, hi) => {
    const arena = context.begin();
    const ptrX = arena.put(part(dataX, lo, hi));
    const ptrY = dataY === dataX ? ptrX : arena.put(part(dataY, lo, hi));
    kernel(alpha, ptrX, beta, ptrY, ptrX, hi - lo);
    arena.take(ptrX, part(output, lo, hi));
  });
}
