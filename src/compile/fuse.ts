/**
 * Element-wise fusion of a {@link Plan}: runs of consecutive kernel calls that each compute one
 * value per element over the same element count (unary ops, binary ops with dense, scalar or
 * broadcast-row/column operands, clamp, axpby, a sum or max over an axis of size 1) become one
 * group, which an executor can run in a single pass, block by block, instead of one full pass
 * per call. Backend-neutral: it only reads the plan; each executor decides which groups to take
 * and how to run them (the wasm executor's interpreter, a device backend's generated kernel).
 *
 * A group is safe to run block by block when every buffer that one of its calls writes is read
 * inside the group only densely from its start (element i where element i was written): then
 * no call reads an element that an earlier call of the group writes in a later block. Buffers
 * read through a broadcast are written by no call of the group. The memory plan must also keep
 * every buffer the group touches alive across the whole group (see {@link planLayout}'s spans).
 */
import type { DataRef, StridedRef } from "../backend/backend.js";
import type { DType } from "../tensor/dtype.js";
import { twoLoops } from "../backend/wasm/wasm-strided.js";
import { refOf } from "./memory-plan.js";
import type { Plan } from "./plan.js";

/**
 * How an operand is read at element i: dense x[offset + i], scalar x[offset] (or a host
 * number `value`), mod x[offset + i % c] (a row repeated down a matrix), div x[offset + ⌊i/c⌋]
 * (one value per row, repeated along it).
 */
export type Access =
  | { readonly kind: "dense" | "scalar" | "mod" | "div"; readonly ref: DataRef; readonly offset: number; readonly c: number }
  | { readonly kind: "constant"; readonly value: number };

/** One call of a group, as an element-wise instruction. */
export interface FusedOp {
  readonly kind: "unary" | "binary" | "clamp" | "axpby";
  /** The unary or binary op's name (op-table.ts); "" for clamp and axpby. */
  readonly op: string;
  readonly out: DataRef;
  readonly a: Access;
  readonly b: Access | null;
  /** unary: the op's parameters; clamp: lo, hi; axpby: α, β. */
  readonly alpha: number;
  readonly beta: number;
  /** The plan node it replaces. */
  readonly node: number;
}

/** Consecutive plan nodes [start, end) that run as one pass over `size` elements of `dtype`. */
export interface FusedGroup {
  readonly start: number;
  readonly end: number;
  readonly size: number;
  readonly dtype: DType;
  readonly ops: readonly FusedOp[];
}

/** A dense view of a whole buffer from element 0. */
function dense(ref: DataRef): Access {
  return { kind: "dense", ref, offset: 0, c: 1 };
}

/** A strided operand of an element-wise op over `shape`, as one of the four access kinds, or null. */
function access(view: StridedRef, shape: readonly number[]): Access | null {
  const loops = twoLoops(shape, view.strides, view.strides);
  if (loops === null) return null;
  const { n0, n1, sa0, sa1 } = loops;
  const at = { ref: view.ref, offset: view.offset };
  if (n0 === 1) {
    if (sa1 === 1 || n1 === 1) return { kind: "dense", ...at, c: 1 };
    return sa1 === 0 ? { kind: "scalar", ...at, c: 1 } : null;
  }
  if (sa0 === 0 && sa1 === 0) return { kind: "scalar", ...at, c: 1 };
  if (sa0 === 0 && sa1 === 1) return { kind: "mod", ...at, c: n1 };
  if (sa0 === 1 && sa1 === 0) return { kind: "div", ...at, c: n1 };
  return null;
}

/** The element-wise instruction a kernel node computes, or null when it is not one. */
export function fusedOpOf(name: string, args: readonly unknown[], node: number): FusedOp | null {
  switch (name) {
    case "unary": {
      const [op, x, out, alpha = 0, beta = 0] = args as [string, DataRef, DataRef, number?, number?];
      if (x.size !== out.size) return null;
      return { kind: "unary", op, out, a: dense(x), b: null, alpha, beta, node };
    }
    case "clamp": {
      const [x, lo, hi, out] = args as [DataRef, number, number, DataRef];
      if (x.size !== out.size) return null;
      return { kind: "clamp", op: "", out, a: dense(x), b: null, alpha: lo, beta: hi, node };
    }
    case "axpby": {
      const [alpha, x, beta, y, out] = args as [number, DataRef, number, DataRef, DataRef];
      if (x.size !== out.size || y.size !== out.size) return null;
      return { kind: "axpby", op: "", out, a: dense(x), b: dense(y), alpha, beta, node };
    }
    case "binary":
    case "binaryScalar": {
      const scalar = name === "binaryScalar";
      const [op, a, second, third, fourth, fifth] = args as [string, StridedRef, StridedRef | number, unknown, unknown, unknown];
      const shape = (scalar ? fourth : third) as readonly number[];
      const out = (scalar ? fifth : fourth) as DataRef;
      if (shape.reduce((n, d) => n * d, 1) !== out.size) return null;
      const x = access(a, shape);
      const y: Access | null = scalar ? { kind: "constant", value: second as number } : access(second as StridedRef, shape);
      if (x === null || y === null) return null;
      // binaryScalar(op, a, value, reversed): value op a when reversed
      const [first, other] = scalar && (third as boolean) ? [y, x] : [x, y];
      return { kind: "binary", op, out, a: first, b: other, alpha: 0, beta: 0, node };
    }
    case "copyStrided": {
      // a copy through a view (a broadcast, a gradient spread over a sum): x·1 is x exactly
      const [x, shape, out] = args as [StridedRef, readonly number[], DataRef];
      const read = shape.reduce((n, d) => n * d, 1) === out.size ? access(x, shape) : null;
      return read === null ? null : { kind: "binary", op: "mul", out, a: read, b: { kind: "constant", value: 1 }, alpha: 0, beta: 0, node };
    }
    case "reduce": {
      // over an axis of size 1: a sum is x + 0 (f64 0 + x rounds back to x, −0 to +0), a max is x
      const [op, x, , axisSize, , out] = args as [string, DataRef, number, number, number, DataRef];
      if (axisSize !== 1 || x.size !== out.size) return null;
      if (op === "sum") return { kind: "binary", op: "add", out, a: dense(x), b: { kind: "constant", value: 0 }, alpha: 0, beta: 0, node };
      if (op === "max") return { kind: "clamp", op: "", out, a: dense(x), b: null, alpha: -Infinity, beta: Infinity, node };
      return null;
    }
    default:
      return null;
  }
}

function accessRefs(op: FusedOp): Access[] {
  return op.b === null ? [op.a] : [op.a, op.b];
}

/** Whether every buffer the ops write is read inside them only densely from element 0, at full size. */
function blockSafe(ops: readonly FusedOp[], size: number): boolean {
  const written = new Set<DataRef>(ops.map((op) => op.out));
  for (const op of ops) {
    if (op.out.size !== size) return false;
    for (const operand of accessRefs(op)) {
      if (operand.kind === "constant" || !written.has(operand.ref)) continue;
      if (operand.kind !== "dense" || operand.offset !== 0 || operand.ref.size !== size) return false;
    }
  }
  return true;
}

/**
 * The groups of `plan` worth fusing (by default two calls or more), in node order. `accepts`
 * says which instructions the executor can run fused (dtypes, sizes, ops whose fused form
 * rounds as eager); `worth`, which runs are worth a fused call.
 */
export function elementwiseGroups(plan: Plan, accepts: (op: FusedOp) => boolean, worth: (ops: readonly FusedOp[]) => boolean = (ops) => ops.length >= 2): FusedGroup[] {
  const groups: FusedGroup[] = [];
  let run: FusedOp[] = [];
  const close = (): void => {
    if (run.length > 0 && worth(run)) {
      const first = run[0]!;
      groups.push({ start: first.node, end: run[run.length - 1]!.node + 1, size: first.out.size, dtype: first.out.dtype, ops: run });
    }
    run = [];
  };
  plan.nodes.forEach((node, index) => {
    const op = node.kind === "kernel" && node.indexCheck === undefined ? fusedOpOf(node.name, node.args, index) : null;
    if (op === null || !accepts(op) || !sameDtype(op)) return close();
    const candidate = [...run, op];
    if (run.length > 0 && (op.out.size !== run[0]!.out.size || op.out.dtype !== run[0]!.out.dtype || !blockSafe(candidate, op.out.size))) {
      close();
      if (blockSafe([op], op.out.size)) run = [op];
      return;
    }
    if (blockSafe(candidate, op.out.size)) run = candidate;
    else close();
  });
  close();
  return groups;
}

function sameDtype(op: FusedOp): boolean {
  return accessRefs(op).every((operand) => operand.kind === "constant" || refOf(operand.ref)!.dtype === op.out.dtype);
}
