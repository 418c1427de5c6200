// The ops of a generated group (wasm-codegen.ts) that are calls of the kernel instance's own
// unary and binary exports (exp, log, erf, tanh, gelu, pow …: the ops whose vector and scalar
// forms do not round alike inline): the imports a generated module takes, and the call of one op
// over a block, its arguments as the interpreter (assembly/fused.ts) passes them.
import { BINARY_OPS, UNARY_OPS, opcodes, type BinaryOp, type UnaryOp } from "../backend/op-table.js";
import type { Access, FusedOp } from "./fuse.js";
import { OP, VALUE, type Code, type ImportedFunction, type ValueType } from "./wasm-binary.js";

const UNARY = opcodes(UNARY_OPS);
const BINARY = opcodes(BINARY_OPS);

/** The kernel exports a generated module imports, in import order (indices of `call`). */
export const KERNEL_IMPORTS: readonly ImportedFunction[] = [
  { module: "kernels", name: "unaryF32", params: [VALUE.i32, VALUE.i32, VALUE.i32, VALUE.i32, VALUE.f64, VALUE.f64], results: [] },
  { module: "kernels", name: "unaryF64", params: [VALUE.i32, VALUE.i32, VALUE.i32, VALUE.i32, VALUE.f64, VALUE.f64], results: [] },
  { module: "kernels", name: "binaryF32", params: Array<ValueType>(10).fill(VALUE.i32), results: [] },
  { module: "kernels", name: "binaryF64", params: Array<ValueType>(10).fill(VALUE.i32), results: [] },
];

/** How the caller pushes a called op's addresses at the block's start (an operand's, the output's) and the block's element count. */
export interface CallSite {
  readonly at: (x: Access) => void;
  readonly out: () => void;
  readonly elements: () => void;
}

/** Calls the kernel's unary or binary export for `op` over the block, as the interpreter calls it; `operands` are op's, normalised. */
export function emitKernelCall(c: Code, op: FusedOp, operands: readonly Access[], f64: boolean, site: CallSite): void {
  if (op.kind === "unary") {
    c.op(OP.i32Const).i32(UNARY[op.op as UnaryOp]);
    site.at(op.a);
    site.out();
    site.elements();
    c.op(OP.f64Const).float(op.alpha, 8).op(OP.f64Const).float(op.beta, 8).op(OP.call).u32(f64 ? 1 : 0);
    return;
  }
  const [a, b] = operands as [Access, Access];
  const stride = (x: Access): number => (x.kind === "dense" ? 1 : 0);
  c.op(OP.i32Const).i32(BINARY[op.op as BinaryOp]);
  site.at(a);
  c.op(OP.i32Const).i32(0).op(OP.i32Const).i32(stride(a));
  site.at(b);
  c.op(OP.i32Const).i32(0).op(OP.i32Const).i32(stride(b));
  site.out();
  c.op(OP.i32Const).i32(1);
  site.elements();
  c.op(OP.call).u32(f64 ? 3 : 2);
}
