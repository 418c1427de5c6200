// What the WasmBackend's kernel entry points (wasm-elementwise.ts, wasm-binary.ts, wasm-reduce.ts,
// wasm-matmul.ts, wasm-conv.ts, wasm-norm.ts, wasm-pool.ts) share: the kernels, the per-call
// arena, the worker threads, and the small helpers every entry point uses to check dtypes and
// lay out operands.
import type { DataRef, WindowSpec } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { arrayOf, newArray, realArrayOf as arrayOfReal, type RealArray } from "../js-buffer.js";
import { unknownOp } from "../op-table.js";
import type { Kernels } from "./wasm-module.js";
import type { WasmArena } from "./wasm-arena.js";
import type { ThreadPool } from "./wasm-threads.js";
import type { EagerThreadTuner } from "./eager-tuner.js";

/** The kernels over a shared memory, with their own arena and the worker threads. */
export interface WasmParallel {
  readonly kernels: Kernels;
  readonly arena: WasmArena;
  readonly pool: ThreadPool;
  /** The shared-memory build the workers run (compile's threaded plans instantiate it too). */
  readonly module: WebAssembly.Module;
}

/** The backend's state an entry point runs on. */
export interface WasmContext {
  /** The kernels over ordinary (unshared) memory. */
  readonly kernels: Kernels;
  /** Threads a large product may run on, the caller included. */
  readonly threads: number;
  /** The per-call arena, emptied. */
  begin(): WasmArena;
  /** The worker threads, started on first use; null where they are unavailable. */
  parallel(): WasmParallel | null;
  /** The workers never started: run single-threaded from now on. */
  stopParallel(): void;
  /** Whether each large product or convolution runs on the threads or the calling thread. */
  readonly tuner: EagerThreadTuner;
}

/** The opcode of `op`, or a thrown error: an unknown name must not reach the kernels as 0 (neg, add). */
export function opcode<Op extends string>(codes: Readonly<Record<Op, number>>, op: Op, kernel: string): number {
  const code = codes[op];
  if (code === undefined) throw unknownOp(`wasm backend ${kernel}`, op);
  return code;
}

/** Whether a buffer is float32 or float64: the WebAssembly kernels compute on those alone. */
export function isReal(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

export function elementBytes(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

/** The index values in the data's dtype (the kernels read both with one element type). */
export function sameType(index: DataRef, dtype: DType): RealArray {
  if (index.dtype === dtype) return arrayOfReal(index);
  const values = arrayOf(index);
  const converted = newArray(values.length, dtype) as RealArray;
  converted.set(values);
  return converted;
}

/** The window geometry as the kernels read it (assembly/window-spec.ts): 14 f64, batch first. */
export function specValues(spec: WindowSpec): Float64Array {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  return Float64Array.of(batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
}
