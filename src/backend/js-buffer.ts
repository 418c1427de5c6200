import type { DataRef } from "./backend.js";
import type { DType } from "../tensor/dtype.js";

export type FloatArray = Float32Array | Float64Array;

/** The pure-TypeScript backend's buffer: a typed array the garbage collector frees. */
export class JsBuffer implements DataRef {
  readonly size: number;
  readonly dtype: DType;
  constructor(readonly data: FloatArray) {
    this.size = data.length;
    this.dtype = data instanceof Float64Array ? "float64" : "float32";
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
export function newArray(size: number, dtype: DType): FloatArray {
  const f64 = dtype === "float64";
  const bytes = size * (f64 ? 8 : 4);
  if (bytes === 0 || bytes > POOLED_BYTES) return f64 ? new Float64Array(size) : new Float32Array(size);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += (bytes + 15) & ~15; // 16-byte aligned, as SIMD copies like
  return f64 ? new Float64Array(slab, offset, size) : new Float32Array(slab, offset, size);
}

/** Kernels receive refs typed by the interface; inside this backend they are always JsBuffers. */
export function arrayOf(ref: DataRef): FloatArray {
  return (ref as JsBuffer).data;
}
