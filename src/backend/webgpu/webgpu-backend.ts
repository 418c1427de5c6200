/**
 * The WebGPU backend: tensors live in GPU buffers from a size-bucketed pool, every kernel is a
 * WGSL compute shader (pipelines cached by source) submitted as it is issued, and data comes
 * back only through `readAsync` (`await t.data()`). Nothing in forward or backward waits on
 * the GPU. Buffers return to the pool when the garbage collector finalizes their tensors,
 * which happens between tasks: a training loop needs one `await` per step (and the pool asks
 * the engine for a collection past a high-water mark, gpu-buffer-pool.ts). A compiled step
 * (src/compile/webgpu-executor.ts) captures its kernels' commands once and submits them as one
 * command buffer per call; the plan's buffers stay its own (gpu-holds.ts). See docs/webgpu.md.
 * This file holds the kernels; the device, pool, encoder and reads are gpu-runtime.ts.
 */
import type { Backend, BatchNormRefs, BinaryOp, ConvOp, DataRef, LayerNormOp, MatmulSpec, NormOp, PoolOp, SoftmaxOp, ReduceOp, ScanOp, StridedRef, UnaryOp, WindowSpec } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { unaryKernel } from "../js-elementwise.js";
import { layerNormComposed, softmaxComposed } from "../composed-kernels.js";
import { openGpu, type GpuContext } from "./gpu-device.js";
import { findCollector } from "./gpu-collector.js";
import { DEFAULT_LIVE_LIMIT, GpuRuntime } from "./gpu-runtime.js";
import { unknownOp } from "../op-table.js";
import { sizeOf, specTail, stridedTail } from "./kernel-params.js";
import { binaryScalarShader, binaryShader, unaryShader } from "./wgsl-elementwise.js";
import * as k from "./wgsl-kernels.js";
import { BLOCK, TILE, matmulBlockedShader, matmulShader, matmulSmallShader } from "./wgsl-matmul.js";
import { col2imShader, im2colShader, maxPool2dShader } from "./wgsl-window.js";
import { avgPool2dGradShader, avgPool2dShader, maxPool2dGradShader } from "./wgsl-pool.js";
import { batchNormGradShader, batchNormShader, batchNormSumsShader } from "./wgsl-norm.js";
import { bitonicLoadShader, bitonicPassShader, bitonicTakeShader, keyDType } from "./wgsl-bitonic-passes.js";
import { reduceWithIndexWorkgroupShader, scanWorkgroupShader } from "./wgsl-workgroup-index.js";
import { BITONIC_MAX, bitonicSortShader, logsumexpWorkgroupShader, reduceWorkgroupShader, varianceWorkgroupShader } from "./wgsl-workgroup.js";

export { BATCH } from "./gpu-runtime.js";

const toInt32 = (v: number) => v | 0;

/**
 * A reduction, argmax or scan gets a workgroup per slice (a tree or scan in workgroup memory,
 * wgsl-workgroup.ts, wgsl-workgroup-index.ts) when its slices are too few to fill a GPU with
 * one thread each and its axis is long enough to split; otherwise one thread per slice walks it.
 * Float32 sums only: int32 sums stay on the exact one-thread kernel.
 */
const fewSlices = (slices: number, axisSize: number) => slices <= 4096 && axisSize >= 256;
const fewOutputs = (dtype: DType, outputs: number, axisSize: number) => dtype === "float32" && fewSlices(outputs, axisSize);

/** Creates the backend on the first adapter WebGPU offers (see gpu-device.ts for the errors). */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  return new WebGpuBackend(await openGpu(), DEFAULT_LIVE_LIMIT, await findCollector());
}

export class WebGpuBackend extends GpuRuntime implements Backend {
  readonly name = "webgpu";
  readonly readsSynchronously = false;
  readonly needsFree = true;

  constructor(context: GpuContext, liveLimit = DEFAULT_LIVE_LIMIT, collect: (() => void) | null = null) {
    super(context, liveLimit, collect);
  }

  /**
   * @internal Backward's spent gradients go back to the pool at once, as a finalizer's free
   * would later (in queue order: reused only by commands submitted after the ones that used
   * them), so a pass's gradients do not count against the live-bytes limit until a collection.
   */
  recycle(ref: DataRef): void {
    this.free(ref);
  }

  fill(out: DataRef, value: number): void {
    this.run("fill", k.fillShader(out.dtype), { 5: out }, out.size, { floats: [value], ints: { 2: out.dtype === "bool" ? Number(value !== 0) : toInt32(value) } });
  }
  cast(x: DataRef, out: DataRef): void {
    this.run("cast", k.castShader(x.dtype, out.dtype), { 1: x, 5: out }, out.size);
  }
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void {
    this.run("copy", k.copyStridedShader(out.dtype), { 1: x.ref, 5: out }, sizeOf(shape), { tail: stridedTail(shape, [x]) });
  }
  copyInto(x: StridedRef, shape: readonly number[], out: StridedRef): void {
    this.run("copy", k.copyIntoShader(x.ref.dtype, out.ref.dtype), { 1: x.ref, 5: out.ref }, sizeOf(shape), { tail: stridedTail(shape, [x, out]) });
  }
  where(cond: StridedRef, a: StridedRef | number, b: StridedRef | number, shape: readonly number[], out: DataRef): void {
    const operands = [cond, ...[a, b].filter((v): v is StridedRef => typeof v !== "number")];
    const buffers: Record<number, DataRef> = { 1: cond.ref, 5: out };
    if (typeof a !== "number") buffers[3] = a.ref;
    if (typeof b !== "number") buffers[4] = b.ref;
    const number = (v: StridedRef | number) => (typeof v === "number" ? v : 0);
    const source = k.whereShader(cond.ref.dtype, typeof a === "number" ? null : a.ref.dtype, typeof b === "number" ? null : b.ref.dtype, out.dtype);
    this.run("where", source, buffers, sizeOf(shape), { floats: [number(a), number(b)], ints: { 3: toInt32(number(a)), 4: toInt32(number(b)) }, tail: stridedTail(shape, operands) });
  }
  unary(op: UnaryOp, x: DataRef, out: DataRef, alpha = 0, beta = 0): void {
    const source = unaryShader(op, x.dtype, out.dtype); // throws for an op outside the table
    // the op's values at NaN, +∞ and −∞, from the reference kernel: WGSL may assume neither exists
    const special = new Float64Array(3);
    unaryKernel(op, Float64Array.of(Number.NaN, Infinity, -Infinity), special, alpha, beta);
    this.run(op, source, { 1: x, 5: out }, out.size, { floats: [alpha, beta, ...special] });
  }
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void {
    const bound = (v: number) => Math.max(-(2 ** 31), Math.min(2 ** 31 - 1, v));
    this.run("clamp", k.clampShader(out.dtype), { 1: x, 5: out }, out.size, { floats: [lo, hi], ints: { 3: Math.ceil(bound(lo)), 4: Math.floor(bound(hi)) } });
  }
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void {
    this.run(op, binaryShader(op, a.ref.dtype, b.ref.dtype, out.dtype), { 1: a.ref, 2: b.ref, 5: out }, sizeOf(shape), { tail: stridedTail(shape, [a, b]) });
  }
  binaryScalar(op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void {
    // the number in the operand's dtype, as a tensor holding it would have it
    const dtype = a.ref.dtype;
    const value = dtype === "int32" ? toInt32(s) : dtype === "bool" ? Number(s !== 0) : s;
    this.run(op, binaryScalarShader(op, dtype, scalarFirst, out.dtype), { 1: a.ref, 5: out }, sizeOf(shape), { floats: [value], ints: { 2: toInt32(value) }, tail: stridedTail(shape, [a]) });
  }
  axpby(alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void {
    this.onlyFloat32("axpby", out);
    this.run("axpby", k.axpbyShader(), { 1: x, 2: y, 5: out }, out.size, { floats: [alpha, beta] });
  }
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (this.workgroupMemory && fewOutputs(x.dtype, outer * inner, axisSize)) return this.perOutput(`reduce ${op}`, reduceWorkgroupShader(op), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
    this.run(`reduce ${op}`, k.reduceShader(op, x.dtype), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    if (this.workgroupMemory && fewSlices(outer * inner, axisSize)) return this.perOutput("argmax", reduceWithIndexWorkgroupShader("max", x.dtype, false), { 1: x, 6: out }, outer * inner, { tail: [outer, axisSize, inner] });
    this.run("argmax", k.reduceWithIndexShader("max", x.dtype, false), { 1: x, 6: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  reduceWithIndex(op: "max" | "min", x: DataRef, outer: number, axisSize: number, inner: number, values: DataRef, indices: DataRef): void {
    if (this.workgroupMemory && fewSlices(outer * inner, axisSize)) return this.perOutput(op, reduceWithIndexWorkgroupShader(op, x.dtype, true), { 1: x, 5: values, 6: indices }, outer * inner, { tail: [outer, axisSize, inner] });
    this.run(op, k.reduceWithIndexShader(op, x.dtype, true), { 1: x, 5: values, 6: indices }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  scan(op: ScanOp, x: DataRef, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: DataRef): void {
    const tail = [outer, axisSize, inner, Number(reverse), Number(exclusive)];
    if (this.workgroupMemory && fewSlices(outer * inner, axisSize)) return this.perOutput(`scan ${op}`, scanWorkgroupShader(op, x.dtype), { 1: x, 5: out }, outer * inner, { tail });
    this.run(`scan ${op}`, k.scanShader(op, x.dtype), { 1: x, 5: out }, outer * inner, { tail });
  }
  variance(x: DataRef, outer: number, axisSize: number, inner: number, correction: number, out: DataRef): void {
    this.onlyFloat32("variance", x);
    if (this.workgroupMemory && fewOutputs(x.dtype, outer * inner, axisSize)) return this.perOutput("variance", varianceWorkgroupShader(), { 1: x, 5: out }, outer * inner, { floats: [correction], tail: [outer, axisSize, inner] });
    this.run("variance", k.varianceShader(), { 1: x, 5: out }, outer * inner, { floats: [correction], tail: [outer, axisSize, inner] });
  }
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    this.onlyFloat32("logsumexp", x);
    if (this.workgroupMemory && fewOutputs(x.dtype, outer * inner, axisSize)) return this.perOutput("logsumexp", logsumexpWorkgroupShader(), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
    this.run("logsumexp", k.logsumexpShader(), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k_: number, descending: boolean, values: DataRef, indices: DataRef): void {
    const padded = 2 ** Math.ceil(Math.log2(Math.max(axisSize, 1)));
    const tail = [outer, axisSize, inner, k_, Number(descending), padded];
    // a bitonic network in workgroup memory where the slice fits; the rank kernel (n² per slice) is cheaper for short ones
    if (this.workgroupMemory && axisSize >= 64 && axisSize <= BITONIC_MAX) return this.perOutput("sort", bitonicSortShader(x.dtype), { 1: x, 5: values, 6: indices }, outer * inner, { tail });
    // longer axes: the same network, a dispatch per stage over scratch copies of the slices (O(n log² n), no barriers)
    if (axisSize > BITONIC_MAX) return this.sortByPasses(x, outer * inner, padded, tail, values, indices);
    this.run("sort", k.sortShader(x.dtype), { 1: x, 5: values, 6: indices }, outer * axisSize * inner, { tail: [outer, axisSize, inner, k_, Number(descending)] });
  }
  private sortByPasses(x: DataRef, slices: number, padded: number, tail: number[], values: DataRef, indices: DataRef): void {
    if (slices === 0) return;
    const keys = this.allocate(slices * padded, keyDType(x.dtype));
    const pos = this.allocate(slices * padded, "int32");
    this.run("sort", bitonicLoadShader(x.dtype), { 1: x, 5: keys, 6: pos }, slices * padded, { tail });
    for (let size = 2; size <= padded; size *= 2) {
      for (let stride = size / 2; stride >= 1; stride /= 2) this.run("sort", bitonicPassShader(x.dtype), { 5: keys, 6: pos }, (slices * padded) / 2, { tail: [...tail, size, stride] });
    }
    this.run("sort", bitonicTakeShader(x.dtype), { 1: keys, 2: pos, 5: values, 6: indices }, slices * tail[3]!, { tail });
    this.free(keys);
    this.free(pos);
  }
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
    this.onlyFloat32("matmul", a);
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    const groups: [number, number, number] = [Math.ceil(spec.n / TILE), Math.ceil(spec.m / TILE), spec.batch];
    if (groups.some((g) => g > limit)) throw new Error(`webgpu: matmul of ${spec.batch}×[${spec.m}, ${spec.k}]·[${spec.k}, ${spec.n}] needs more workgroups than the adapter's maxComputeWorkgroupsPerDimension of ${limit}`);
    if (spec.batch * spec.m * spec.n === 0) return;
    if (spec.k === 0) return this.fill(out, 0);
    const tail = [spec.m, spec.k, spec.n, Number(spec.transA), Number(spec.transB), spec.batchStrideA, spec.batchStrideB];
    // tiles in workgroup memory pay off once every side spans a few tiles
    const large = spec.m >= 2 * TILE && spec.n >= 2 * TILE && spec.k >= 2 * TILE;
    if (large && this.workgroupMemory) this.run("matmul", matmulShader(), { 1: a, 2: b, 5: out }, 1, { tail, groups });
    else if (large) this.run("matmul", matmulBlockedShader(), { 1: a, 2: b, 5: out }, spec.batch * Math.ceil(spec.m / BLOCK) * Math.ceil(spec.n / BLOCK), { tail });
    else this.run("matmul", matmulSmallShader(), { 1: a, 2: b, 5: out }, spec.batch * spec.m * spec.n, { tail });
  }
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.onlyInt32Index("gather", index);
    this.run("gather", k.gatherShader(x.dtype), { 1: x, 2: index, 5: out }, outer * indexAxis * inner, { tail: [outer, axisSize, indexAxis, inner], status: true });
  }
  indexSelect(x: DataRef, index: DataRef, outer: number, axisSize: number, count: number, inner: number, out: DataRef): void {
    this.onlyInt32Index("indexSelect", index);
    this.run("indexSelect", k.indexSelectShader(x.dtype), { 1: x, 2: index, 5: out }, outer * count * inner, { tail: [outer, axisSize, count, inner], status: true });
  }
  scatter(src: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.onlyInt32Index("scatter", index);
    this.run("scatter", k.scatterShader(src.dtype), { 1: src, 2: index, 5: out }, outer * inner, { tail: [outer, axisSize, indexAxis, inner], status: true });
  }
  scatterAdd(dy: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.onlyInt32Index("scatterAdd", index);
    this.onlyFloat32("scatterAdd", dy);
    this.run("scatterAdd", k.scatterAddShader(), { 1: dy, 2: index, 5: out }, outer * axisSize * inner, { tail: [outer, axisSize, indexAxis, inner], status: true });
  }
  im2col(x: DataRef, spec: WindowSpec, out: DataRef): void {
    this.run("im2col", im2colShader(), { 1: x, 5: out }, out.size, { tail: specTail(spec) });
  }
  col2im(cols: DataRef, spec: WindowSpec, out: DataRef): void {
    this.run("col2im", col2imShader(), { 1: cols, 5: out }, out.size, { tail: specTail(spec) });
  }
  maxPool2d(x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void {
    this.run("maxPool2d", maxPool2dShader(), { 1: x, 5: out, 6: indices }, out.size, { tail: specTail(spec) });
  }

  /**
   * Convolution from the tested kernels: im2col, the matrix product and copies between
   * [batch, outChannels, outH·outW] and [outChannels, batch·outH·outW].
   */
  conv2d(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
    const taps = spec.channels * spec.kernelH * spec.kernelW;
    const [batch, plane] = [spec.batch, spec.outH * spec.outW];
    const columns = batch * plane;
    const matmul = (x: DataRef, y: DataRef, m: number, k_: number, n: number, transA: boolean, transB: boolean, into: DataRef) =>
      this.matmul(x, y, { batch: 1, m, k: k_, n, transA, transB, batchStrideA: 0, batchStrideB: 0 }, into);
    // [batch, outChannels, plane] ↔ [outChannels, batch, plane]: the same permutation both ways
    const swap = (x: DataRef, into: DataRef) => this.copyStrided({ ref: x, offset: 0, strides: [plane, outChannels * plane, 1] }, [outChannels, batch, plane], into);
    if (op === "conv2d") {
      const cols = this.allocate(taps * columns, "float32");
      this.im2col(a, spec, cols);
      const product = this.allocate(outChannels * columns, "float32");
      matmul(b, cols, outChannels, taps, columns, false, false, product);
      this.copyStrided({ ref: product, offset: 0, strides: [plane, columns, 1] }, [batch, outChannels, plane], out);
      if (bias !== null) this.binary("add", { ref: out, offset: 0, strides: [outChannels * plane, plane, 1] }, { ref: bias, offset: 0, strides: [0, 1, 0] }, [batch, outChannels, plane], out);
      this.free(cols);
      this.free(product);
    } else if (op === "conv2dInputGrad") {
      const dy = this.allocate(outChannels * columns, "float32");
      swap(a, dy);
      const cols = this.allocate(taps * columns, "float32");
      matmul(b, dy, taps, outChannels, columns, true, false, cols);
      this.col2im(cols, spec, out);
      this.free(dy);
      this.free(cols);
    } else {
      const cols = this.allocate(taps * columns, "float32");
      this.im2col(a, spec, cols);
      const dy = this.allocate(outChannels * columns, "float32");
      swap(b, dy);
      matmul(dy, cols, outChannels, columns, taps, false, true, out);
      this.free(cols);
      this.free(dy);
    }
  }
  maxPool2dGrad(dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
    this.run("maxPool2dGrad", maxPool2dGradShader(), { 1: dy, 2: indices, 5: out }, out.size, { tail: specTail(spec) });
  }
  pool2d(op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
    if (op === "avgPool2d") this.run(op, avgPool2dShader(), { 1: x, 2: divisors, 5: out }, out.size, { tail: specTail(spec) });
    else if (op === "avgPool2dGrad") this.run(op, avgPool2dGradShader(), { 1: x, 2: divisors, 5: out }, out.size, { tail: specTail(spec) });
    else throw unknownOp("pool2d", op);
  }
  batchNorm(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
    this.onlyFloat32(op, refs.x);
    const options = { floats: [eps], tail: [outer, channels, inner] };
    const optional = (at: number, ref: DataRef | null): Record<number, DataRef> => (ref === null ? {} : { [at]: ref });
    if (op === "batchNorm") {
      const buffers = { 1: refs.x, 5: refs.out, 6: refs.mean, 7: refs.variance, ...optional(2, refs.weight), ...optional(3, refs.bias) };
      return this.perOutput(op, batchNormShader(refs.weight !== null, refs.bias !== null), buffers, channels, options);
    }
    if (op !== "batchNormGrad") throw unknownOp("batchNorm", op);
    // [Σ dy·x̂ per channel, Σ dy per channel]: the scale and shift gradients, and dx's two means
    const sums = this.allocate(2 * channels, "float32");
    this.perOutput("batchNormGrad sums", batchNormSumsShader(), { 1: refs.x, 2: refs.dy!, 3: refs.mean, 4: refs.variance, 5: sums }, channels, options);
    const buffers = { 1: refs.x, 2: refs.dy!, 4: sums, 5: refs.out, 6: refs.mean, 7: refs.variance, ...optional(3, refs.weight) };
    this.run(op, batchNormGradShader(refs.weight !== null), buffers, refs.out.size, options);
    if (refs.dweight !== null) this.copyStrided({ ref: sums, offset: 0, strides: [1] }, [channels], refs.dweight);
    if (refs.dbias !== null) this.copyStrided({ ref: sums, offset: channels, strides: [1] }, [channels], refs.dbias);
    this.free(sums);
  }
  // no fused WGSL kernels yet: softmax and layer norm run as this backend's reductions and element-wise kernels
  softmax(op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal = 0): void {
    softmaxComposed(this, op, x, dy, outer, axisSize, inner, out, causal);
  }
  layerNorm(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
    layerNormComposed(this, op, refs, rows, features, eps);
  }

  private onlyFloat32(op: string, ref: DataRef): void {
    if (ref.dtype !== "float32") throw new Error(`webgpu: ${op} runs on float32 tensors only, got ${ref.dtype}`);
  }
  private onlyInt32Index(op: string, index: DataRef): void {
    if (index.dtype !== "int32") throw new Error(`webgpu: ${op} takes int32 indices, got ${index.dtype}`);
  }
}
