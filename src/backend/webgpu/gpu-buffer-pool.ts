/**
 * GPU buffers for tensors, from a pool bucketed by size. Every dtype takes 4 bytes an element
 * on the device (a bool is a u32: WGSL has no 8-bit storage), float64 is refused (WGSL has no
 * 64-bit floats). A freed buffer goes back to its bucket at once: every kernel is submitted as
 * it is issued and the queue runs in order, so commands that use the buffer again run after
 * the ones queued before the free.
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

  constructor(
    private readonly device: GpuDevice,
    /** Live bytes past which allocate throws instead of growing until the device is lost. */
    readonly liveLimit: number,
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
    let buffer = this.free.get(bucket)?.pop();
    const reused = buffer !== undefined;
    if (buffer === undefined) {
      buffer = this.device.createBuffer({ size: bucket, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
      this.createdBytes += bucket;
    }
    this.liveBytes += bucket;
    return { ref: new GpuRef(size, dtype, buffer), reused };
  }

  release(ref: GpuRef): void {
    const bucket = ref.buffer.size;
    this.liveBytes -= bucket;
    let list = this.free.get(bucket);
    if (list === undefined) this.free.set(bucket, (list = []));
    list.push(ref.buffer);
  }
}
