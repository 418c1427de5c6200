/**
 * The wasm executor's side of element-wise fusion ({@link elementwiseGroups}): which
 * instructions it takes, and a group as one call of the kernels' blocked interpreter
 * (assembly/fused.ts), its program written once into the plan's memory. The interpreter runs
 * each instruction with the same code the separate kernel calls would run, so results match
 * eager mode bit for bit.
 */
import { BINARY_OPS, UNARY_OPS, opcodes, type BinaryOp, type UnaryOp } from "../backend/op-table.js";
import { SMALL } from "../backend/wasm/wasm-backend.js";
import type { Access, FusedGroup, FusedOp } from "./fuse.js";
import type { StepContext } from "./wasm-executor.js";
import { kernelStep } from "./kernel-call.js";

const UNARY = opcodes(UNARY_OPS);
const BINARY = opcodes(BINARY_OPS);

/** Bytes of one instruction (assembly/fused.ts FUSED_INSTRUCTION_BYTES). */
export const INSTRUCTION_BYTES = 64;
const KIND = { unary: 0, binary: 1, clamp: 2, axpby: 3 } as const;
/** A binary op with a broadcast of long rows: the interpreter runs it as rows (assembly/fused.ts BINARY_ROWS). */
const BINARY_ROWS = 4;
/** Rows at least this long are read in place by the binary kernel's two loops; shorter ones are expanded. */
const LONG_ROW = 8;
const MODE = { dense: 0, scalar: 1, mod: 2, div: 3, constant: 1 } as const;

/**
 * What the interpreter runs as eager mode would: real dtypes above the size where the backend
 * switches to TypeScript loops (which round in f64), and no maximum/minimum (their vector and
 * scalar forms order ±0 differently, and fusing changes which elements take which form).
 */
export function fusedAccepts(op: FusedOp): boolean {
  if (op.out.size <= SMALL || (op.out.dtype !== "float32" && op.out.dtype !== "float64")) return false;
  if (op.kind === "binary") return op.op !== "maximum" && op.op !== "minimum" && BINARY[op.op as BinaryOp] !== undefined;
  if (op.kind === "unary") return UNARY[op.op as UnaryOp] !== undefined;
  return true;
}

/** Whether a binary op's broadcast operands are rows of one length c ≥ LONG_ROW. */
function longRows(op: FusedOp): boolean {
  const lengths = new Set([op.a, op.b].flatMap((x) => (x !== null && (x.kind === "mod" || x.kind === "div") ? [x.c] : [])));
  return lengths.size === 1 && [...lengths][0]! >= LONG_ROW;
}

/**
 * Whether a run is worth a fused call: two calls or more, or one whose broadcast of short rows
 * the binary kernel would walk row by row (a bias of two classes).
 */
export function fusedWorth(ops: readonly FusedOp[]): boolean {
  if (ops.length >= 2) return true;
  const op = ops[0]!;
  return op.kind === "binary" && [op.a, op.b].some((x) => x !== null && (x.kind === "mod" || x.kind === "div") && x.c < LONG_ROW);
}

/** Writes `group`'s program at `program` and returns the call that runs it. */
export function fusedStep(group: FusedGroup, program: number, context: StepContext): () => void {
  writeFusedProgram(group, program, context);
  const kernel = group.dtype === "float64" ? "fusedF64" : "fusedF32";
  return kernelStep(context.k, { kernel, args: [program, group.ops.length, group.size, context.fusedScratch] });
}

/** Writes `group`'s instructions at `program` (ops.length · INSTRUCTION_BYTES bytes of the plan's memory). */
function writeFusedProgram(group: FusedGroup, program: number, context: StepContext): void {
  const { ptr, memory } = context;
  const words = new Int32Array(memory.buffer, program, (group.ops.length * INSTRUCTION_BYTES) / 4);
  const reals = new Float64Array(memory.buffer, program, (group.ops.length * INSTRUCTION_BYTES) / 8);
  const bytes = group.dtype === "float64" ? 8 : 4;
  const place = (operand: Access): [number, number, number] => {
    if (operand.kind === "constant") {
      const at = context.scalar();
      if (bytes === 8) new Float64Array(memory.buffer, at, 1)[0] = operand.value;
      else new Float32Array(memory.buffer, at, 1)[0] = operand.value;
      return [at, MODE.constant, 1];
    }
    return [ptr(operand.ref) + operand.offset * bytes, MODE[operand.kind], operand.c];
  };
  group.ops.forEach((op, s) => {
    const w = (s * INSTRUCTION_BYTES) / 4;
    words[w] = op.kind === "binary" && longRows(op) ? BINARY_ROWS : KIND[op.kind];
    words[w + 1] = op.kind === "unary" ? UNARY[op.op as UnaryOp] : op.kind === "binary" ? BINARY[op.op as BinaryOp] : 0;
    words[w + 2] = ptr(op.out);
    [words[w + 3]!, words[w + 4]!, words[w + 5]!] = place(op.a);
    if (op.b !== null) [words[w + 6]!, words[w + 7]!, words[w + 8]!] = place(op.b);
    reals[(s * INSTRUCTION_BYTES) / 8 + 5] = op.alpha;
    reals[(s * INSTRUCTION_BYTES) / 8 + 6] = op.beta;
  });
}
