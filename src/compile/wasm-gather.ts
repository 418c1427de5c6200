/**
 * Gathers and scatter-adds (a cross-entropy's pick of each target's log-probability and its
 * gradient) at plan addresses. An int32 index (the usual kind) is read in place by kernels
 * that check it first, as the eager op's host check would, and report the first bad position.
 * Any other index is checked here and written as floats into the scratch row in the same pass,
 * for the kernels that read the index as the data's float type. The backend's method would
 * instead copy the data, the index and the result through its arena.
 */
import type { DataRef } from "../backend/backend.js";
import type { JsBuffer } from "../backend/js-buffer.js";
import type { StepContext } from "./wasm-executor.js";

/** Throws the replayed call's error for an index outside [0, axisSize). */
export function checkIndexValues(values: ArrayLike<number>, op: string, axisSize: number): void {
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < axisSize && Number.isInteger(v))) indexError(v, i, op, axisSize);
  }
}

function indexError(v: number, i: number, op: string, axisSize: number): never {
  throw new Error(`compile: ${op}: index ${v} at position ${i} is out of range for a dimension of size ${axisSize} (in a replayed call; a class target or index outside [0, ${axisSize}))`);
}

/** The checked, direct call of a gather or scatterAdd node, or null where the backend's method must run it. */
export function indexedStep(name: string, args: readonly unknown[], context: StepContext, views: Map<DataRef, JsBuffer["data"]>): (() => void) | null {
  if (name !== "gather" && name !== "scatterAdd") return null;
  const [x, index, outer, axisSize, indexAxis, inner, out] = args as [DataRef, DataRef, number, number, number, number, DataRef];
  if ((x.dtype !== "float32" && x.dtype !== "float64") || x.dtype !== out.dtype) return null;
  const { k, ptr, memory } = context;
  const source = views.get(index)!;
  const f64 = x.dtype === "float64";
  if (source instanceof Int32Array) {
    // the kernel reads the int32 index in place and checks it before writing anything: no
    // pass here to check it and convert it to floats (a class target's usual dtype)
    const checked = name === "gather" ? (f64 ? k.gatherIndexI32F64 : k.gatherIndexI32F32) : f64 ? k.scatterAddIndexI32F64 : k.scatterAddIndexI32F32;
    const [px, pIndex, po] = [ptr(x), ptr(index), ptr(out)];
    return () => {
      const bad = checked(px, pIndex, outer, axisSize, indexAxis, inner, po);
      if (bad >= 0) indexError(source[bad]!, bad, name, axisSize);
    };
  }
  const at = context.rowScratch;
  const floats = f64 ? new Float64Array(memory.buffer, at, index.size) : new Float32Array(memory.buffer, at, index.size);
  const kernel = name === "gather" ? (f64 ? k.gatherF64 : k.gatherF32) : f64 ? k.scatterAddF64 : k.scatterAddF32;
  const [px, po] = [ptr(x), ptr(out)];
  return () => {
    for (let i = 0; i < source.length; i++) {
      const v = source[i]!;
      if (!(v >= 0 && v < axisSize && Number.isInteger(v))) indexError(v, i, name, axisSize);
      floats[i] = v;
    }
    kernel(px, at, outer, axisSize, indexAxis, inner, po);
  };
}
