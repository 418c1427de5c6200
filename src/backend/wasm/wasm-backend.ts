import type { Backend, BinaryOp, DataRef, MatmulSpec, ReduceOp, StridedRef, UnaryOp } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { instantiateKernels, type Kernels } from "./wasm-module.js";
import { WasmHeap } from "./wasm-heap.js";
import { collapseAxes, isDense } from "./wasm-strided.js";

// Operation codes shared with assembly/elementwise.ts.
const UNARY: Record<UnaryOp, number> = { neg: 0, exp: 1, log: 2, sqrt: 3, abs: 4, sign: 5, relu: 6, sigmoid: 7, tanh: 8, step: 9 };
const BINARY: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6, gt: 7, ge: 8, lt: 9, le: 10, eq: 11 };

/** A buffer in the kernel module's memory: a byte address, an element count and a dtype. */
export class WasmRef implements DataRef {
  freed = false;
  constructor(
    readonly ptr: number,
    readonly size: number,
    readonly dtype: DType,
  ) {}
  get bytes(): number {
    return this.size * (this.dtype === "float64" ? 8 : 4);
  }
}

function ptrOf(ref: DataRef): number {
  return (ref as WasmRef).ptr;
}

/**
 * The WebAssembly SIMD backend: kernels compiled from AssemblyScript, tensor data kept in the
 * module's memory so no op copies between JS and WebAssembly. Buffers return to the allocator
 * when the tensor layer's finalizer calls {@link WasmBackend.free}.
 */
export class WasmBackend implements Backend {
  readonly name = "wasm";
  readonly variant: "relaxed-simd" | "simd";
  readonly heap: WasmHeap;
  private readonly k: Kernels;
  private readonly packA: number;
  private readonly packB: number;
  private readonly tile: number;
  private meta = 0;
  private metaInts = 0;
  private row = 0;
  private rowBytes = 0;

  constructor() {
    const { kernels, memory, variant } = instantiateKernels();
    this.k = kernels;
    this.variant = variant;
    this.heap = new WasmHeap(memory, kernels.heapBase());
    this.packA = this.heap.allocate(kernels.matmulScratchA() * 8);
    this.packB = this.heap.allocate(kernels.matmulScratchB() * 8);
    this.tile = this.heap.allocate(kernels.matmulTile() * 8);
  }

  allocate(size: number, dtype: DType): DataRef {
    const ref = new WasmRef(this.heap.allocate(size * (dtype === "float64" ? 8 : 4)), size, dtype);
    return ref;
  }
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef {
    const ref = this.allocate(values.length, dtype) as WasmRef;
    this.view(ref).set(values);
    return ref;
  }
  read(ref: DataRef): Float32Array | Float64Array {
    return this.view(ref as WasmRef).slice();
  }
  free(ref: DataRef): void {
    const buffer = ref as WasmRef;
    if (buffer.freed) return;
    buffer.freed = true;
    this.heap.release(buffer.ptr, buffer.bytes);
  }
  fill(out: DataRef, value: number): void {
    if (out.dtype === "float64") this.k.fillF64(ptrOf(out), value, out.size);
    else this.k.fillF32(ptrOf(out), value, out.size);
  }
  cast(x: DataRef, out: DataRef): void {
    const f64In = x.dtype === "float64";
    const f64Out = out.dtype === "float64";
    const kernel = f64In ? (f64Out ? this.k.castF64F64 : this.k.castF64F32) : f64Out ? this.k.castF32F64 : this.k.castF32F32;
    kernel(ptrOf(x), ptrOf(out), out.size);
  }
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void {
    const { shape: dims, strides } = collapseAxes(shape, [x.strides]);
    const meta = this.metaFor(dims.length);
    const ints = new Int32Array(this.heap.memory.buffer, meta, dims.length * 2);
    ints.set(dims);
    ints.set(strides[0]!, dims.length);
    const kernel = out.dtype === "float64" ? this.k.copyStridedF64 : this.k.copyStridedF32;
    kernel(ptrOf(x.ref), x.offset, meta, dims.length, ptrOf(out), out.size);
  }
  unary(op: UnaryOp, x: DataRef, out: DataRef): void {
    const kernel = out.dtype === "float64" ? this.k.unaryF64 : this.k.unaryF32;
    kernel(UNARY[op], ptrOf(x), ptrOf(out), out.size);
  }
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void {
    const kernel = out.dtype === "float64" ? this.k.clampF64 : this.k.clampF32;
    kernel(ptrOf(x), lo, hi, ptrOf(out), out.size);
  }
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
    const plan = collapseAxes(shape, [a.strides, b.strides]);
    if (plan.shape.length > 2) {
      // three or more irregular axes: make the irregular operands contiguous, then it is one loop
      const dense = (view: StridedRef): StridedRef | null => {
        if (isDense(shape, view.strides) || view.strides.every((s) => s === 0)) return null;
        const copy = this.allocate(out.size, out.dtype);
        this.copyStrided(view, shape, copy);
        return { ref: copy, offset: 0, strides: contiguous(shape) };
      };
      const da = dense(a);
      const db = dense(b);
      this.binary(op, da ?? a, db ?? b, shape, out);
      if (da !== null) this.free(da.ref);
      if (db !== null) this.free(db.ref);
      return;
    }
    const [sa, sb] = plan.strides as [number[], number[]];
    const inner = plan.shape.length - 1;
    const n1 = inner >= 0 ? plan.shape[inner]! : 1;
    const n0 = inner >= 1 ? plan.shape[0]! : 1;
    const kernel = out.dtype === "float64" ? this.k.binaryF64 : this.k.binaryF32;
    const elem = out.dtype === "float64" ? 8 : 4;
    kernel(
      BINARY[op],
      ptrOf(a.ref) + a.offset * elem, inner >= 1 ? sa[0]! : 0, inner >= 0 ? sa[inner]! : 0,
      ptrOf(b.ref) + b.offset * elem, inner >= 1 ? sb[0]! : 0, inner >= 0 ? sb[inner]! : 0,
      ptrOf(out), n0, n1,
    );
  }
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    const row = this.rowFor(inner);
    const kernel = out.dtype === "float64" ? this.k.reduceF64 : this.k.reduceF32;
    kernel(op === "sum" ? 0 : 1, ptrOf(x), outer, axisSize, inner, ptrOf(out), row);
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    const f64Out = out.dtype === "float64";
    const kernel = x.dtype === "float64" ? (f64Out ? this.k.argmaxF64F64 : this.k.argmaxF64F32) : f64Out ? this.k.argmaxF32F64 : this.k.argmaxF32F32;
    kernel(ptrOf(x), outer, axisSize, inner, ptrOf(out));
  }
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
    const { batch, m, k, n, transA, transB, batchStrideA, batchStrideB } = spec;
    const kernel = out.dtype === "float64" ? this.k.matmulF64 : this.k.matmulF32;
    kernel(ptrOf(a), ptrOf(b), ptrOf(out), batch, m, k, n, transA, transB, batchStrideA, batchStrideB, this.packA, this.packB, this.tile);
  }
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    const idx = this.sameType(index, x.dtype);
    const kernel = x.dtype === "float64" ? this.k.gatherF64 : this.k.gatherF32;
    kernel(ptrOf(x), ptrOf(idx), outer, axisSize, indexAxis, inner, ptrOf(out));
    if (idx !== index) this.free(idx);
  }
  scatterAdd(dy: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    const idx = this.sameType(index, dy.dtype);
    const kernel = dy.dtype === "float64" ? this.k.scatterAddF64 : this.k.scatterAddF32;
    kernel(ptrOf(dy), ptrOf(idx), outer, axisSize, indexAxis, inner, ptrOf(out));
    if (idx !== index) this.free(idx);
  }

  private view(ref: WasmRef): Float32Array | Float64Array {
    const buffer = this.heap.memory.buffer;
    return ref.dtype === "float64" ? new Float64Array(buffer, ref.ptr, ref.size) : new Float32Array(buffer, ref.ptr, ref.size);
  }
  /** The index buffer in the data's dtype (the kernels read both with one element type). */
  private sameType(index: DataRef, dtype: DType): DataRef {
    if (index.dtype === dtype) return index;
    const copy = this.allocate(index.size, dtype);
    this.cast(index, copy);
    return copy;
  }
  /** Scratch for copyStrided's shape, strides and odometer counters. */
  private metaFor(ndim: number): number {
    if (ndim * 3 > this.metaInts) {
      if (this.meta !== 0) this.heap.release(this.meta, this.metaInts * 4);
      this.metaInts = Math.max(96, ndim * 3);
      this.meta = this.heap.allocate(this.metaInts * 4);
    }
    return this.meta;
  }
  /** f64 scratch row for reductions over an inner axis. */
  private rowFor(inner: number): number {
    if (inner * 8 > this.rowBytes) {
      if (this.row !== 0) this.heap.release(this.row, this.rowBytes);
      this.rowBytes = Math.max(4096, inner * 8);
      this.row = this.heap.allocate(this.rowBytes);
    }
    return this.row;
  }
}

function contiguous(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let step = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = step;
    step *= shape[d]!;
  }
  return strides;
}
