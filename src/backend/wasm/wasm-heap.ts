// A size-class allocator over the kernel module's memory. Buffers are recycled through one
// free list per size class (training loops allocate the same shapes every step, so they find
// an exact fit); fresh space comes from a bump pointer and the memory grows as needed.

const PAGE = 65536;
const ALIGN = 64; // a cache line: SIMD loads never straddle one needlessly

/** Bytes actually reserved for a request: 64-byte steps up to 4 KiB, then 8 steps per octave. */
export function sizeClass(bytes: number): number {
  if (bytes <= 4096) return Math.max(ALIGN, Math.ceil(bytes / ALIGN) * ALIGN);
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 3);
  return Math.ceil(bytes / step) * step;
}

export class WasmHeap {
  private top: number;
  private readonly freeLists = new Map<number, number[]>();
  /** Bytes handed out and not yet released (for tests and the RSS check). */
  liveBytes = 0;

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.top = Math.ceil(heapBase / ALIGN) * ALIGN;
  }

  /** Bytes of WebAssembly memory reserved so far. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  allocate(bytes: number): number {
    const size = sizeClass(bytes);
    this.liveBytes += size;
    const reused = this.freeLists.get(size)?.pop();
    if (reused !== undefined) return reused;
    const ptr = this.top;
    const end = ptr + size;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      // grow by at least half the current size so a growing workload pays few copies
      const needed = Math.ceil((end - have) / PAGE);
      if (!this.grow(Math.max(needed, Math.ceil(have / PAGE / 2))) && !this.grow(needed)) {
        this.liveBytes -= size;
        throw new Error(`wasm backend: out of memory allocating ${bytes} bytes (live buffers hold ${this.liveBytes} of ${have} reserved bytes)`);
      }
    }
    this.top = end;
    return ptr;
  }

  private grow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      return true;
    } catch {
      return false;
    }
  }

  release(ptr: number, bytes: number): void {
    const size = sizeClass(bytes);
    this.liveBytes -= size;
    let list = this.freeLists.get(size);
    if (list === undefined) {
      list = [];
      this.freeLists.set(size, list);
    }
    list.push(ptr);
  }
}
