import type { Backend, BatchNormRefs, DataArray, BinaryOp, ConvOp, DataRef, LayerNormOp, NormOp, PoolOp, SoftmaxOp, MatmulSpec, ReduceOp, ScanOp, StridedRef, UnaryOp, WindowSpec } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { JsBackend } from "../js-backend.js";
import { deferredBuffer, overwrittenArray, realArrayOf as arrayOfReal, type FloatArray } from "../js-buffer.js";
import { checkOpCounts, instantiateKernels, type Kernels } from "./wasm-module.js";
import { WasmArena } from "./wasm-arena.js";
import { CONTROL_BYTES, MAX_THREADS, ThreadPool, defaultWorkerCount } from "./wasm-threads.js";
import { EagerThreadTuner } from "./eager-tuner.js";
import { wasmCopyInto, wasmCopyStrided } from "./strided-copy.js";
import { isReal, sameType, type WasmContext, type WasmParallel } from "./wasm-context.js";
import { wasmMatmul } from "./wasm-matmul.js";
import { wasmBinary, wasmBinaryScalar } from "./wasm-binary.js";
import { wasmConv2d } from "./wasm-conv.js";
import { wasmBatchNorm, wasmLayerNorm } from "./wasm-norm.js";
import { wasmMaxPool2d, wasmMaxPool2dGrad, wasmPool2d } from "./wasm-pool.js";
import { wasmAxpby, wasmClamp, wasmUnary } from "./wasm-elementwise.js";
import { wasmArgmax, wasmLogsumexp, wasmReduce, wasmSoftmax } from "./wasm-reduce.js";

/** Below this many elements a call into WebAssembly costs more than the TS loop it replaces (compile's executor makes the same choice). */
export const SMALL = 32;

/** Up to this many gradient values a scatter-add runs on the TS kernel (see WasmBackend.scatterAdd). */
const SCATTER_IN_TS = 1 << 14;


/**
 * The WebAssembly SIMD backend: kernels compiled from AssemblyScript, with a packed,
 * register-blocked matmul.
 *
 * Tensor data lives in typed arrays, as on the TS backend, and each kernel call copies its
 * operands into the module's memory and its result out (into an array made then, unzeroed,
 * for a large output: js-buffer.ts's deferredBuffer) (large element-wise, pooling, reduction
 * and softmax calls a piece at a time, so those copies stay in cache: wasm-chunks.ts). Keeping
 * tensors resident in WebAssembly memory would save those copies, but its buffers can only be freed from a
 * FinalizationRegistry callback, and those run as separate tasks: a synchronous training loop
 * (the usual kind) never yields to them, so every intermediate of every step stays allocated
 * until the loop ends (measured: +110 KB per step on a 2→1 logistic regression, gigabytes over
 * an MNIST epoch). Typed arrays are reclaimed by the garbage collector inside the loop, so
 * memory stays flat without `dispose`. (A write-back cache of tensors in WebAssembly memory,
 * evicting the least recently used, was tried and measured slower: not knowing which tensors
 * died, it cycled through cold memory where the per-call scratch stays in cache.) Pure data movement (fill, cast, strided copies, gathers) runs on
 * the TS kernels directly, since copying into WebAssembly would only add work, and so do
 * element-wise ops on a handful of values (a loss, a scalar), where the call costs more.
 */
export class WasmBackend implements Backend {
  readonly name = "wasm";
  /** Which build runs: "relaxed-simd" where the engine validates it, else "simd". */
  readonly variant: "relaxed-simd" | "simd";
  readonly arena: WasmArena;
  /** Threads a large matmul or convolution runs on, the caller included (1 when single-threaded). */
  readonly threads: number;
  /**
   * The kernels over a shared memory, with their scratch and the worker threads: made for the
   * first product big enough to split (null where threads are unavailable). Everything else
   * runs on a module with ordinary memory, since V8 copies into and out of shared memory
   * word by word (relaxed atomics), not with memcpy: 15–25% of a tiny MLP's step.
   */
  private parallel: WasmParallel | null | undefined;
  private readonly k: Kernels;
  private readonly js = new JsBackend();
  /** What the entry points in wasm-elementwise.ts, wasm-binary.ts, wasm-reduce.ts, wasm-matmul.ts, wasm-conv.ts, wasm-norm.ts and wasm-pool.ts run on. */
  private readonly context: WasmContext;
  /**
   * Whether each large product or convolution runs on the worker threads or the calling
   * thread: measured per shape by default; `backend.threadTuner.mode = "single"` (or
   * "threads") fixes it. The values computed are the same either way.
   */
  readonly threadTuner = new EagerThreadTuner(undefined, () => this.parallel?.pool.joined ?? 0);

  /** `workers`: threads besides the caller (default: one per further core, or $NABLA_THREADS − 1). */
  constructor(workers = defaultWorkerCount()) {
    const { kernels, memory, variant } = instantiateKernels(false);
    checkOpCounts(kernels);
    this.k = kernels;
    this.variant = variant;
    this.arena = new WasmArena(memory, kernels.heapBase());
    this.threads = workers > 0 && typeof SharedArrayBuffer !== "undefined" ? Math.min(workers, MAX_THREADS - 1) + 1 : 1;
    if (this.threads === 1) this.parallel = null;
    this.context = {
      kernels,
      threads: this.threads,
      begin: () => this.begin(),
      parallel: () => {
        if (this.parallel === undefined) this.parallel = this.startParallel();
        return this.parallel;
      },
      stopParallel: () => {
        this.parallel = null;
      },
      tuner: this.threadTuner,
    };
  }

  /** Threads computing large products now: 1 until the workers have booted (started by the first such product). */
  get threadsRunning(): number {
    return 1 + (this.parallel?.pool.started ?? 0);
  }

  /**
   * The worker threads and the shared-memory build of the kernels they run, started on first
   * use; null where threads are unavailable. compile()'s plans run their large products and
   * convolutions on them, in a shared memory of their own attached to the pool.
   */
  threadPool(): { pool: ThreadPool; module: WebAssembly.Module } | null {
    if (this.parallel === undefined) this.parallel = this.startParallel();
    return this.parallel;
  }

  /**
   * @internal Resolves once a worker thread runs (true), or false where none will (one thread,
   * no worker_threads or Web Workers, or none started within 10 s). The workers start at the
   * first large product and join jobs once booted (about 40 ms in Node); until then products
   * run on the calling thread. For code that must see them take part: the thread tests.
   */
  async threadsStarted(): Promise<boolean> {
    const pool = this.threadPool()?.pool;
    if (pool === undefined) return false;
    while (pool.started === 0) {
      if (pool.failed) return false;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
    return true;
  }

  /** The shared-memory kernels and worker threads, started on first use; null if unavailable. */
  private startParallel(): WasmParallel | null {
    const { kernels, memory, module } = instantiateKernels(true);
    // the workers' control block sits below the arena, which starts over on every call
    const control = Math.ceil(kernels.heapBase() / 64) * 64;
    const pool = ThreadPool.create(kernels, memory, module, control, this.threads - 1);
    return pool === null ? null : { kernels, arena: new WasmArena(memory, control + CONTROL_BYTES), pool, module };
  }

  allocate(size: number, dtype: DType): DataRef {
    // large float outputs get their array from the kernel that writes them (js-buffer.ts)
    return deferredBuffer(size, dtype);
  }
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef {
    return this.js.fromValues(values, dtype);
  }
  fromArray(array: DataArray, dtype: DType): DataRef {
    return this.js.fromArray(array, dtype);
  }
  readonly readsSynchronously = true;
  read(ref: DataRef): FloatArray {
    return this.js.read(ref);
  }
  peek(ref: DataRef): FloatArray {
    return this.js.peek(ref);
  }
  readAsync(ref: DataRef): Promise<FloatArray> {
    return this.js.readAsync(ref);
  }
  free(): void {
    // typed arrays are reclaimed by the garbage collector
  }
  recycle(ref: DataRef): void {
    this.js.recycle(ref);
  }
  fill(out: DataRef, value: number): void {
    if (isReal(out)) overwrittenArray(out).fill(value); // an output made now is filled once, not zeroed first
    else this.js.fill(out, value);
  }
  cast(x: DataRef, out: DataRef): void {
    this.js.cast(x, out);
  }
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void {
    wasmCopyStrided(this.js, x, shape, out);
  }
  // strided writes and selections only move values: the TS kernels, as for copyStrided
  copyInto(x: StridedRef, shape: readonly number[], out: StridedRef): void {
    wasmCopyInto(this.js, x, shape, out);
  }
  where(cond: StridedRef, a: StridedRef | number, b: StridedRef | number, shape: readonly number[], out: DataRef): void {
    this.js.where(cond, a, b, shape, out);
  }

  unary(op: UnaryOp, x: DataRef, out: DataRef, alpha = 0, beta = 0): void {
    if (out.size <= SMALL || !isReal(out) || !isReal(x)) return this.js.unary(op, x, out, alpha, beta);
    wasmUnary(this.context, op, x, out, alpha, beta);
  }
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void {
    if (out.size <= SMALL || !isReal(out)) return this.js.clamp(x, lo, hi, out);
    wasmClamp(this.context, x, lo, hi, out);
  }
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
    // integer and bool tensors, and comparisons (a bool result), run on the TypeScript kernels
    if (out.size <= SMALL || !isReal(out) || out.dtype !== a.ref.dtype) return this.js.binary(op, a, b, shape, out);
    wasmBinary(this.context, this, op, a, b, shape, out);
  }
  binaryScalar(op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void {
    // integer and bool tensors, and comparisons (a bool result), run on the TypeScript kernels
    if (out.size <= SMALL || !isReal(out) || out.dtype !== a.ref.dtype) return this.js.binaryScalar(op, a, s, scalarFirst, shape, out);
    wasmBinaryScalar(this.context, this, op, a, s, scalarFirst, shape, out);
  }
  axpby(alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
    if (out.size <= SMALL || !isReal(out)) return this.js.axpby(alpha, x, beta, y, out);
    wasmAxpby(this.context, alpha, x, beta, y, out);
  }
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (x.size <= SMALL || !isReal(x)) return this.js.reduce(op, x, outer, axisSize, inner, out);
    wasmReduce(this.context, op, x, outer, axisSize, inner, out);
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (!isReal(x) || !isReal(out)) return this.js.argmax(x, outer, axisSize, inner, out);
    wasmArgmax(this.context, x, outer, axisSize, inner, out);
  }
  // Reductions with indices, scans, variance, log-sum-exp and sorting run on the TypeScript
  // kernels over this backend's (shared) typed arrays: a copy into the arena and back would
  // cost about what these single passes do.
  reduceWithIndex(op: "max" | "min", x: DataRef, outer: number, axisSize: number, inner: number, values: DataRef, indices: DataRef): void {
    this.js.reduceWithIndex(op, x, outer, axisSize, inner, values, indices);
  }
  scan(op: ScanOp, x: DataRef, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: DataRef): void {
    this.js.scan(op, x, outer, axisSize, inner, reverse, exclusive, out);
  }
  variance(x: DataRef, outer: number, axisSize: number, inner: number, correction: number, out: DataRef): void {
    this.js.variance(x, outer, axisSize, inner, correction, out);
  }
  // four WebAssembly passes (wasm-reduce.ts): its SIMD exp is several times faster than Math.exp
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (x.size <= SMALL || axisSize === 0 || !isReal(x)) return this.js.logsumexp(x, outer, axisSize, inner, out);
    wasmLogsumexp(this, x, outer, axisSize, inner, out);
  }
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k: number, descending: boolean, values: DataRef, indices: DataRef): void {
    this.js.sort(x, outer, axisSize, inner, k, descending, values, indices);
  }
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
    if (!isReal(out)) return this.js.matmul(a, b, spec, out);
    wasmMatmul(this.context, a, b, spec, out);
  }
  // A gather only moves values, like a strided copy: the TS kernel reads the int32 index as it
  // is, where the WebAssembly one needs x and the index (converted to x's dtype) copied in and
  // the result copied out. Measured 3× faster for a loss's class indices ([200, 2] → [200, 1])
  // and faster still for an embedding lookup ([65, 64] × 1024 rows).
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.js.gather(x, index, outer, axisSize, indexAxis, inner, out);
  }
  indexSelect(x: DataRef, index: DataRef, outer: number, axisSize: number, count: number, inner: number, out: DataRef): void {
    this.js.indexSelect(x, index, outer, axisSize, count, inner, out);
  }
  scatter(src: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.js.scatter(src, index, outer, axisSize, indexAxis, inner, out);
  }
  scatterAdd(dy: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    // small ones (a loss's gradient at its class indices) cost less in TS than the copies in and
    // out, the int32 index converted; from about 2¹⁴ values on the two are even
    if (!isReal(dy) || dy.size <= SCATTER_IN_TS) return this.js.scatterAdd(dy, index, outer, axisSize, indexAxis, inner, out);
    const arena = this.begin();
    const ptrDy = arena.put(arrayOfReal(dy));
    const ptrIndex = arena.put(sameType(index, dy.dtype));
    const ptrOut = arena.put(arrayOfReal(out)); // accumulates into what the caller put there
    (dy.dtype === "float64" ? this.k.scatterAddF64 : this.k.scatterAddF32)(ptrDy, ptrIndex, outer, axisSize, indexAxis, inner, ptrOut);
    arena.take(ptrOut, arrayOfReal(out));
  }
  // Sliding-window data movement runs on the TS kernels, as strided copies do: copying the input
  // into WebAssembly memory and the columns back would cost more than the gather itself.
  im2col(x: DataRef, spec: WindowSpec, out: DataRef): void {
    this.js.im2col(x, spec, out);
  }
  col2im(cols: DataRef, spec: WindowSpec, out: DataRef): void {
    this.js.col2im(cols, spec, out);
  }
  maxPool2d(x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void {
    if (!isReal(x) || out.dtype !== x.dtype || indices.dtype !== "int32") return this.js.maxPool2d(x, spec, out, indices);
    wasmMaxPool2d(this.context, x, spec, out, indices);
  }
  batchNorm(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
    const dtype = refs.out.dtype;
    if (!isReal(refs.out) || refs.x.dtype !== dtype || (refs.dy !== null && refs.dy.dtype !== dtype)) return this.js.batchNorm(op, refs, outer, channels, inner, eps);
    wasmBatchNorm(this.context, op, refs, outer, channels, inner, eps);
  }
  softmax(op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal = 0): void {
    if (out.size <= SMALL || !isReal(out) || x.dtype !== out.dtype || (dy !== null && dy.dtype !== out.dtype)) return this.js.softmax(op, x, dy, outer, axisSize, inner, out, causal);
    wasmSoftmax(this.context, op, x, dy, outer, axisSize, inner, out, causal);
  }
  layerNorm(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
    const dtype = refs.out.dtype;
    const same = (ref: DataRef | null): boolean => ref === null || ref.dtype === dtype;
    if (!isReal(refs.out) || ![refs.x, refs.dy, refs.weight, refs.bias, refs.mean, refs.variance].every(same)) return this.js.layerNorm(op, refs, rows, features, eps);
    wasmLayerNorm(this.context, op, refs, rows, features, eps);
  }
  pool2d(op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
    if (!isReal(out) || x.dtype !== out.dtype) return this.js.pool2d(op, x, divisors, spec, out);
    wasmPool2d(this.context, op, x, divisors, spec, out);
  }
  maxPool2dGrad(dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
    if (!isReal(out) || dy.dtype !== out.dtype || indices.dtype !== "int32") return this.js.maxPool2dGrad(dy, indices, spec, out);
    wasmMaxPool2dGrad(this.context, dy, indices, spec, out);
  }
  conv2d(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
    if (!isReal(out) || a.dtype !== out.dtype || b.dtype !== out.dtype) return this.js.conv2d(op, a, b, bias, spec, outChannels, out);
    wasmConv2d(this.context, op, a, b, bias, spec, outChannels, out);
  }

  private begin(): WasmArena {
    this.arena.reset();
    return this.arena;
  }
}
