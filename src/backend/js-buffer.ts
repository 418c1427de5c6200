import type { DataArray, DataRef } from "./backend.js";
import type { DType } from "../tensor/dtype.js";

export type { DataArray };
/** The arrays the kernels read and write; every dtype's (the name predates integer tensors). */
export type FloatArray = DataArray;

/** The pure-TypeScript backend's buffer: a typed array the garbage collector frees. */
export class JsBuffer implements DataRef {
  readonly size: number;
  constructor(
    readonly data: DataArray,
    readonly dtype: DType,
  ) {
    this.size = data.length;
  }
}

function bytesPer(dtype: DType): number {
  return dtype === "float64" ? 8 : dtype === "bool" ? 1 : 4;
}

function arrayOver(buffer: ArrayBuffer, offset: number, size: number, dtype: DType): DataArray {
  switch (dtype) {
    case "float32":
      return new Float32Array(buffer, offset, size);
    case "float64":
      return new Float64Array(buffer, offset, size);
    case "int32":
      return new Int32Array(buffer, offset, size);
    case "bool":
      return new Uint8Array(buffer, offset, size);
  }
}

// Small arrays are views into shared 256 KB slabs, as Node pools small Buffers: allocating a
// backing store per array (malloc, zeroing, external-memory accounting) cost more than a small
// kernel, about an eighth of a tiny MLP's training step. A slab is handed out front to back and
// never reused, so every array starts zeroed, and the garbage collector frees the slab once
// all its views are gone; a long-lived small array keeps at most one slab alive.
const SLAB_BYTES = 1 << 18;
const POOLED_BYTES = 1 << 14;
let slab = new ArrayBuffer(0);
let slabUsed = SLAB_BYTES; // full: the first small array starts a slab

/** A zeroed array of `size` elements. */
export function newArray(size: number, dtype: DType): DataArray {
  const bytes = size * bytesPer(dtype);
  if (bytes === 0 || bytes > POOLED_BYTES) return arrayOver(new ArrayBuffer(bytes), 0, size, dtype);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += (bytes + 15) & ~15; // 16-byte aligned, as SIMD copies like
  return arrayOver(slab, offset, size, dtype);
}

/** The arrays of floating-point tensors, the only ones the WebAssembly kernels compute on. */
export type RealArray = Float32Array | Float64Array;

/** A float32 or float64 buffer's array; throws for the other dtypes, whose kernels run in TypeScript. */
export function realArrayOf(ref: DataRef): RealArray {
  const data = (ref as JsBuffer).data;
  if (data instanceof Float32Array || data instanceof Float64Array) return data;
  throw new Error(`internal: a ${ref.dtype} buffer reached a floating-point kernel`);
}

/** Kernels receive refs typed by the interface; inside this backend they are always JsBuffers. */
export function arrayOf(ref: DataRef): DataArray {
  return (ref as JsBuffer).data;
}
