import type { Backend, BatchNormRefs, DataArray, BinaryOp, ConvOp, DataRef, LayerNormOp, NormOp, PoolOp, SoftmaxOp, MatmulSpec, ReduceOp, ScanOp, StridedRef, UnaryOp, WindowSpec } from "./backend.js";
import { JsBuffer, arrayOf, newArray, recycleArray, type FloatArray } from "./js-buffer.js";
import { reduceWithIndexKernel } from "./js-reduce-with-index.js";
import { scanKernel } from "./js-scan.js";
import { sortKernel } from "./js-sort.js";
import { logsumexpKernel, varianceKernel } from "./js-statistics.js";
import { axpbyKernel, binaryKernel, clampKernel, copyStridedKernel, unaryKernel } from "./js-elementwise.js";
import { matmulKernel } from "./js-matmul.js";
import { argmaxKernel, gatherKernel, indexSelectKernel, reduceKernel, scatterAddKernel, scatterKernel } from "./js-reduce.js";
import { copyIntoKernel, whereKernel, type StridedArray } from "./js-movement.js";
import { filledArray, isContiguous } from "./strides.js";
import { col2imKernel, im2colKernel, maxPool2dGradKernel, maxPool2dKernel, pool2dKernel } from "./js-window.js";
import { conv2dKernel } from "./js-conv.js";
import { batchNormKernel } from "./js-batch-norm.js";
import { layerNormKernel } from "./js-layer-norm.js";
import { softmaxKernel } from "./js-softmax.js";
import type { DType } from "../tensor/dtype.js";

function isScalar(view: StridedRef): boolean {
  return view.strides.every((s) => s === 0);
}

/** out[i] = 1 where values[i] is non-zero or NaN, else 0 (PyTorch's conversion to bool). */
function toBool(values: ArrayLike<number>, out: FloatArray): void {
  for (let i = 0; i < values.length; i++) out[i] = values[i] === 0 ? 0 : 1;
}

// One cell per dtype that binaryScalar writes its number into: no buffer per call.
const SCALAR_F32 = new Float32Array(1);
const SCALAR_F64 = new Float64Array(1);
const SCALAR_I32 = new Int32Array(1);
const SCALAR_BOOL = new Uint8Array(1);

/**
 * A where operand as its kernel reads it: a number becomes one value read through zero strides (a
 * plain typed array, no backend buffer). Not a closure in where: under tsx a named arrow function
 * costs a defineProperty of its name per call.
 */
function whereOperand(v: StridedRef | number, shape: readonly number[]): StridedArray {
  return typeof v === "number" ? { data: Float64Array.of(v), offset: 0, strides: filledArray(shape.length, 0) } : { data: arrayOf(v.ref), offset: v.offset, strides: v.strides };
}

/** The pure-TypeScript backend: runs everywhere, the reference for every other backend. */
export class JsBackend implements Backend {
  readonly name = "js";

  allocate(size: number, dtype: DType): DataRef {
    return new JsBuffer(newArray(size, dtype), dtype);
  }
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef {
    const data = newArray(values.length, dtype);
    if (dtype === "bool") toBool(values, data);
    else data.set(values);
    return new JsBuffer(data, dtype);
  }
  fromArray(array: DataArray, dtype: DType): DataRef {
    const shared = (dtype === "float32" && array instanceof Float32Array) || (dtype === "float64" && array instanceof Float64Array) || (dtype === "int32" && array instanceof Int32Array);
    // not in newArray's own buffers: recycleArray never takes the caller's memory back
    return shared ? new JsBuffer(array, dtype) : this.fromValues(array, dtype);
  }
  readonly readsSynchronously = true;
  read(ref: DataRef): FloatArray {
    return arrayOf(ref).slice();
  }
  peek(ref: DataRef): FloatArray {
    return arrayOf(ref);
  }
  readAsync(ref: DataRef): Promise<FloatArray> {
    return Promise.resolve(this.read(ref));
  }
  free(): void {
    // typed arrays are reclaimed by the garbage collector
  }
  recycle(ref: DataRef): void {
    recycleArray(ref);
  }
  fill(out: DataRef, value: number): void {
    arrayOf(out).fill(out.dtype === "bool" ? Number(value !== 0) : value);
  }
  cast(x: DataRef, out: DataRef): void {
    // typed-array conversion truncates toward zero and wraps into int32, as C casts; a bool is
    // whether the value is non-zero (NaN included), not the low byte
    if (out.dtype === "bool" && x.dtype !== "bool") toBool(arrayOf(x), arrayOf(out));
    else arrayOf(out).set(arrayOf(x));
  }
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void {
    copyStridedKernel(arrayOf(x.ref), x.offset, x.strides, shape, arrayOf(out));
  }
  copyInto(x: StridedRef, shape: readonly number[], out: StridedRef): void {
    copyIntoKernel(arrayOf(x.ref), x.offset, x.strides, shape, arrayOf(out.ref), out.offset, out.strides);
  }
  where(cond: StridedRef, a: StridedRef | number, b: StridedRef | number, shape: readonly number[], out: DataRef): void {
    whereKernel(whereOperand(cond, shape), whereOperand(a, shape), whereOperand(b, shape), shape, arrayOf(out));
  }
  unary(op: UnaryOp, x: DataRef, out: DataRef, alpha = 0, beta = 0): void {
    unaryKernel(op, arrayOf(x), arrayOf(out), alpha, beta);
  }
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void {
    clampKernel(arrayOf(x), lo, hi, arrayOf(out));
  }
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
    const [da, oa, sa] = this.flatOperand(a, shape);
    const [db, ob, sb] = this.flatOperand(b, shape);
    binaryKernel(op, da, oa, sa, db, ob, sb, arrayOf(out));
  }
  binaryScalar(op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void {
    const [da, oa, sa] = this.flatOperand(a, shape);
    // the number in the operand's dtype (rounded, as a tensor of it would be), read through a
    // stride of 0 from a reused cell
    const dtype = a.ref.dtype;
    const cell = dtype === "float64" ? SCALAR_F64 : dtype === "int32" ? SCALAR_I32 : dtype === "bool" ? SCALAR_BOOL : SCALAR_F32;
    cell[0] = dtype === "bool" ? Number(s !== 0) : s;
    if (scalarFirst) binaryKernel(op, cell, 0, 0, da, oa, sa, arrayOf(out));
    else binaryKernel(op, da, oa, sa, cell, 0, 0, arrayOf(out));
  }
  axpby(alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
    axpbyKernel(alpha, arrayOf(x), beta, arrayOf(y), arrayOf(out));
  }
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    reduceKernel(op, arrayOf(x), outer, axisSize, inner, arrayOf(out));
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    argmaxKernel(arrayOf(x), outer, axisSize, inner, arrayOf(out));
  }
  reduceWithIndex(op: "max" | "min", x: DataRef, outer: number, axisSize: number, inner: number, values: DataRef, indices: DataRef): void {
    reduceWithIndexKernel(op, arrayOf(x), outer, axisSize, inner, arrayOf(values), arrayOf(indices));
  }
  scan(op: ScanOp, x: DataRef, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: DataRef): void {
    scanKernel(op, arrayOf(x), outer, axisSize, inner, reverse, exclusive, arrayOf(out));
  }
  variance(x: DataRef, outer: number, axisSize: number, inner: number, correction: number, out: DataRef): void {
    varianceKernel(arrayOf(x), outer, axisSize, inner, correction, arrayOf(out));
  }
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    logsumexpKernel(arrayOf(x), outer, axisSize, inner, arrayOf(out));
  }
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k: number, descending: boolean, values: DataRef, indices: DataRef): void {
    sortKernel(arrayOf(x), outer, axisSize, inner, k, descending, arrayOf(values), arrayOf(indices));
  }
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
    matmulKernel(arrayOf(a), arrayOf(b), spec, arrayOf(out));
  }
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    gatherKernel(arrayOf(x), arrayOf(index), outer, axisSize, indexAxis, inner, arrayOf(out));
  }
  indexSelect(x: DataRef, index: DataRef, outer: number, axisSize: number, count: number, inner: number, out: DataRef): void {
    indexSelectKernel(arrayOf(x), arrayOf(index), outer, axisSize, count, inner, arrayOf(out));
  }
  scatter(src: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    scatterKernel(arrayOf(src), arrayOf(index), outer, axisSize, indexAxis, inner, arrayOf(out));
  }
  scatterAdd(dy: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    scatterAddKernel(arrayOf(dy), arrayOf(index), outer, axisSize, indexAxis, inner, arrayOf(out));
  }
  im2col(x: DataRef, spec: WindowSpec, out: DataRef): void {
    im2colKernel(arrayOf(x), spec, arrayOf(out));
  }
  col2im(cols: DataRef, spec: WindowSpec, out: DataRef): void {
    col2imKernel(arrayOf(cols), spec, arrayOf(out));
  }
  maxPool2d(x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void {
    maxPool2dKernel(arrayOf(x), spec, arrayOf(out), arrayOf(indices));
  }
  maxPool2dGrad(dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
    maxPool2dGradKernel(arrayOf(dy), arrayOf(indices), spec, arrayOf(out));
  }
  batchNorm(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
    batchNormKernel(op, refs, outer, channels, inner, eps);
  }
  softmax(op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal = 0): void {
    softmaxKernel(op, x, dy, outer, axisSize, inner, out, causal);
  }
  layerNorm(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
    layerNormKernel(op, refs, rows, features, eps);
  }
  pool2d(op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
    pool2dKernel(op, arrayOf(x), arrayOf(divisors), spec, arrayOf(out));
  }
  conv2d(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
    conv2dKernel(op, arrayOf(a), arrayOf(b), bias === null ? null : arrayOf(bias), spec, outChannels, arrayOf(out));
  }

  /** A binary operand as (array, offset, step 1 or 0); other broadcasts are materialised. */
  private flatOperand(view: StridedRef, shape: readonly number[]): [FloatArray, number, number] {
    const data = arrayOf(view.ref);
    if (isScalar(view)) return [data, view.offset, 0];
    if (isContiguous(shape, view.strides)) return [data, view.offset, 1];
    let size = 1;
    for (const s of shape) size *= s;
    const dense = newArray(size, view.ref.dtype);
    copyStridedKernel(data, view.offset, view.strides, shape, dense);
    return [dense, 0, 1];
  }
}
