/**
 * GPU buffers for tensors, from a pool bucketed by size. Every dtype takes 4 bytes an element
 * on the device (a bool is a u32: WGSL has no 8-bit storage), float64 is refused (WGSL has no
 * 64-bit floats). A freed buffer goes back to its bucket at once: every kernel is submitted as
 * it is issued and the queue runs in order, so commands that use the buffer again run after
 * the ones queued before the free.
 *
 * Buffers come back when the garbage collector finalizes their tensors, and the engine paces
 * its collections by the JavaScript heap, blind to GPU memory: a loop of small tensor objects
 * over large buffers would keep creating buffers between collections. So when the live bytes
 * pass a high-water mark (the fewest live since the last time, plus that again or
 * {@link GARBAGE_FLOOR}, whichever is more) the pool asks the engine for a collection where the
 * runtime offers one (gpu-collector.ts); the finalizers then run at the loop's next `await`,
 * and the steps after it find their buffers in the pool. Only buffers whose tensors the
 * collector found unreachable ever come back: a live tensor's buffer is never handed out.
 */
import type { DataRef } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { USAGE, type GpuBufferHandle, type GpuDevice } from "./gpu-types.js";

/** The webgpu backend's buffer: `size` elements of `dtype`, 4 bytes each, in a pooled GPU buffer. */
export class GpuRef implements DataRef {
  constructor(
    readonly size: number,
    readonly dtype: DType,
    readonly buffer: GpuBufferHandle,
  ) {}
}

// Buckets are powers of two from 256 bytes, so a steady loop finds its sizes again after the
// first step and a bucket wastes at most half its bytes.
const SMALLEST = 256;
/** Bytes of dead tensors a loop may leave to the engine's own pacing before the pool asks for a collection. */
export const GARBAGE_FLOOR = 16 * 2 ** 20;

function bucketOf(bytes: number): number {
  let bucket = SMALLEST;
  while (bucket < bytes) bucket *= 2;
  return bucket;
}

export class BufferPool {
  private readonly free = new Map<number, GpuBufferHandle[]>();
  /** Bytes of buffers held by tensors now. */
  liveBytes = 0;
  /** Bytes of every buffer created and not destroyed (live and pooled). */
  createdBytes = 0;
  /** Buffers created and not destroyed. */
  createdBuffers = 0;
  /** Bytes handed out in all, reused or new (what a loop asks of the pool). */
  handedOutBytes = 0;
  /** Collections the pool asked the engine for (live bytes past the high-water mark). */
  collections = 0;
  /** The fewest live bytes since the pool last asked for a collection. */
  private low = 0;

  constructor(
    private readonly device: GpuDevice,
    /** Live bytes past which allocate throws instead of growing until the device is lost. */
    readonly liveLimit: number,
    /** The engine's full collection, where the runtime offers one. */
    private readonly collect: (() => void) | null = null,
    /** Live bytes above the low mark that make the pool ask for a collection (at least; the low mark itself if more). */
    public garbageFloor = GARBAGE_FLOOR,
  ) {}

  /** A buffer for `size` elements; `reused` says it came from the pool (and holds old data). */
  allocate(size: number, dtype: DType): { ref: GpuRef; reused: boolean } {
    if (dtype === "float64") {
      throw new Error("webgpu: float64 tensors are not supported (WGSL has no 64-bit floats, as PyTorch's MPS backend has none); use float32");
    }
    const bytes = Math.max(4, size * 4);
    const limit = this.device.limits.maxStorageBufferBindingSize;
    if (bytes > limit) {
      throw new Error(`webgpu: a ${dtype} buffer of ${size} elements (${bytes} bytes) is beyond the adapter's maxStorageBufferBindingSize of ${limit} bytes`);
    }
    const bucket = Math.min(bucketOf(bytes), Math.max(bytes, limit - (limit % 4)));
    if (this.liveBytes + bucket > this.liveLimit) {
      throw new Error(
        `webgpu: tensors hold ${this.liveBytes} bytes of GPU memory and this buffer would pass the limit of ${this.liveLimit} bytes; a loop without an await never lets the garbage collector free its tensors: await something each step (await loss.data(), or await new Promise(setImmediate))`,
      );
    }
    if (this.collect !== null && this.liveBytes + bucket > this.low + Math.max(this.garbageFloor, this.low)) {
      // finalizers of what this collection finds run as tasks, at the loop's next await
      this.low = this.liveBytes;
      this.collections++;
      this.collect();
    }
    let buffer = this.free.get(bucket)?.pop();
    const reused = buffer !== undefined;
    if (buffer === undefined) {
      buffer = this.device.createBuffer({ size: bucket, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
      this.createdBytes += bucket;
      this.createdBuffers++;
    }
    this.liveBytes += bucket;
    this.handedOutBytes += bucket;
    return { ref: new GpuRef(size, dtype, buffer), reused };
  }

  release(ref: GpuRef): void {
    const bucket = ref.buffer.size;
    this.liveBytes -= bucket;
    if (this.liveBytes < this.low) this.low = this.liveBytes;
    let list = this.free.get(bucket);
    if (list === undefined) this.free.set(bucket, (list = []));
    list.push(ref.buffer);
  }
}
