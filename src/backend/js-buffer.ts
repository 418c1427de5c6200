import type { DataArray, DataRef } from "./backend.js";
import type { DType } from "../tensor/dtype.js";

export type { DataArray };
/** The arrays the kernels read and write; every dtype's (the name predates integer tensors). */
export type FloatArray = DataArray;

/**
 * The pure-TypeScript backend's buffer: a typed array the garbage collector frees. A buffer
 * made by {@link deferredBuffer} gets its array only when first used: zeroed when anything
 * reads it ({@link JsBuffer.data}), as `Backend.allocate` promises, or left unzeroed when a
 * kernel is about to write all of it ({@link overwrittenArray}).
 */
export class JsBuffer implements DataRef {
  readonly size: number;
  private array: DataArray | null;
  constructor(
    data: DataArray,
    readonly dtype: DType,
  ) {
    this.array = data;
    this.size = data.length;
  }

  /** A buffer of `size` elements whose array is made at first use (see {@link deferredBuffer}). */
  static deferred(size: number, dtype: DType): JsBuffer {
    const buffer = new JsBuffer(EMPTY, dtype);
    (buffer as { size: number }).size = size;
    buffer.array = null;
    return buffer;
  }

  /** The buffer's array: a deferred buffer's is made now, zeroed. */
  get data(): DataArray {
    return this.array ?? (this.array = newArray(this.size, this.dtype));
  }

  /** Puts the buffer's values in `array` from now on (compile moves buffers into a plan's memory). */
  set data(array: DataArray) {
    this.array = array;
  }

  /** Whether the buffer has no array yet: nothing has read or written it. */
  get deferred(): boolean {
    return this.array === null;
  }
}

const EMPTY = new Float32Array(0);

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

// Large arrays each get an ArrayBuffer of their own, and fresh memory is dear: the first write
// to each page of it faults, and the collector later hands it back to the system. On the
// project machine a new 1 MB array written once cost about 600 µs, against about 30 µs to zero
// and write a reused one; a step of W6 (the tiny GPT) makes about 40 MB of them. Buffers that
// autograd proves unreachable (a backward pass's spent gradients, src/autograd/backward.ts)
// come back here through recycleArray and are handed out again, zeroed, newest first, up to
// RECYCLED_LIMIT bytes; the rest are left to the collector as before.
const RECYCLED_LIMIT = 64 << 20;
const recycled = new Map<number, ArrayBuffer[]>();
let keptBytes = 0;
let takenBack = 0;
/** Bytes of large arrays made from fresh memory (not from what was kept): what bench/fresh-memory.ts reports. */
let freshBytes = 0;
let recycling = true;
/** Buffers newArray made for one array alone: only those may be recycled (not slabs, not views of WebAssembly memory). */
const ownBuffers = new WeakSet<ArrayBuffer>();

/** A zeroed array of `size` elements. */
export function newArray(size: number, dtype: DType): DataArray {
  const bytes = size * bytesPer(dtype);
  if (bytes > POOLED_BYTES) {
    const reused = recycled.get(bytes)?.pop();
    if (reused !== undefined) {
      keptBytes -= bytes;
      ownBuffers.add(reused);
      new Uint8Array(reused).fill(0);
      return arrayOver(reused, 0, size, dtype);
    }
    const buffer = new ArrayBuffer(bytes);
    freshBytes += bytes;
    ownBuffers.add(buffer);
    return arrayOver(buffer, 0, size, dtype);
  }
  if (bytes === 0) return arrayOver(new ArrayBuffer(0), 0, size, dtype);
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const offset = slabUsed;
  slabUsed += (bytes + 15) & ~15; // 16-byte aligned, as SIMD copies like
  return arrayOver(slab, offset, size, dtype);
}

/**
 * A buffer for a kernel's output: one whose array is made at first use where it is large and
 * float (see {@link JsBuffer}), else a zeroed array now. The WebAssembly kernels write such
 * outputs whole (and so do the wasm backend's strided copies and fills), and zeroing an array
 * only to overwrite it showed: eager W6 ran at a median of 30.4 steps/s with those outputs left
 * unzeroed against 28.0 zeroed, W5 at 2,385 images/s against 2,273 (`node --import tsx
 * bench/nabla-worker.ts wasm W6`, 12 and 6 alternating processes).
 */
export function deferredBuffer(size: number, dtype: DType): JsBuffer {
  const large = size * bytesPer(dtype) > POOLED_BYTES && (dtype === "float32" || dtype === "float64");
  return large ? JsBuffer.deferred(size, dtype) : new JsBuffer(newArray(size, dtype), dtype);
}

/** Node's allocation without zeroing (Buffer.allocUnsafeSlow: a buffer of its own, not a pooled slab); absent in browsers. */
const unzeroed = (globalThis as { Buffer?: { allocUnsafeSlow(bytes: number): Uint8Array } }).Buffer;

/**
 * The array of float buffer `ref` for a kernel that writes every element of it before anything
 * reads it: a deferred buffer gets one now without zeroing it (a kept buffer as it is, or fresh
 * memory left unzeroed where the platform allows), since every value is about to be replaced.
 */
export function overwrittenArray(ref: DataRef): RealArray {
  const buffer = ref as JsBuffer;
  if (buffer.deferred) {
    const bytes = buffer.size * bytesPer(buffer.dtype);
    let memory = recycled.get(bytes)?.pop();
    if (memory !== undefined) keptBytes -= bytes;
    else {
      memory = unzeroed === undefined ? new ArrayBuffer(bytes) : (unzeroed.allocUnsafeSlow(bytes).buffer as ArrayBuffer);
      freshBytes += bytes;
    }
    ownBuffers.add(memory);
    buffer.data = arrayOver(memory, 0, buffer.size, buffer.dtype);
  }
  return realArrayOf(ref);
}

/**
 * Takes back the buffer of `ref`, which the caller guarantees nothing will read or write again
 * (autograd's spent gradients), for {@link newArray} to hand out again. Only a large array
 * that newArray made and that spans its whole buffer is kept; anything else (slab views, the
 * views of a compiled plan's memory) is left to the collector. Returns whether it was kept.
 */
export function recycleArray(ref: DataRef): boolean {
  if ((ref as JsBuffer).deferred) return false; // no array yet: nothing to take back
  const data = (ref as JsBuffer).data;
  const buffer = data.buffer;
  const bytes = data.byteLength;
  if (bytes <= POOLED_BYTES || data.byteOffset !== 0 || !(buffer instanceof ArrayBuffer) || buffer.byteLength !== bytes || !ownBuffers.has(buffer)) return false;
  if (!recycling || keptBytes + bytes > RECYCLED_LIMIT) return false;
  ownBuffers.delete(buffer); // kept once: a second recycle of the same buffer is refused, not duplicated
  let list = recycled.get(bytes);
  if (list === undefined) recycled.set(bytes, (list = []));
  list.push(buffer);
  keptBytes += bytes;
  takenBack++;
  return true;
}

/**
 * @internal Bytes kept for reuse now, how many buffers were ever taken back (tests: that backward
 * recycles at all), and how many bytes of large arrays ever came from fresh memory.
 */
export function recycledBytes(): { kept: number; takenBack: number; fresh: number } {
  return { kept: keptBytes, takenBack, fresh: freshBytes };
}

/** @internal Turns recycling off (tests compare gradients without it) or back on; off also empties what was kept. */
export function setRecycling(enabled: boolean): void {
  recycling = enabled;
  if (!enabled) {
    recycled.clear();
    keptBytes = 0;
  }
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
