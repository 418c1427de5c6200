/**
 * Run-time code generation for fused element-wise groups (fuse.ts): each group becomes one
 * WebAssembly function with its addresses and constants baked in, which computes the group's
 * ops element by element (SIMD, f32x4 or f64x2), keeping each op's value in a local for the
 * ops after it instead of reading it back from memory. Every op still stores its whole output,
 * as the interpreter (assembly/fused.ts) does.
 *
 * Bit-identical to the interpreter: the ops generated inline are the ones whose vector and
 * scalar forms round alike (add, sub, mul, div, comparisons, logical ops, neg, abs, sqrt, relu,
 * step, reciprocal, rounding, clamp, axpby), written with the same operations in the same order
 * as the kernels' (the scalar tail promotes to f64 where scalar-unary.ts's path does).
 * Every other op (exp, log, erf, tanh, gelu, pow …) is a call of the kernel instance's own
 * unary or binary export over a block of the group, as the interpreter makes it: then the group
 * runs block by block (FUSED_BLOCK elements, a multiple of four, so vector groups of four fall
 * where eager mode's do), and the inline ops between two calls are one loop over the block.
 */
import type { DataRef } from "../backend/backend.js";
import type { Access, FusedGroup, FusedOp } from "./fuse.js";
import { Code, OP, SIMD, VALUE, type DefinedFunction, type ValueType } from "./wasm-binary.js";
import { inline, scalarForm, vectorForm, type Float } from "./wasm-codegen-ops.js";
import { emitKernelCall } from "./wasm-codegen-calls.js";

/** A one-element row is a scalar; one value per one-element row is dense. */
function normalized(access: Access): Access {
  if (access.kind === "mod" && access.c === 1) return { ...access, kind: "scalar" };
  if (access.kind === "div" && access.c === 1) return { ...access, kind: "dense" };
  return access;
}

function operands(op: FusedOp): Access[] {
  return (op.b === null ? [op.a] : [op.a, op.b]).map(normalized);
}

/** Whether {@link groupFunction} can generate `group`: a called op reads no broadcast rows (the interpreter expands those). */
export function generatable(group: FusedGroup): boolean {
  return group.ops.every((op) => inline(op) || operands(op).every((x) => x.kind !== "mod" && x.kind !== "div"));
}

/** Where the group's buffers are, and a place in memory for a called op's constant operand. */
export interface GroupPlacement {
  readonly ptr: (ref: DataRef) => number;
  readonly constantAt: (value: number) => number;
  /** Elements per block where the group calls a kernel (the interpreter's FUSED_BLOCK). */
  readonly block: number;
}

/** The function computing `group`, exported as `name`. */
export function groupFunction(group: FusedGroup, name: string, placement: GroupPlacement): DefinedFunction {
  return new GroupEmitter(group, placement).function(name);
}

/** A broadcast operand's read at the current element: its base address, kind and row length. */
interface Broadcast {
  readonly key: string;
  readonly base: number;
  readonly kind: "mod" | "div";
  readonly c: number;
  readonly vector: number;
  readonly scalar: number;
}

class GroupEmitter {
  private readonly t: Float;
  private readonly bytes: 4 | 8;
  private readonly lanes: number;
  private readonly align: number;
  private readonly locals: ValueType[] = [];
  private readonly code = new Code();
  /** Locals: the block's start and length and the loop's position, in bytes. */
  private readonly start: number;
  private readonly length: number;
  private readonly position: number;
  private readonly vectorEnd: number;
  /** Scalar operands loaded once per call: the value and its splat. */
  private readonly scalars = new Map<string, { scalar: number; vector: number }>();
  /** Per row length c: the position within a row and the row's start, in bytes. */
  private readonly rows = new Map<number, { column: number; row: number; columnCopy: number; rowCopy: number }>();
  private readonly temporaries: { vector: number[]; scalar: number[] };

  constructor(
    private readonly group: FusedGroup,
    private readonly placement: GroupPlacement,
  ) {
    this.t = group.dtype === "float64" ? "f64" : "f32";
    this.bytes = this.t === "f64" ? 8 : 4;
    this.lanes = 16 / this.bytes;
    this.align = this.t === "f64" ? 3 : 2;
    this.start = this.local(VALUE.i32);
    this.length = this.local(VALUE.i32);
    this.position = this.local(VALUE.i32);
    this.vectorEnd = this.local(VALUE.i32);
    this.temporaries = { vector: [this.local(VALUE.v128), this.local(VALUE.v128)], scalar: [this.local(VALUE[this.t]), this.local(VALUE[this.t])] };
  }

  private local(type: ValueType): number {
    return this.locals.push(type) - 1;
  }

  private address(access: Access & { kind: "dense" | "scalar" | "mod" | "div" }): number {
    return this.placement.ptr(access.ref) + access.offset * this.bytes;
  }

  function(name: string): DefinedFunction {
    const c = this.code;
    const ops = this.group.ops;
    // scalar operands: read once per call (the group writes no buffer it reads as a scalar)
    for (const op of ops) {
      for (const x of operands(op)) {
        if (x.kind !== "scalar" || !inline(op)) continue;
        const at = this.address(x);
        if (this.scalars.has(String(at))) continue;
        const scalar = this.local(VALUE[this.t]);
        const vector = this.local(VALUE.v128);
        c.op(OP.i32Const).i32(0).op(this.t === "f64" ? OP.f64Load : OP.f32Load).memarg(this.align, at).op(OP.localTee).u32(scalar);
        c.simd(SIMD[this.t].splat).op(OP.localSet).u32(vector);
        this.scalars.set(String(at), { scalar, vector });
      }
    }
    const calls = ops.some((op) => !inline(op));
    const size = this.group.size * this.bytes;
    const block = (calls ? this.placement.block : this.group.size) * this.bytes;
    // for (start = 0; start < size; start += block) { length = min(block, size − start); segments }
    c.op(OP.i32Const).i32(0).op(OP.localSet).u32(this.start);
    c.op(OP.loop).byte(0x40);
    c.op(OP.i32Const).i32(size).op(OP.localGet).u32(this.start).op(OP.i32Sub).op(OP.localTee).u32(this.length);
    c.op(OP.i32Const).i32(block).op(OP.localGet).u32(this.length).op(OP.i32Const).i32(block).op(OP.i32LtU).op(OP.select).op(OP.localSet).u32(this.length);
    let segment: FusedOp[] = [];
    for (const op of ops) {
      if (inline(op)) segment.push(op);
      else {
        if (segment.length > 0) this.segment(segment);
        segment = [];
        this.call(op);
      }
    }
    if (segment.length > 0) this.segment(segment);
    c.op(OP.localGet).u32(this.start).op(OP.localGet).u32(this.length).op(OP.i32Add).op(OP.localTee).u32(this.start);
    c.op(OP.i32Const).i32(size).op(OP.i32LtU).op(OP.brIf).u32(0).op(OP.end);
    return { name, params: [], results: [], locals: this.locals, body: c };
  }

  /** A called op over the block (wasm-codegen-calls.ts): its operands at the block's start. */
  private call(op: FusedOp): void {
    const c = this.code;
    const at = (x: Access): void => {
      if (x.kind === "constant") c.op(OP.i32Const).i32(this.placement.constantAt(x.value));
      else if (x.kind === "scalar") c.op(OP.i32Const).i32(this.address(x));
      else c.op(OP.i32Const).i32(this.address(x)).op(OP.localGet).u32(this.start).op(OP.i32Add);
    };
    const out = (): void => void c.op(OP.i32Const).i32(this.placement.ptr(op.out)).op(OP.localGet).u32(this.start).op(OP.i32Add);
    const elements = (): void => void c.op(OP.localGet).u32(this.length).op(OP.i32Const).i32(this.align).op(OP.i32ShrU);
    emitKernelCall(c, op, operands(op), this.t === "f64", { at, out, elements });
  }

  /** Inline ops over the block: a vector loop, then a scalar one for the block's last few elements. */
  private segment(ops: readonly FusedOp[]): void {
    const c = this.code;
    const broadcasts = this.broadcasts(ops);
    // counters of each row length from the block's start
    for (const [length, counter] of this.rows) {
      if (!broadcasts.some((x) => x.c === length)) continue;
      const rowBytes = length * this.bytes;
      c.op(OP.localGet).u32(this.start).op(OP.i32Const).i32(rowBytes).op(OP.i32RemU).op(OP.localSet).u32(counter.column);
      c.op(OP.localGet).u32(this.start).op(OP.i32Const).i32(rowBytes).op(OP.i32DivU).op(OP.i32Const).i32(this.bytes).op(OP.i32Mul).op(OP.localSet).u32(counter.row);
    }
    c.op(OP.localGet).u32(this.start).op(OP.localSet).u32(this.position);
    c.op(OP.localGet).u32(this.start).op(OP.localGet).u32(this.length).op(OP.i32Const).i32(-16).op(OP.i32And).op(OP.i32Add).op(OP.localSet).u32(this.vectorEnd);
    for (const vector of [true, false]) {
      c.op(OP.block).byte(0x40).op(OP.loop).byte(0x40);
      c.op(OP.localGet).u32(this.position);
      if (vector) c.op(OP.localGet).u32(this.vectorEnd);
      else c.op(OP.localGet).u32(this.start).op(OP.localGet).u32(this.length).op(OP.i32Add);
      c.op(OP.i32GeU).op(OP.brIf).u32(1);
      for (const x of broadcasts) this.loadBroadcast(x, vector);
      const step = vector ? this.lanes : 1;
      for (const length of new Set(broadcasts.map((x) => x.c))) {
        if (vector && length % this.lanes === 0) this.advance(length, this.lanes);
        else for (let i = 0; i < step; i++) this.advance(length, 1);
      }
      const values = new Map<DataRef, number>();
      for (const op of ops) this.inlineOp(op, vector, values, broadcasts);
      c.op(OP.localGet).u32(this.position).op(OP.i32Const).i32(step * this.bytes).op(OP.i32Add).op(OP.localSet).u32(this.position);
      c.op(OP.br).u32(0).op(OP.end).op(OP.end);
    }
  }

  /** The segment's distinct broadcast operands, each with locals for its value at the current element. */
  private broadcasts(ops: readonly FusedOp[]): Broadcast[] {
    const found = new Map<string, Broadcast>();
    for (const op of ops) {
      for (const x of operands(op)) {
        if (x.kind !== "mod" && x.kind !== "div") continue;
        const base = this.address(x);
        const key = `${x.kind}:${base}:${x.c}`;
        if (!found.has(key)) found.set(key, { key, base, kind: x.kind, c: x.c, vector: this.local(VALUE.v128), scalar: this.local(VALUE[this.t]) });
        if (!this.rows.has(x.c)) this.rows.set(x.c, { column: this.local(VALUE.i32), row: this.local(VALUE.i32), columnCopy: this.local(VALUE.i32), rowCopy: this.local(VALUE.i32) });
      }
    }
    return [...found.values()];
  }

  /** Moves row length `length`'s counters on by `elements` (one, or a whole vector that ends at a row's end or inside it). */
  private advance(length: number, elements: number, column = this.rows.get(length)!.column, row = this.rows.get(length)!.row): void {
    const c = this.code;
    c.op(OP.localGet).u32(column).op(OP.i32Const).i32(elements * this.bytes).op(OP.i32Add).op(OP.localTee).u32(column);
    c.op(OP.i32Const).i32(length * this.bytes).op(OP.i32Eq).op(OP.if).byte(0x40);
    c.op(OP.i32Const).i32(0).op(OP.localSet).u32(column);
    c.op(OP.localGet).u32(row).op(OP.i32Const).i32(this.bytes).op(OP.i32Add).op(OP.localSet).u32(row);
    c.op(OP.end);
  }

  /** A broadcast operand's value at the current element (and the lanes after it) into its local. */
  private loadBroadcast(x: Broadcast, vector: boolean): void {
    const c = this.code;
    const counters = this.rows.get(x.c)!;
    const load = this.t === "f64" ? OP.f64Load : OP.f32Load;
    const index = x.kind === "mod" ? counters.column : counters.row;
    if (!vector) {
      c.op(OP.localGet).u32(index).op(load).memarg(this.align, x.base).op(OP.localSet).u32(x.scalar);
      return;
    }
    if (x.c % this.lanes === 0) {
      // a vector never crosses a row's end: a row's lanes in place, or one row's value
      if (x.kind === "mod") c.op(OP.localGet).u32(index).simd(SIMD.load).memarg(this.align, x.base);
      else c.op(OP.localGet).u32(index).op(load).memarg(this.align, x.base).simd(SIMD[this.t].splat);
      c.op(OP.localSet).u32(x.vector);
      return;
    }
    // rows shorter than a vector or not a multiple of it: lane by lane, on copies of the counters
    c.op(OP.localGet).u32(counters.column).op(OP.localSet).u32(counters.columnCopy);
    c.op(OP.localGet).u32(counters.row).op(OP.localSet).u32(counters.rowCopy);
    const copy = x.kind === "mod" ? counters.columnCopy : counters.rowCopy;
    c.op(OP.localGet).u32(copy).op(load).memarg(this.align, x.base).simd(SIMD[this.t].splat);
    for (let lane = 1; lane < this.lanes; lane++) {
      this.advance(x.c, 1, counters.columnCopy, counters.rowCopy);
      c.op(OP.localGet).u32(copy).op(load).memarg(this.align, x.base).simd(SIMD[this.t].replaceLane).byte(lane);
    }
    c.op(OP.localSet).u32(x.vector);
  }

  /** Pushes operand `x` of an inline op at the current element (from a local where an earlier op of the segment wrote it). */
  private operand(x: Access, vector: boolean, values: Map<DataRef, number>, broadcasts: readonly Broadcast[]): void {
    const c = this.code;
    if (x.kind === "constant") {
      const value = this.t === "f32" ? Math.fround(x.value) : x.value;
      if (vector) {
        c.simd(SIMD.const);
        for (let lane = 0; lane < this.lanes; lane++) c.float(value, this.bytes);
      } else c.op(this.t === "f64" ? OP.f64Const : OP.f32Const).float(value, this.bytes);
      return;
    }
    if (x.kind === "scalar") {
      const held = this.scalars.get(String(this.address(x)))!;
      c.op(OP.localGet).u32(vector ? held.vector : held.scalar);
      return;
    }
    if (x.kind === "mod" || x.kind === "div") {
      const held = broadcasts.find((b) => b.key === `${x.kind}:${this.address(x)}:${x.c}`)!;
      c.op(OP.localGet).u32(vector ? held.vector : held.scalar);
      return;
    }
    const written = values.get(x.ref);
    if (written !== undefined && x.offset === 0) {
      c.op(OP.localGet).u32(written);
      return;
    }
    c.op(OP.localGet).u32(this.position);
    if (vector) c.simd(SIMD.load).memarg(this.align, this.address(x));
    else c.op(this.t === "f64" ? OP.f64Load : OP.f32Load).memarg(this.align, this.address(x));
  }

  /** One inline op at the current element: its value into a local (for later ops), then stored. */
  private inlineOp(op: FusedOp, vector: boolean, values: Map<DataRef, number>, broadcasts: readonly Broadcast[]): void {
    const c = this.code;
    const [a, b] = operands(op) as [Access, Access | undefined];
    const [u, v] = vector ? this.temporaries.vector : this.temporaries.scalar;
    this.operand(a, vector, values, broadcasts);
    c.op(OP.localSet).u32(u!);
    if (b !== undefined) {
      this.operand(b, vector, values, broadcasts);
      c.op(OP.localSet).u32(v!);
    }
    if (vector) vectorForm(c, this.t, op, u!, v!);
    else scalarForm(c, this.t, op, u!, v!);
    const result = this.local(vector ? VALUE.v128 : VALUE[this.t]);
    c.op(OP.localSet).u32(result);
    c.op(OP.localGet).u32(this.position).op(OP.localGet).u32(result);
    if (vector) c.simd(SIMD.store).memarg(this.align, this.placement.ptr(op.out));
    else c.op(this.t === "f64" ? OP.f64Store : OP.f32Store).memarg(this.align, this.placement.ptr(op.out));
    values.set(op.out, result);
  }
}
