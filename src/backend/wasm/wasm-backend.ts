import type { Backend, BatchNormRefs, BinaryOp, ConvOp, DataRef, LayerNormOp, NormOp, PoolOp, SoftmaxOp, MatmulSpec, ReduceOp, ScanOp, StridedRef, UnaryOp, WindowSpec } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { JsBackend } from "../js-backend.js";
import { arrayOf, newArray, realArrayOf as arrayOfReal, type FloatArray, type RealArray } from "../js-buffer.js";
import { copyStridedKernel } from "../js-elementwise.js";
import { instantiateKernels, type Kernels } from "./wasm-module.js";
import { WasmArena } from "./wasm-arena.js";
import { CONTROL_BYTES, MAX_THREADS, ThreadPool, convSplit, convWorthThreads, defaultWorkerCount, productSplit, productWorthThreads } from "./wasm-threads.js";
import { collapseAxes, twoLoops } from "./wasm-strided.js";
import { contiguousStrides, filledArray, isContiguous } from "../strides.js";
import { BINARY_OPS, CONV_OPS, LAYER_NORM_OPS, NORM_OPS, POOL_OPS, REDUCE_OPS, SOFTMAX_OPS, UNARY_OPS, opcodes, unknownOp } from "../op-table.js";

// Opcodes from the table of ops, as scripts/build-wasm.mjs numbers them for assembly/opcodes.ts.
const UNARY = opcodes(UNARY_OPS);
const BINARY = opcodes(BINARY_OPS);
const REDUCE = opcodes(REDUCE_OPS);
const CONV = opcodes(CONV_OPS);
const POOL = opcodes(POOL_OPS);
const NORM = opcodes(NORM_OPS);
const SOFTMAX = opcodes(SOFTMAX_OPS);
const LAYER_NORM = opcodes(LAYER_NORM_OPS);

/** The opcode of `op`, or a thrown error: an unknown name must not reach the kernels as 0 (neg, add). */
function opcode<Op extends string>(codes: Readonly<Record<Op, number>>, op: Op, kernel: string): number {
  const code = codes[op];
  if (code === undefined) throw unknownOp(`wasm backend ${kernel}`, op);
  return code;
}

/** Fails on a generated/kernels.ts built from another table (a stale build). */
function checkOpCounts(kernels: Kernels): void {
  const counts = kernels.opCounts();
  const built: number[] = [counts & 1023, (counts >> 10) & 1023, counts >> 20];
  const table: number[] = [UNARY_OPS.length, BINARY_OPS.length, REDUCE_OPS.length];
  built.push(kernels.convOpCount(), kernels.poolOpCount(), kernels.normOpCount(), kernels.softmaxOpCount(), kernels.layerNormOpCount());
  table.push(CONV_OPS.length, POOL_OPS.length, NORM_OPS.length, SOFTMAX_OPS.length, LAYER_NORM_OPS.length);
  if (built.join() !== table.join()) {
    throw new Error(`wasm backend: the kernels were built for ${built.join("/")} unary/binary/reduce/conv/pool/norm/softmax/layerNorm ops, the op table has ${table.join("/")}; run npm run build:wasm`);
  }
}

/** Strides of a number operand: 0 on every axis (shared, so a call allocates none). */
const NO_STRIDES: readonly number[] = filledArray(32, 0); // packed, as every strides array (see strides.ts)

/** Below this many elements a call into WebAssembly costs more than the TS loop it replaces (compile's executor makes the same choice). */
export const SMALL = 32;

/** Up to this many gradient values a scatter-add runs on the TS kernel (see WasmBackend.scatterAdd). */
const SCATTER_IN_TS = 1 << 14;

/** Whether a buffer is float32 or float64: the WebAssembly kernels compute on those alone. */
function isReal(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

function elementBytes(dtype: DType): number {
  return dtype === "float64" ? 8 : 4;
}

/**
 * The WebAssembly SIMD backend: kernels compiled from AssemblyScript, with a packed,
 * register-blocked matmul.
 *
 * Tensor data lives in typed arrays, as on the TS backend, and each kernel call copies its
 * operands into the module's memory and its result out. Keeping tensors resident in
 * WebAssembly memory would save those copies, but its buffers can only be freed from a
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
  private parallel: { kernels: Kernels; arena: WasmArena; pool: ThreadPool; module: WebAssembly.Module } | null | undefined;
  private readonly k: Kernels;
  private readonly js = new JsBackend();

  /** `workers`: threads besides the caller (default: one per further core, or $NABLA_THREADS − 1). */
  constructor(workers = defaultWorkerCount()) {
    const { kernels, memory, variant } = instantiateKernels(false);
    checkOpCounts(kernels);
    this.k = kernels;
    this.variant = variant;
    this.arena = new WasmArena(memory, kernels.heapBase());
    this.threads = workers > 0 && typeof SharedArrayBuffer !== "undefined" ? Math.min(workers, MAX_THREADS - 1) + 1 : 1;
    if (this.threads === 1) this.parallel = null;
  }

  /** Threads computing large products now: 1 until the workers have started (on the first such product). */
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

  /** The shared-memory kernels and worker threads, started on first use; null if unavailable. */
  private startParallel(): { kernels: Kernels; arena: WasmArena; pool: ThreadPool; module: WebAssembly.Module } | null {
    const { kernels, memory, module } = instantiateKernels(true);
    // the workers' control block sits below the arena, which starts over on every call
    const control = Math.ceil(kernels.heapBase() / 64) * 64;
    const pool = ThreadPool.create(kernels, memory, module, control, this.threads - 1);
    return pool === null ? null : { kernels, arena: new WasmArena(memory, control + CONTROL_BYTES), pool, module };
  }

  allocate(size: number, dtype: DType): DataRef {
    return this.js.allocate(size, dtype);
  }
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef {
    return this.js.fromValues(values, dtype);
  }
  readonly readsSynchronously = true;
  read(ref: DataRef): FloatArray {
    return this.js.read(ref);
  }
  readAsync(ref: DataRef): Promise<FloatArray> {
    return this.js.readAsync(ref);
  }
  free(): void {
    // typed arrays are reclaimed by the garbage collector
  }
  fill(out: DataRef, value: number): void {
    this.js.fill(out, value);
  }
  cast(x: DataRef, out: DataRef): void {
    this.js.cast(x, out);
  }
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void {
    const { shape: dims, strides } = collapseAxes(shape, [x.strides]);
    if (dims.length === 1 && strides[0]![0] === 1) {
      // a dense run (copy_ of a whole tensor, contiguous()): one block copy
      arrayOf(out).set(arrayOf(x.ref).subarray(x.offset, x.offset + out.size));
      return;
    }
    this.js.copyStrided(x, shape, out);
  }
  // strided writes and selections only move values: the TS kernels, as for copyStrided
  copyInto(x: StridedRef, shape: readonly number[], out: StridedRef): void {
    this.js.copyInto(x, shape, out);
  }
  where(cond: StridedRef, a: StridedRef | number, b: StridedRef | number, shape: readonly number[], out: DataRef): void {
    this.js.where(cond, a, b, shape, out);
  }

  unary(op: UnaryOp, x: DataRef, out: DataRef, alpha = 0, beta = 0): void {
    if (out.size <= SMALL || !isReal(out) || !isReal(x)) return this.js.unary(op, x, out, alpha, beta);
    const code = opcode(UNARY, op, "unary");
    const arena = this.begin();
    const ptr = arena.put(arrayOfReal(x)); // element-wise in order, so the result may overwrite x
    (out.dtype === "float64" ? this.k.unaryF64 : this.k.unaryF32)(code, ptr, ptr, out.size, alpha, beta);
    arena.take(ptr, arrayOfReal(out));
  }
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void {
    if (out.size <= SMALL || !isReal(out)) return this.js.clamp(x, lo, hi, out);
    const arena = this.begin();
    const ptr = arena.put(arrayOfReal(x));
    (out.dtype === "float64" ? this.k.clampF64 : this.k.clampF32)(ptr, lo, hi, ptr, out.size);
    arena.take(ptr, arrayOfReal(out));
  }
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
    // integer and bool tensors, and comparisons (a bool result), run on the TypeScript kernels
    if (out.size <= SMALL || !isReal(out) || out.dtype !== a.ref.dtype) return this.js.binary(op, a, b, shape, out);
    const code = opcode(BINARY, op, "binary");
    let [left, right] = [a, b];
    let loops = twoLoops(shape, a.strides, b.strides);
    if (loops === null) {
      // three or more axes that do not merge: make the irregular operands dense, then it is one loop
      [left, right] = [this.dense(a, shape), this.dense(b, shape)];
      loops = twoLoops(shape, left.strides, right.strides)!;
    }
    const arena = this.begin();
    const dataA = arrayOfReal(left.ref);
    const dataB = arrayOfReal(right.ref);
    // only the elements each view reaches: a slice of a large tensor must not copy all of it
    const [loA, hiA] = span(left, shape);
    const [loB, hiB] = span(right, shape);
    const shared = dataB === dataA;
    const lo = shared ? Math.min(loA, loB) : loA;
    const ptrA = arena.put(range(dataA, lo, shared ? Math.max(hiA, hiB) : hiA));
    const ptrB = shared ? ptrA : arena.put(range(dataB, loB, hiB));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    const bytes = elementBytes(out.dtype);
    const offsetA = left.offset - lo;
    const offsetB = right.offset - (shared ? lo : loB);
    (out.dtype === "float64" ? this.k.binaryF64 : this.k.binaryF32)(code, ptrA + offsetA * bytes, loops.sa0, loops.sa1, ptrB + offsetB * bytes, loops.sb0, loops.sb1, ptrOut, loops.n0, loops.n1);
    arena.take(ptrOut, arrayOfReal(out));
  }
  binaryScalar(op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void {
    // integer and bool tensors, and comparisons (a bool result), run on the TypeScript kernels
    if (out.size <= SMALL || !isReal(out) || out.dtype !== a.ref.dtype) return this.js.binaryScalar(op, a, s, scalarFirst, shape, out);
    const code = opcode(BINARY, op, "binary");
    // the number is read with stride 0 on every axis, as a broadcast operand is
    const zeros = shape.length <= NO_STRIDES.length ? NO_STRIDES : filledArray(shape.length, 0);
    let left = a;
    let loops = twoLoops(shape, a.strides, zeros);
    if (loops === null) {
      left = this.dense(a, shape);
      loops = twoLoops(shape, left.strides, zeros)!;
    }
    const arena = this.begin();
    const bytes = elementBytes(out.dtype);
    const ptrA = arena.put(arrayOfReal(left.ref)) + left.offset * bytes;
    const ptrS = arena.putScalar(s, out.dtype === "float64");
    const ptrOut = arena.allocate(out.size * bytes);
    const kernel = out.dtype === "float64" ? this.k.binaryF64 : this.k.binaryF32;
    if (scalarFirst) kernel(code, ptrS, 0, 0, ptrA, loops.sa0, loops.sa1, ptrOut, loops.n0, loops.n1);
    else kernel(code, ptrA, loops.sa0, loops.sa1, ptrS, 0, 0, ptrOut, loops.n0, loops.n1);
    arena.take(ptrOut, arrayOfReal(out));
  }
  axpby(alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
    if (out.size <= SMALL || !isReal(out)) return this.js.axpby(alpha, x, beta, y, out);
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrY = arrayOfReal(y) === arrayOfReal(x) ? ptrX : arena.put(arrayOfReal(y));
    (out.dtype === "float64" ? this.k.axpbyF64 : this.k.axpbyF32)(alpha, ptrX, beta, ptrY, ptrX, out.size);
    arena.take(ptrX, arrayOfReal(out));
  }
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (x.size <= SMALL || !isReal(x)) return this.js.reduce(op, x, outer, axisSize, inner, out);
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    const row = arena.allocate(inner * 8);
    (out.dtype === "float64" ? this.k.reduceF64 : this.k.reduceF32)(opcode(REDUCE, op, "reduce"), ptrX, outer, axisSize, inner, ptrOut, row);
    arena.take(ptrOut, arrayOfReal(out));
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (!isReal(x) || !isReal(out)) return this.js.argmax(x, outer, axisSize, inner, out);
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    const f64Out = out.dtype === "float64";
    const kernel = x.dtype === "float64" ? (f64Out ? this.k.argmaxF64F64 : this.k.argmaxF64F32) : f64Out ? this.k.argmaxF32F64 : this.k.argmaxF32F32;
    kernel(ptrX, outer, axisSize, inner, ptrOut);
    arena.take(ptrOut, arrayOfReal(out));
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
  /**
   * log-sum-exp as four WebAssembly passes (max, x − max, exp, sum): the SIMD exp here is several
   * times faster than Math.exp, which dominates the one-pass TypeScript kernel.
   */
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (x.size <= SMALL || axisSize === 0 || !isReal(x)) return this.js.logsumexp(x, outer, axisSize, inner, out);
    const max = this.js.allocate(outer * inner, x.dtype);
    this.reduce("max", x, outer, axisSize, inner, max);
    const shifted = this.js.allocate(x.size, x.dtype);
    const view = { ref: x, offset: 0, strides: [axisSize * inner, inner, 1] };
    const maxView = { ref: max, offset: 0, strides: [inner, 0, 1] }; // the maximum repeated along the axis
    this.binary("sub", view, maxView, [outer, axisSize, inner], shifted);
    this.unary("exp", shifted, shifted);
    this.reduce("sum", shifted, outer, axisSize, inner, out);
    const m = arrayOf(max);
    const result = arrayOf(out);
    for (let i = 0; i < result.length; i++) {
      const mi = m[i]!;
      // all −∞: the answer is −∞; a +∞ or NaN maximum is the answer (x − m is NaN there)
      result[i] = mi === -Infinity || mi === Infinity || mi !== mi ? mi : mi + Math.log(result[i]!);
    }
  }
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k: number, descending: boolean, values: DataRef, indices: DataRef): void {
    this.js.sort(x, outer, axisSize, inner, k, descending, values, indices);
  }
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
    const { batch, m, k, n, transA, transB, batchStrideA, batchStrideB } = spec;
    if (!isReal(out)) return this.js.matmul(a, b, spec, out);
    if (this.matmulThreaded(a, b, spec, out)) return;
    const arena = this.begin();
    const ptrA = arena.put(arrayOfReal(a));
    const ptrB = arrayOfReal(b) === arrayOfReal(a) ? ptrA : arena.put(arrayOfReal(b));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    if ((m < 4 || n === 1) && batch * m * n * k <= 2 ** 20) {
      // too thin for the 4×8 micro-kernel's tiles: plain loops, no packing
      (out.dtype === "float64" ? this.k.matmulThinF64 : this.k.matmulThinF32)(ptrA, ptrB, ptrOut, batch, m, k, n, transA, transB, batchStrideA, batchStrideB);
      return arena.take(ptrOut, arrayOfReal(out));
    }
    // each buffer sized for f64, which covers f32
    const packA = arena.allocate(this.k.matmulScratchA() * 8);
    const packB = arena.allocate(this.k.matmulScratchB() * 8);
    const tile = arena.allocate(this.k.matmulTile() * 8);
    (out.dtype === "float64" ? this.k.matmulF64 : this.k.matmulF32)(ptrA, ptrB, ptrOut, batch, m, k, n, transA, transB, batchStrideA, batchStrideB, packA, packB, tile);
    arena.take(ptrOut, arrayOfReal(out));
  }
  /**
   * Runs a product on the worker threads where it is big enough (≥ 2²² multiply-adds) to pay
   * for them; false, having done nothing, when it is not or threads are unavailable.
   */
  private matmulThreaded(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): boolean {
    const { m, k, n, transA, transB } = spec;
    if (this.parallel === null || !productWorthThreads(spec)) return false;
    if (this.parallel === undefined) this.parallel = this.startParallel();
    if (this.parallel === null) return false;
    const { kernels, arena, pool } = this.parallel;
    arena.reset();
    const pa = arena.put(arrayOfReal(a));
    const pb = arrayOfReal(b) === arrayOfReal(a) ? pa : arena.put(arrayOfReal(b));
    const po = arena.allocate(out.size * elementBytes(out.dtype));
    const f64 = out.dtype === "float64";
    const { width, nc, rowChunk } = productSplit(spec, f64, this.threads);
    const bp = arena.allocate(k * nc * 8);
    const scratch: [number, number][] = [];
    for (let t = 0; t < this.threads; t++) scratch.push([arena.allocate(kernels.matmulScratchA() * 8), arena.allocate(kernels.matmulTile() * 8)]);
    for (let jc = 0; jc < n; jc += nc) {
      const columns = Math.min(nc, n - jc);
      const job = { a: pa, b: pb, out: po, m, k, n, transA, transB, jc, nc: columns, bp, scratch, panels: Math.ceil(columns / width), rowChunk };
      if (!pool.matmul(f64, job)) {
        if (jc > 0) throw new Error("wasm backend: worker threads stopped during a matmul");
        this.parallel = null; // they never started: run single-threaded from now on
        return false;
      }
    }
    arena.take(po, arrayOfReal(out));
    return true;
  }
  // A gather only moves values, like a strided copy: the TS kernel reads the int32 index as it
  // is, where the WebAssembly one needs x and the index (converted to x's dtype) copied in and
  // the result copied out. Measured 3× faster for a loss's class indices ([200, 2] → [200, 1])
  // and faster still for an embedding lookup ([65, 64] × 1024 rows).
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.js.gather(x, index, outer, axisSize, indexAxis, inner, out);
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
    const ptrIndex = arena.put(this.sameType(index, dy.dtype));
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
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrSpec = arena.put(specValues(spec));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    const ptrIndices = arena.allocate(indices.size * 4);
    (x.dtype === "float64" ? this.k.maxPool2dF64 : this.k.maxPool2dF32)(ptrX, ptrSpec, ptrOut, ptrIndices);
    arena.take(ptrOut, arrayOfReal(out));
    arena.takeInt32(ptrIndices, arrayOf(indices) as Int32Array);
  }
  batchNorm(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
    const dtype = refs.out.dtype;
    if (!isReal(refs.out) || refs.x.dtype !== dtype || (refs.dy !== null && refs.dy.dtype !== dtype)) return this.js.batchNorm(op, refs, outer, channels, inner, eps);
    const code = opcode(NORM, op, "batchNorm");
    const arena = this.begin();
    const bytes = elementBytes(dtype);
    const put = (ref: DataRef | null): number => (ref === null ? 0 : arena.put(this.sameType(ref, dtype)));
    const ptrX = put(refs.x), ptrDy = put(refs.dy), ptrWeight = put(refs.weight), ptrBias = put(refs.bias);
    const statistics = op === "batchNormGrad"; // read, else written
    const ptrMean = statistics ? put(refs.mean) : arena.allocate(channels * bytes);
    const ptrVariance = statistics ? put(refs.variance) : arena.allocate(channels * bytes);
    const ptrOut = arena.allocate(refs.out.size * bytes);
    const ptrDweight = refs.dweight === null ? 0 : arena.allocate(channels * bytes);
    const ptrDbias = refs.dbias === null ? 0 : arena.allocate(channels * bytes);
    (dtype === "float64" ? this.k.batchNormF64 : this.k.batchNormF32)(code, ptrX, ptrDy, ptrWeight, ptrBias, ptrMean, ptrVariance, ptrOut, ptrDweight, ptrDbias, outer, channels, inner, eps);
    takeNormResults(arena, refs, !statistics, ptrOut, ptrMean, ptrVariance, ptrDweight, ptrDbias);
  }
  softmax(op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal = 0): void {
    if (out.size <= SMALL || !isReal(out) || x.dtype !== out.dtype || (dy !== null && dy.dtype !== out.dtype)) return this.js.softmax(op, x, dy, outer, axisSize, inner, out, causal);
    const code = opcode(SOFTMAX, op, "softmax");
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrDy = dy === null ? 0 : arena.put(arrayOfReal(dy));
    // each slice is read whole before its results are written: the output may overwrite x
    (out.dtype === "float64" ? this.k.softmaxF64 : this.k.softmaxF32)(code, ptrX, ptrDy, outer, axisSize, inner, ptrX, causal);
    arena.take(ptrX, arrayOfReal(out));
  }
  layerNorm(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
    const dtype = refs.out.dtype;
    const same = (ref: DataRef | null): boolean => ref === null || ref.dtype === dtype;
    if (!isReal(refs.out) || ![refs.x, refs.dy, refs.weight, refs.bias, refs.mean, refs.variance].every(same)) return this.js.layerNorm(op, refs, rows, features, eps);
    const code = opcode(LAYER_NORM, op, "layerNorm");
    const arena = this.begin();
    const bytes = elementBytes(dtype);
    const put = (ref: DataRef | null): number => (ref === null ? 0 : arena.put(arrayOfReal(ref)));
    const ptrX = put(refs.x), ptrDy = put(refs.dy), ptrWeight = put(refs.weight), ptrBias = put(refs.bias);
    const statistics = op === "layerNormGrad"; // read, else written
    const ptrMean = statistics ? put(refs.mean) : arena.allocate(rows * bytes);
    const ptrVariance = statistics ? put(refs.variance) : arena.allocate(rows * bytes);
    const ptrOut = arena.allocate(refs.out.size * bytes);
    const ptrDweight = refs.dweight === null ? 0 : arena.allocate(features * bytes);
    const ptrDbias = refs.dbias === null ? 0 : arena.allocate(features * bytes);
    const acc = statistics ? arena.allocate(features * 16) : 0;
    (dtype === "float64" ? this.k.layerNormF64 : this.k.layerNormF32)(code, ptrX, ptrDy, ptrWeight, ptrBias, ptrMean, ptrVariance, ptrOut, ptrDweight, ptrDbias, rows, features, eps, acc);
    takeNormResults(arena, refs, !statistics, ptrOut, ptrMean, ptrVariance, ptrDweight, ptrDbias);
  }
  pool2d(op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
    if (!isReal(out) || x.dtype !== out.dtype) return this.js.pool2d(op, x, divisors, spec, out);
    const code = opcode(POOL, op, "pool2d");
    const arena = this.begin();
    const ptrX = arena.put(arrayOfReal(x));
    const ptrDivisors = arena.put(this.sameType(divisors, out.dtype));
    const ptrSpec = arena.put(specValues(spec));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    (out.dtype === "float64" ? this.k.pool2dF64 : this.k.pool2dF32)(code, ptrX, ptrDivisors, ptrSpec, ptrOut);
    arena.take(ptrOut, arrayOfReal(out));
  }
  maxPool2dGrad(dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
    if (!isReal(out) || dy.dtype !== out.dtype || indices.dtype !== "int32") return this.js.maxPool2dGrad(dy, indices, spec, out);
    const arena = this.begin();
    const ptrDy = arena.put(arrayOfReal(dy));
    const ptrIndices = arena.putInt32(arrayOf(indices) as Int32Array);
    const ptrSpec = arena.put(specValues(spec));
    const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
    (out.dtype === "float64" ? this.k.maxPool2dGradF64 : this.k.maxPool2dGradF32)(ptrDy, ptrIndices, ptrSpec, ptrOut);
    arena.take(ptrOut, arrayOfReal(out));
  }
  /**
   * Convolution in one call: the operands are copied in once, each image's windows are
   * unfolded into scratch here (a few hundred KB, it stays in cache) and fed to the packed
   * matmul, and the result, already [batch, out, outH, outW], is copied out once.
   */
  conv2d(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
    if (!isReal(out) || a.dtype !== out.dtype || b.dtype !== out.dtype) return this.js.conv2d(op, a, b, bias, spec, outChannels, out);
    const code = opcode(CONV, op, "conv2d");
    if (this.conv2dThreaded(op, code, a, b, bias, spec, outChannels, out)) return;
    const arena = this.begin();
    const bytes = elementBytes(out.dtype);
    const ptrA = arena.put(arrayOfReal(a));
    const ptrB = arena.put(arrayOfReal(b));
    const ptrBias = bias === null ? 0 : arena.put(this.sameType(bias, out.dtype));
    const { channels, kernelH, kernelW, outH, outW } = spec;
    const ptrSpec = arena.put(specValues(spec));
    const ptrOut = arena.allocate(out.size * bytes);
    // 16 bytes of slack after each: the kernel copies runs in whole v128s
    const cols = arena.allocate(channels * kernelH * kernelW * outH * outW * bytes + 16);
    const paddedRows = (outH - 1) * spec.strideH + (kernelH - 1) * spec.dilationH + 1;
    const paddedColumns = (outW - 1) * spec.strideW + (kernelW - 1) * spec.dilationW + 1;
    const padded = arena.allocate(channels * paddedRows * paddedColumns * bytes + 16);
    const packA = arena.allocate(this.k.matmulScratchA() * 8);
    const packB = arena.allocate(this.k.matmulScratchB() * 8);
    const tile = arena.allocate(this.k.matmulTile() * 8);
    (out.dtype === "float64" ? this.k.conv2dF64 : this.k.conv2dF32)(code, ptrA, ptrB, ptrBias, ptrSpec, outChannels, ptrOut, cols, padded, packA, packB, tile);
    arena.take(ptrOut, arrayOfReal(out));
  }

  /**
   * Runs a convolution on the worker threads where it is big enough (≥ 2²² multiply-adds and
   * 2 images) to pay for them, split by image: each task is the one-thread kernel on a run of
   * images, so conv2d and conv2dInputGrad give exactly the one-thread results. conv2dWeightGrad
   * sums each task's images into its own partial dW and adds the partials in task order here,
   * so its result depends on the thread count (the tasks) but never on timing. False, having
   * done nothing, when the op is too small or threads are unavailable.
   */
  private conv2dThreaded(op: ConvOp, code: number, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): boolean {
    const { batch, channels, kernelH, kernelW, outH, outW, height, width } = spec;
    const patch = channels * kernelH * kernelW, positions = outH * outW;
    if (this.parallel === null || !convWorthThreads(spec, outChannels)) return false;
    if (this.parallel === undefined) this.parallel = this.startParallel();
    if (this.parallel === null) return false;
    const { kernels, arena, pool } = this.parallel;
    arena.reset();
    const bytes = elementBytes(out.dtype);
    const f64 = out.dtype === "float64";
    const weightGrad = op === "conv2dWeightGrad";
    const { chunk, tasks: taskCount, lastChunk } = convSplit(batch, this.threads);
    const pa = arena.put(arrayOfReal(a));
    const pb = arena.put(arrayOfReal(b));
    const pBias = bias === null ? 0 : arena.put(this.sameType(bias, out.dtype));
    const pSpec = arena.put(specValues({ ...spec, batch: chunk }));
    const pLastSpec = arena.put(specValues({ ...spec, batch: lastChunk }));
    const image = channels * height * width * bytes, plane = outChannels * positions * bytes;
    const partial = outChannels * patch;
    const po = arena.allocate((weightGrad ? taskCount * partial * bytes : out.size * bytes));
    const paddedRows = (outH - 1) * spec.strideH + (kernelH - 1) * spec.dilationH + 1;
    const paddedColumns = (outW - 1) * spec.strideW + (kernelW - 1) * spec.dilationW + 1;
    // 16 bytes of slack after cols and padded: the kernel copies runs in whole v128s
    const sizes = [patch * positions * bytes + 16, channels * paddedRows * paddedColumns * bytes + 16, kernels.matmulScratchA() * 8, kernels.matmulScratchB() * 8] as const;
    const total = sizes[0] + sizes[1] + sizes[2] + sizes[3] + kernels.matmulTile() * 8;
    const scratch: number[] = [];
    for (let t = 0; t < this.threads; t++) scratch.push(arena.allocate(total));
    // conv2d reads x and writes y by image; conv2dInputGrad reads dy and writes dx by image;
    // conv2dWeightGrad reads x and dy by image and writes one partial dW per task
    const [aStep, bStep, outStep] = op === "conv2d" ? [image, 0, plane] : op === "conv2dInputGrad" ? [plane, 0, image] : [image, plane, partial * bytes / chunk];
    const job = { op: code, a: pa, b: pb, bias: pBias, outChannels, out: po, spec: pSpec, lastSpec: pLastSpec, aStep: aStep * chunk, bStep: bStep * chunk, outStep: outStep * chunk, tasks: taskCount, scratch, sizes };
    if (!pool.conv(f64, job)) {
      this.parallel = null; // the workers never started: run single-threaded from now on
      return false;
    }
    if (!weightGrad) {
      arena.take(po, arrayOfReal(out));
      return true;
    }
    // the partial sums in task order, rounded to the dtype at each addition like the kernel's
    const target = arrayOfReal(out);
    arena.take(po, target.subarray(0, partial));
    const view = f64 ? new Float64Array(arena.memory.buffer, po, taskCount * partial) : new Float32Array(arena.memory.buffer, po, taskCount * partial);
    for (let t = 1; t < taskCount; t++) {
      const offset = t * partial;
      for (let i = 0; i < partial; i++) target[i] = target[i]! + view[offset + i]!;
    }
    return true;
  }

  private begin(): WasmArena {
    this.arena.reset();
    return this.arena;
  }
  /** The index values in the data's dtype (the kernels read both with one element type). */
  private sameType(index: DataRef, dtype: DType): RealArray {
    if (index.dtype === dtype) return arrayOfReal(index);
    const values = arrayOf(index);
    const converted = newArray(values.length, dtype) as RealArray;
    converted.set(values);
    return converted;
  }
  /** `view` unchanged if it is dense or one repeated value, else a dense copy. */
  private dense(view: StridedRef, shape: readonly number[]): StridedRef {
    if (isContiguous(shape, view.strides) || view.strides.every((s) => s === 0)) return view;
    const copy = this.js.allocate(shape.reduce((p, d) => p * d, 1), view.ref.dtype);
    copyStridedKernel(arrayOf(view.ref), view.offset, view.strides, shape, arrayOf(copy));
    return { ref: copy, offset: 0, strides: contiguousStrides(shape) };
  }
}

/** The window geometry as the kernels read it (assembly/window-spec.ts): 14 f64, batch first. */
function specValues(spec: WindowSpec): Float64Array {
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  return Float64Array.of(batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW);
}

/** data[lo, hi), without a new view object when that is all of it (the usual case). */
function range(data: Float32Array | Float64Array, lo: number, hi: number): Float32Array | Float64Array {
  return lo === 0 && hi === data.length ? data : data.subarray(lo, hi);
}

/** The range [lo, hi) of buffer indices a strided view of `shape` reads. */
function span(view: StridedRef, shape: readonly number[]): [number, number] {
  let lo = view.offset;
  let hi = view.offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = (shape[d]! - 1) * view.strides[d]!;
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  return [lo, hi + 1];
}

/** Copies a batch-norm or layer-norm kernel's results out: out, the statistics it wrote, the affine grads asked for. */
function takeNormResults(arena: WasmArena, refs: BatchNormRefs, wroteStatistics: boolean, ptrOut: number, ptrMean: number, ptrVariance: number, ptrDweight: number, ptrDbias: number): void {
  arena.take(ptrOut, arrayOfReal(refs.out));
  if (wroteStatistics) {
    arena.take(ptrMean, arrayOfReal(refs.mean));
    arena.take(ptrVariance, arrayOfReal(refs.variance));
  }
  if (refs.dweight !== null) arena.take(ptrDweight, arrayOfReal(refs.dweight));
  if (refs.dbias !== null) arena.take(ptrDbias, arrayOfReal(refs.dbias));
}
