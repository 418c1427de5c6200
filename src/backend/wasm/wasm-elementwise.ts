// Element-wise ops of one dense operand (unary ops, clamp) and of two of one size (axpby) on the
// WebAssembly kernels: each copies its operands in and computes in place, since element i of the
// result depends on element i alone, then copies the result out.
import type { DataRef, UnaryOp } from "../backend.js";
import { realArrayOf as arrayOfReal } from "../js-buffer.js";
import { UNARY_OPS, opcodes } from "../op-table.js";
import { opcode, type WasmContext } from "./wasm-context.js";

const UNARY = opcodes(UNARY_OPS);

/** out = op(x) with op's parameters `alpha` and `beta`; the caller has checked the dtypes (real). */
export function wasmUnary(context: WasmContext, op: UnaryOp, x: DataRef, out: DataRef, alpha: number, beta: number): void {
  const code = opcode(UNARY, op, "unary");
  const arena = context.begin();
  const ptr = arena.put(arrayOfReal(x)); // element-wise in order, so the result may overwrite x
  (out.dtype === "float64" ? context.kernels.unaryF64 : context.kernels.unaryF32)(code, ptr, ptr, out.size, alpha, beta);
  arena.take(ptr, arrayOfReal(out));
}

/** out = clamp(x, lo, hi); the caller has checked the dtype (real). */
export function wasmClamp(context: WasmContext, x: DataRef, lo: number, hi: number, out: DataRef): void {
  const arena = context.begin();
  const ptr = arena.put(arrayOfReal(x));
  (out.dtype === "float64" ? context.kernels.clampF64 : context.kernels.clampF32)(ptr, lo, hi, ptr, out.size);
  arena.take(ptr, arrayOfReal(out));
}

/** out = alpha·x + beta·y (y may be x: copied in once); the caller has checked the dtype (real). */
export function wasmAxpby(context: WasmContext, alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
  const arena = context.begin();
  const ptrX = arena.put(arrayOfReal(x));
  const ptrY = arrayOfReal(y) === arrayOfReal(x) ? ptrX : arena.put(arrayOfReal(y));
  (out.dtype === "float64" ? context.kernels.axpbyF64 : context.kernels.axpbyF32)(alpha, ptrX, beta, ptrY, ptrX, out.size);
  arena.take(ptrX, arrayOfReal(out));
}
