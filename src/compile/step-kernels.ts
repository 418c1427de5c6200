/**
 * The WebAssembly calls the eager in-place ops (ops/in-place.ts) and element-wise ops make on
 * the wasm backend, made at plan addresses instead: the same kernel, op code, loops and scalar
 * (a number reaches a float32 kernel rounded to float32, as the backend's arena hands it over),
 * on dense buffers of one parameter's shape. The backend copies each operand into its scratch
 * arena, computes there and copies the result back; these compute where the plan keeps the
 * buffers, so an optimizer step built from them gives eager's bits without a copy.
 *
 * Every address names a dense buffer of `p`'s shape and dtype (float32 or float64, more than
 * a handful of elements: the backend runs TypeScript kernels otherwise, and so must the caller).
 */
import type { BinaryOp, UnaryOp } from "../backend/backend.js";
import { BINARY_OPS, UNARY_OPS, opcodes } from "../backend/op-table.js";
import { twoLoops, type TwoLoops } from "../backend/wasm/wasm-strided.js";
import type { Tensor } from "../tensor/tensor.js";
import type { StepContext } from "./wasm-executor.js";

const BINARY = opcodes(BINARY_OPS);
const UNARY = opcodes(UNARY_OPS);

/** Eager ops' kernel calls over buffers of a parameter's shape, at plan addresses. */
export interface StepKernels {
  /** out ← x op s: `binaryScalar` (a tensor op a number). */
  scalar(op: BinaryOp, p: Tensor, x: number, s: number, out: number): void;
  /** out ← x op y: `binary` of two dense operands. */
  binary(op: BinaryOp, p: Tensor, x: number, y: number, out: number): void;
  /** out ← op(x): `unary` (sqrt, neg). */
  unary(op: UnaryOp, p: Tensor, x: number, out: number): void;
  /** out ← α·x + β·y: `axpby` (scaleAddInPlace, add_ with an alpha). */
  axpby(p: Tensor, alpha: number, x: number, beta: number, y: number, out: number): void;
  /** target ← target + value·(a op b) as addcmul_/addcdiv_ make it, value·a first, in `temporary`. */
  addcInPlace(op: "mul" | "div", p: Tensor, target: number, a: number, b: number, value: number, temporary: number): void;
  /** target ← target + alpha·other as add_ makes it: one axpby, or a plain add where alpha is 1. */
  addInPlace(p: Tensor, target: number, other: number, alpha: number): void;
}

/** The kernel calls over `context`'s plan memory, with one scalar slot reserved there. */
export function stepKernels(context: StepContext): StepKernels {
  const { k, memory } = context;
  const scalarAt = context.scalar();
  const scalarF32 = new Float32Array(memory.buffer, scalarAt, 1);
  const scalarF64 = new Float64Array(memory.buffer, scalarAt, 1);
  // the loops the backend's binary kernels take over each parameter's shape (dense operands)
  const loopsOf = new Map<Tensor, { scalar: TwoLoops; dense: TwoLoops }>();
  const loops = (p: Tensor): { scalar: TwoLoops; dense: TwoLoops } => {
    let found = loopsOf.get(p);
    if (found === undefined) loopsOf.set(p, (found = { scalar: twoLoops(p.shape, p.strides, p.shape.map(() => 0))!, dense: twoLoops(p.shape, p.strides, p.strides)! }));
    return found;
  };
  const scalar = (op: BinaryOp, p: Tensor, x: number, s: number, out: number): void => {
    const { scalar: l } = loops(p);
    if (p.dtype === "float64") scalarF64[0] = s;
    else scalarF32[0] = s;
    (p.dtype === "float64" ? k.binaryF64 : k.binaryF32)(BINARY[op], x, l.sa0, l.sa1, scalarAt, 0, 0, out, l.n0, l.n1);
  };
  const binary = (op: BinaryOp, p: Tensor, x: number, y: number, out: number): void => {
    const { dense: l } = loops(p);
    (p.dtype === "float64" ? k.binaryF64 : k.binaryF32)(BINARY[op], x, l.sa0, l.sa1, y, l.sb0, l.sb1, out, l.n0, l.n1);
  };
  const axpby = (p: Tensor, alpha: number, x: number, beta: number, y: number, out: number): void => {
    (p.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(alpha, x, beta, y, out, p.size);
  };
  return {
    scalar,
    binary,
    unary: (op, p, x, out) => (p.dtype === "float64" ? k.unaryF64 : k.unaryF32)(UNARY[op], x, out, p.size, 0, 0),
    axpby,
    addcInPlace: (op, p, target, a, b, value, temporary) => {
      // scaledTemporary: value·a (or a op b where value is 1) into the temporary, then op b, then the add
      if (value === 1) binary(op, p, a, b, temporary);
      else {
        scalar("mul", p, a, value, temporary);
        binary(op, p, temporary, b, temporary);
      }
      binary("add", p, target, temporary, target);
    },
    addInPlace: (p, target, other, alpha) => (alpha === 1 ? binary("add", p, target, other, target) : axpby(p, 1, target, alpha, other, target)),
  };
}
