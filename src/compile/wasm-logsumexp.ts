/**
 * log-sum-exp at plan addresses. The wasm backend's `logsumexp` runs four WebAssembly passes,
 * each through its arena (the maximum along the axis, x minus it, the exponential, the sum),
 * then finishes each value in TypeScript (m + log s); here the same four calls read and write
 * plan memory, the maximum and the shifted copy in the plan's row-kernel scratch, and the same
 * TypeScript finish runs on the plan's view of the result: eager's bits.
 */
import type { DataRef, StridedRef } from "../backend/backend.js";
import { REDUCE_OPS, UNARY_OPS, opcodes } from "../backend/op-table.js";
import { SMALL, type WasmBackend } from "../backend/wasm/wasm-backend.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { directKernel } from "./wasm-direct.js";

const REDUCE = opcodes(REDUCE_OPS);
const UNARY = opcodes(UNARY_OPS);

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** The arguments of a logsumexp node the backend runs on WebAssembly (else null: its TypeScript kernel). */
function wasmArgs(name: string, args: readonly unknown[]): [DataRef, number, number, number, DataRef] | null {
  if (name !== "logsumexp") return null;
  const [x, outer, axisSize, inner, out] = args as [DataRef, number, number, number, DataRef];
  if (x.size <= SMALL || axisSize === 0 || (x.dtype !== "float32" && x.dtype !== "float64")) return null;
  return [x, outer, axisSize, inner, out];
}

/** Bytes of scratch one logsumexp node of `plan` needs at most: the maximum, the shifted copy, the reduction's f64 row. */
export function logsumexpScratch(plan: Plan): number {
  let most = 0;
  for (const node of plan.nodes) {
    if (node.kind !== "kernel") continue;
    const found = wasmArgs(node.name, node.args);
    if (found === null) continue;
    const [x, outer, , inner] = found;
    const bytes = x.dtype === "float64" ? 8 : 4;
    most = Math.max(most, align(outer * inner * bytes) + align(x.size * bytes) + align(inner * 8));
  }
  return most;
}

/**
 * The direct call of a logsumexp node, its scratch at the context's `rowKernelAcc`
 * (logsumexpScratch's bytes), or null where the backend's method must run it.
 */
export function logsumexpStep(name: string, args: readonly unknown[], context: StepContext, backend: WasmBackend): (() => void) | null {
  const found = wasmArgs(name, args);
  if (found === null) return null;
  const [x, outer, axisSize, inner, out] = found;
  if (out.dtype !== x.dtype) return null; // the backend's sum would read the shifted copy as out's type
  const { k, memory } = context;
  const f64 = x.dtype === "float64";
  const bytes = f64 ? 8 : 4;
  // the backend's two temporaries, as buffers the sub-step below can be given addresses for
  const max: DataRef = { size: outer * inner, dtype: x.dtype };
  const shifted: DataRef = { size: x.size, dtype: x.dtype };
  const pmax = context.rowKernelAcc;
  const pshifted = pmax + align(max.size * bytes);
  const row = pshifted + align(shifted.size * bytes);
  const ptr = (ref: DataRef): number => (ref === max ? pmax : ref === shifted ? pshifted : context.ptr(ref));
  const view: StridedRef = { ref: x, offset: 0, strides: [axisSize * inner, inner, 1] };
  const maxView: StridedRef = { ref: max, offset: 0, strides: [inner, 0, 1] }; // the maximum repeated along the axis
  const subtract = directKernel("binary", ["sub", view, maxView, [outer, axisSize, inner], shifted], { ...context, ptr }, backend);
  if (subtract === null) return null;
  const reduce = f64 ? k.reduceF64 : k.reduceF32;
  const unary = f64 ? k.unaryF64 : k.unaryF32;
  const [px, po] = [context.ptr(x), context.ptr(out)];
  const [maxCode, sumCode, expCode] = [REDUCE.max, REDUCE.sum, UNARY.exp];
  const m = f64 ? new Float64Array(memory.buffer, pmax, max.size) : new Float32Array(memory.buffer, pmax, max.size);
  const result = f64 ? new Float64Array(memory.buffer, po, out.size) : new Float32Array(memory.buffer, po, out.size);
  return () => {
    reduce(maxCode, px, outer, axisSize, inner, pmax, row);
    subtract();
    unary(expCode, pshifted, pshifted, x.size, 0, 0);
    reduce(sumCode, pshifted, outer, axisSize, inner, po, row);
    for (let i = 0; i < result.length; i++) {
      const mi = m[i]!;
      // all −∞: the answer is −∞; a +∞ or NaN maximum is the answer (x − m is NaN there)
      result[i] = mi === -Infinity || mi === Infinity || mi !== mi ? mi : mi + Math.log(result[i]!);
    }
  };
}
