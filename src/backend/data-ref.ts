/**
 * The handles kernels read and write: a backend-owned buffer ({@link DataRef}), a view of one
 * through strides ({@link StridedRef}), and the typed array that holds each dtype on the host.
 * Every backend narrows DataRef to a class of its own (backend.ts has the kernel interface).
 */
import type { DType } from "../tensor/dtype.js";

/** The typed array holding each dtype on the host: float32, float64, int32, bool (0 or 1 bytes). */
export type DataArray = Float32Array | Float64Array | Int32Array | Uint8Array;

/** Opaque handle to a backend-owned buffer. Each backend narrows it to its own class. */
export interface DataRef {
  readonly size: number;
  readonly dtype: DType;
}

/** A buffer read through strides (a stride of 0 repeats an element: that is how `expand` works). */
export interface StridedRef {
  readonly ref: DataRef;
  readonly offset: number;
  readonly strides: readonly number[];
}
