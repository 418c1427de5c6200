/**
 * Strided copies (a transpose made contiguous, heads split and merged in attention, a
 * broadcast materialized) at plan addresses, through the kernel module's copyInto: the
 * backend runs these as TypeScript loops over its typed arrays, since copying into WebAssembly
 * first would cost more than the copy, but a plan's buffers already live there. Values move
 * unchanged (4-byte elements as f32 bit patterns, 8-byte ones as f64), so the result is eager's.
 */
import type { DataRef, StridedRef } from "../backend/backend.js";
import { collapseAxes } from "../backend/wasm/wasm-strided.js";
import { contiguousStrides } from "../tensor/shape.js";
import type { StepContext } from "./wasm-executor.js";
import { kernelStep } from "./kernel-call.js";

/**
 * The direct call of a copyStrided or copyInto node, or null (bool data, a copy of nothing).
 * copyStrided is copyInto with a contiguous region covering its whole output.
 */
export function copyStep(name: string, args: readonly unknown[], context: StepContext): (() => void) | null {
  if (name === "copyInto") return copyIntoStep(args as [StridedRef, readonly number[], StridedRef], context);
  if (name !== "copyStrided") return null;
  const [x, shape, out] = args as [StridedRef, readonly number[], DataRef];
  return copyIntoStep([x, shape, { ref: out, offset: 0, strides: contiguousStrides(shape) }], context);
}

/**
 * copyInto (a region written in place: a split's gradient, a slice assignment) at plan
 * addresses; null where the source shares the target's buffer (the TypeScript kernel's
 * element order then decides what is read) or there is nothing to copy.
 */
function copyIntoStep([x, shape, out]: [StridedRef, readonly number[], StridedRef], context: StepContext): (() => void) | null {
  const size = shape.reduce((product, extent) => product * extent, 1);
  if (out.ref.dtype === "bool" || x.ref.dtype !== out.ref.dtype || size === 0 || x.ref === out.ref) return null;
  const { shape: dims, strides } = collapseAxes(shape, [x.strides, out.strides]);
  const ndim = dims.length;
  const meta = context.reserve(16 * Math.max(ndim, 1));
  const words = new Int32Array(context.memory.buffer, meta, 3 * ndim);
  dims.forEach((extent, d) => {
    words[d] = extent;
    words[ndim + d] = strides[0]![d]!;
    words[2 * ndim + d] = strides[1]![d]!;
  });
  const { k, ptr } = context;
  return kernelStep(k, { kernel: out.ref.dtype === "float64" ? "copyIntoF64" : "copyIntoF32", args: [ptr(x.ref), x.offset, meta, ndim, ptr(out.ref), out.offset, size] });
}
