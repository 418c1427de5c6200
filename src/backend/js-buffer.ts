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

export function newArray(size: number, dtype: DType): FloatArray {
  return dtype === "float64" ? new Float64Array(size) : new Float32Array(size);
}

/** Kernels receive refs typed by the interface; inside this backend they are always JsBuffers. */
export function arrayOf(ref: DataRef): FloatArray {
  return (ref as JsBuffer).data;
}
