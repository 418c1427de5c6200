// Per-call scratch space in the kernel module's memory. Tensor data stays in ordinary typed
// arrays that the garbage collector frees (see WasmBackend for why); a kernel call copies its
// operands in, runs, and copies its result out, then the next call starts over at the base.
// The memory grows to the largest call's working set and is reused from then on.
import type { RealArray } from "../js-buffer.js";

const PAGE = 65536;
const ALIGN = 64; // a cache line, so SIMD loads never straddle one needlessly

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}

export class WasmArena {
  /**
   * Kernel calls started on any arena of this thread (each begins with {@link reset}): compile's
   * audit of replayed calls that copied their operands through an arena (compile/wasm-audit.ts).
   * @internal
   */
  static calls = 0;
  private readonly base: number;
  private top: number;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);

  constructor(
    readonly memory: WebAssembly.Memory,
    heapBase: number,
  ) {
    this.base = align(heapBase);
    this.top = this.base;
    this.refreshViews();
  }

  /** Bytes of WebAssembly memory reserved so far. */
  get capacity(): number {
    return this.memory.buffer.byteLength;
  }

  /** Forgets every earlier allocation; call at the start of each kernel call. */
  reset(): void {
    WasmArena.calls++;
    this.top = this.base;
  }

  allocate(bytes: number): number {
    const ptr = this.top;
    const end = ptr + align(Math.max(bytes, 1));
    const have = this.f32.byteLength; // the views span the whole memory (reading memory.buffer costs more)
    if (end > have) {
      const needed = Math.ceil((end - have) / PAGE);
      // grow by at least half again, so a growing workload pays few grows
      if (!this.grow(Math.max(needed, Math.ceil(have / PAGE / 2))) && !this.grow(needed)) {
        throw new Error(`wasm backend: out of memory: a kernel call needs ${end - this.base} bytes of scratch (have ${have})`);
      }
    }
    this.top = end;
    return ptr;
  }

  /** Copies `values` into fresh scratch and returns its address. */
  put(values: RealArray): number {
    const ptr = this.allocate(values.byteLength);
    if (values instanceof Float64Array) this.f64.set(values, ptr >> 3);
    else this.f32.set(values, ptr >> 2);
    return ptr;
  }

  /** Copies int32 `values` (pooling indices) into fresh scratch and returns its address. */
  putInt32(values: Int32Array): number {
    const ptr = this.allocate(values.byteLength);
    new Int32Array(this.memory.buffer, ptr, values.length).set(values);
    return ptr;
  }

  /** Copies int32 scratch at `ptr` into `out`. */
  takeInt32(ptr: number, out: Int32Array): void {
    out.set(new Int32Array(this.memory.buffer, ptr, out.length));
  }

  /** Writes one number into fresh scratch (as f64 or f32) and returns its address. */
  putScalar(value: number, f64: boolean): number {
    const ptr = this.allocate(8);
    if (f64) this.f64[ptr >> 3] = value;
    else this.f32[ptr >> 2] = value;
    return ptr;
  }

  /** Copies scratch at `ptr` into `out`. */
  take(ptr: number, out: RealArray): void {
    const n = out.length;
    if (n <= 16) {
      // a view object costs more than copying a handful of values
      const source = out instanceof Float64Array ? this.f64 : this.f32;
      const start = out instanceof Float64Array ? ptr >> 3 : ptr >> 2;
      for (let i = 0; i < n; i++) out[i] = source[start + i]!;
      return;
    }
    out.set(this.view(ptr, n, out instanceof Float64Array));
  }

  view(ptr: number, length: number, f64: boolean): RealArray {
    return f64 ? this.f64.subarray(ptr >> 3, (ptr >> 3) + length) : this.f32.subarray(ptr >> 2, (ptr >> 2) + length);
  }

  /** Whole-memory views, remade after each grow (which detaches or outgrows the old buffer). */
  private refreshViews(): void {
    this.f32 = new Float32Array(this.memory.buffer);
    this.f64 = new Float64Array(this.memory.buffer);
  }

  private grow(pages: number): boolean {
    try {
      this.memory.grow(pages);
      this.refreshViews();
      return true;
    } catch {
      return false;
    }
  }
}
