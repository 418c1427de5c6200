/**
 * The inline ops of generated group functions (wasm-codegen.ts): which ops are written out,
 * and each one's vector form (f32x4 or f64x2) and scalar form, with the operations and the order
 * of elementwise.ts's and fused.ts's kernels, so the values are theirs bit for bit.
 */
import type { FusedOp } from "./fuse.js";
import { Code, FLOAT, OP, SIMD } from "./wasm-binary.js";

export type Float = "f32" | "f64";

/** Unary ops written out: the same value from their vector and scalar forms. */
const INLINE_UNARY = new Set<string>(["neg", "abs", "sqrt", "relu", "step", "reciprocal", "floor", "ceil", "round", "trunc", "logicalNot"]);
const INLINE_BINARY = new Set<string>(["add", "sub", "mul", "div", "gt", "ge", "lt", "le", "eq", "logicalAnd", "logicalOr", "logicalXor"]);
const ROUNDING: Record<string, "floor" | "ceil" | "nearest" | "trunc"> = { floor: "floor", ceil: "ceil", round: "nearest", trunc: "trunc" };
const COMPARE: Record<string, "gt" | "ge" | "lt" | "le" | "eq"> = { gt: "gt", ge: "ge", lt: "lt", le: "le", eq: "eq" };
const LOGICAL: Record<string, number> = { logicalAnd: OP.i32And, logicalOr: OP.i32Or, logicalXor: OP.i32Xor };
const SIMD_LOGICAL: Record<string, number> = { logicalAnd: SIMD.and, logicalOr: SIMD.or, logicalXor: SIMD.xor };

/** Whether `op` is written out (else it is a call of the kernel's unary or binary export). */
export function inline(op: FusedOp): boolean {
  if (op.kind === "unary") return INLINE_UNARY.has(op.op);
  if (op.kind === "binary") return INLINE_BINARY.has(op.op);
  return true;
}

/** A vector of `value` in every lane. */
export function splatConstant(c: Code, t: Float, value: number): void {
  c.simd(SIMD.const);
  for (let lane = 0; lane < (t === "f64" ? 2 : 4); lane++) c.float(value, t === "f64" ? 8 : 4);
}

/** `value` as a constant of type t. */
export function scalarConstant(c: Code, t: Float, value: number): void {
  c.op(t === "f64" ? OP.f64Const : OP.f32Const).float(value, t === "f64" ? 8 : 4);
}

/** elementwise.ts's and fused.ts's vector forms, on locals u (and v). */
export function vectorForm(c: Code, t: Float, op: FusedOp, u: number, v: number): void {
  const splat = (value: number): void => splatConstant(c, t, value);
  const s = SIMD[t];
  const get = (local: number): Code => c.op(OP.localGet).u32(local);
  const round = (value: number): number => (t === "f32" ? Math.fround(value) : value);
  if (op.kind === "clamp") {
    const [lo, hi] = [round(op.alpha), round(op.beta)];
    // bitselect(low, bitselect(high, x, x > high), x < low)
    splat(lo);
    splat(hi);
    get(u);
    get(u);
    splat(hi);
    c.simd(s.gt).simd(SIMD.bitselect);
    get(u);
    splat(lo);
    c.simd(s.lt).simd(SIMD.bitselect);
  } else if (op.kind === "axpby") {
    splat(round(op.alpha));
    get(u);
    c.simd(s.mul);
    splat(round(op.beta));
    get(v);
    c.simd(s.mul).simd(s.add);
  } else if (op.kind === "binary") {
    const compare = COMPARE[op.op];
    const logical = SIMD_LOGICAL[op.op];
    if (compare !== undefined) (splat(1), get(u), get(v), c.simd(s[compare]).simd(SIMD.and));
    else if (logical !== undefined) {
      splat(1);
      (get(u), splat(0), c.simd(s.ne));
      (get(v), splat(0), c.simd(s.ne));
      c.simd(logical).simd(SIMD.and);
    } else (get(u), get(v), c.simd(s[op.op as "add" | "sub" | "mul" | "div"]));
  } else {
    switch (op.op) {
      case "relu":
        (get(u), get(u), splat(0), c.simd(s.lt).simd(SIMD.andnot));
        break;
      case "step":
        (splat(1), get(u), splat(0), c.simd(s.le).simd(SIMD.andnot));
        break;
      case "reciprocal":
        (splat(1), get(u), c.simd(s.div));
        break;
      case "logicalNot":
        (splat(1), get(u), splat(0), c.simd(s.eq).simd(SIMD.and));
        break;
      default:
        (get(u), c.simd(s[(ROUNDING[op.op] ?? op.op) as "neg" | "abs" | "sqrt" | "floor"]));
    }
  }
}

/** elementwise.ts's and scalar-unary.ts's scalar forms (scalarUnary, scalarBinary, clamp, axpby's tail), on locals u (and v). */
export function scalarForm(c: Code, t: Float, op: FusedOp, u: number, v: number): void {
  const constant = (value: number): void => scalarConstant(c, t, value);
  const f = FLOAT[t];
  const get = (local: number): Code => c.op(OP.localGet).u32(local);
  const round = (value: number): number => (t === "f32" ? Math.fround(value) : value);
  const promote = t === "f32" ? (): Code => c.op(OP.f64PromoteF32) : (): Code => c;
  const demote = t === "f32" ? (): Code => c.op(OP.f32DemoteF64) : (): Code => c;
  if (op.kind === "clamp") {
    // x < lo ? lo : x > hi ? hi : x
    const [lo, hi] = [round(op.alpha), round(op.beta)];
    (constant(lo), constant(hi), get(u), get(u), constant(hi), c.op(f.gt).op(OP.select));
    (get(u), constant(lo), c.op(f.lt).op(OP.select));
  } else if (op.kind === "axpby") {
    (constant(round(op.alpha)), get(u), c.op(f.mul), constant(round(op.beta)), get(v), c.op(f.mul).op(f.add));
  } else if (op.kind === "binary") {
    const compare = COMPARE[op.op];
    const logical = LOGICAL[op.op];
    if (compare !== undefined) (constant(1), constant(0), get(u), get(v), c.op(f[compare]).op(OP.select));
    else if (logical !== undefined) {
      (constant(1), constant(0));
      (get(u), constant(0), c.op(f.ne), get(v), constant(0), c.op(f.ne), c.op(logical).op(OP.select));
    } else (get(u), get(v), c.op(f[op.op as "add" | "sub" | "mul" | "div"]));
  } else {
    switch (op.op) {
      case "neg":
        (get(u), c.op(f.neg));
        break;
      case "abs":
      case "sqrt":
        (get(u), promote(), c.op(FLOAT.f64[op.op]), demote());
        break;
      case "relu":
        (constant(0), get(u), get(u), constant(0), c.op(f.lt).op(OP.select));
        break;
      case "step":
        (constant(0), constant(1), get(u), constant(0), c.op(f.le).op(OP.select));
        break;
      case "reciprocal":
        (c.op(OP.f64Const).float(1, 8), get(u), promote(), c.op(FLOAT.f64.div), demote());
        break;
      case "logicalNot":
        (constant(1), constant(0), get(u), constant(0), c.op(f.eq).op(OP.select));
        break;
      default:
        (get(u), c.op(f[ROUNDING[op.op]!]));
    }
  }
}
