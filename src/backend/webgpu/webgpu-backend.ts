/**
 * The WebGPU backend: tensors live in GPU buffers from a size-bucketed pool, every kernel is a
 * WGSL compute shader (pipelines cached by source) submitted as it is issued, and data comes
 * back only through `readAsync` (`await t.data()`). Nothing in forward or backward waits on
 * the GPU. Buffers return to the pool when the garbage collector finalizes their tensors,
 * which happens between tasks: a training loop needs one `await` per step (and the pool asks
 * the engine for a collection past a high-water mark, gpu-buffer-pool.ts). A compiled step
 * (src/compile/webgpu-executor.ts) captures its kernels' commands once and submits them as one
 * command buffer per call; the plan's buffers stay its own (gpu-holds.ts). See docs/webgpu.md.
 */
import type { Backend, BatchNormRefs, BinaryOp, ConvOp, DataArray, DataRef, MatmulSpec, NormOp, PoolOp, ReduceOp, ScanOp, StridedRef, UnaryOp, WindowSpec } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { unaryKernel } from "../js-elementwise.js";
import { BufferPool, GpuRef } from "./gpu-buffer-pool.js";
import { openGpu, type GpuContext } from "./gpu-device.js";
import { findCollector } from "./gpu-collector.js";
import { CommandCapture, encodeCommands, type GpuCommand } from "./gpu-commands.js";
import { BufferHolds } from "./gpu-holds.js";
import { MAP_READ, USAGE, type GpuBufferHandle, type GpuCommandEncoder, type GpuComputePipeline, type GpuDevice } from "./gpu-types.js";
import { GROUP } from "./wgsl.js";
import { sizeOf, specTail, stridedTail } from "./kernel-params.js";
import { binaryScalarShader, binaryShader, unaryShader } from "./wgsl-elementwise.js";
import * as k from "./wgsl-kernels.js";
import { TILE, matmulShader, matmulSmallShader } from "./wgsl-matmul.js";
import { col2imShader, im2colShader, maxPool2dShader } from "./wgsl-window.js";

/** Live bytes of tensors past which allocation throws (a loop that never awaits). */
const DEFAULT_LIVE_LIMIT = 2 ** 31;
const STATUS_BYTES = 32;
/** Kernels recorded before a submit without waiting for a read. */
export const BATCH = 128;
const INDEX_OPS = ["", "gather", "scatter", "scatterAdd"];

const toInt32 = (v: number) => v | 0;

/** Host values as the device stores `dtype` (a bool is a u32). */
function deviceArray(values: ArrayLike<number>, dtype: DType): Float32Array | Int32Array | Uint32Array {
  return dtype === "float32" ? Float32Array.from(values) : dtype === "int32" ? Int32Array.from(values) : Uint32Array.from(values, (v) => (v === 0 ? 0 : 1));
}

/** Creates the backend on the first adapter WebGPU offers (see gpu-device.ts for the errors). */
export async function createWebGpuBackend(): Promise<WebGpuBackend> {
  return new WebGpuBackend(await openGpu(), DEFAULT_LIVE_LIMIT, await findCollector());
}

export class WebGpuBackend implements Backend {
  readonly name = "webgpu";
  readonly readsSynchronously = false;
  readonly needsFree = true;
  readonly description: string;
  private readonly device: GpuDevice;
  private readonly context: GpuContext;
  private readonly pool: BufferPool;
  private readonly pipelines = new Map<string, { pipeline: GpuComputePipeline; layout: unknown }>();
  private readonly status: GpuBufferHandle;
  private lost: string | null = null;
  /** The first shader or dispatch the device rejected (reported at the next kernel or read). */
  private rejected: string | null = null;
  private readonly pendingChecks: Promise<void>[] = [];
  /** Kernels issued so far (named in the device-lost error). */
  private kernels = 0;
  /**
   * Kernels are recorded into one command encoder and submitted together (at a read, or every
   * {@link BATCH} kernels): a submit per kernel cost more than the kernel. Buffers freed or
   * used once (parameters, copies) return to the pool only after that submit, so no recorded
   * command can see a buffer handed out again and written by `writeBuffer`, which runs at once.
   */
  private encoder: GpuCommandEncoder | null = null;
  private recorded = 0;
  private readonly afterSubmit: GpuRef[] = [];
  /** Command buffers submitted so far (a compiled step submits one per call). */
  submits = 0;
  /** Set while a compiled plan's kernels are captured (gpu-commands.ts), or while its call runs (no batch submits). */
  private capture: CommandCapture | null = null;
  private holding = false;
  /** Buffers a compiled plan holds, how many plans hold each, and whether its tensor was collected. */
  private readonly holds = new BufferHolds((ref) => this.free(ref));

  constructor(context: GpuContext, liveLimit = DEFAULT_LIVE_LIMIT, collect: (() => void) | null = null) {
    this.context = context;
    this.device = context.device;
    this.description = this.context.adapterName;
    this.pool = new BufferPool(this.device, liveLimit, collect);
    this.status = this.device.createBuffer({ size: STATUS_BYTES, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    void this.device.lost.then((info) => {
      this.lost = `${info.reason}${info.message !== "" ? `: ${info.message}` : ""}`;
    });
  }

  /** GPU memory held by tensors now, created in all (pool included) and handed out in all, and the collections the pool asked for. */
  memory(): { liveBytes: number; createdBytes: number; createdBuffers: number; handedOutBytes: number; collections: number } {
    const pool = this.pool;
    return { liveBytes: pool.liveBytes, createdBytes: pool.createdBytes, createdBuffers: pool.createdBuffers, handedOutBytes: pool.handedOutBytes, collections: pool.collections };
  }

  /**
   * Bytes of collected-but-not-yet-finalized tensors the pool lets accumulate above its low mark
   * (or the low mark itself, if more) before it asks the engine for a collection, where the
   * runtime offers one (Node); default 16 MiB.
   */
  get garbageFloor(): number {
    return this.pool.garbageFloor;
  }
  set garbageFloor(bytes: number) {
    this.pool.garbageFloor = bytes;
  }

  /**
   * @internal For compile: `refs` (a plan's buffers) stay out of the pool while `owner` (the
   * plan) is alive, even after their tensors are collected; then they go back as usual.
   */
  retain(refs: Iterable<DataRef>, owner: object): void {
    this.holds.retain(refs, owner);
  }

  /**
   * @internal For compile: runs `kernels` (calls of this backend's kernel methods) without
   * encoding anything, and returns the commands they would encode, with bind groups and
   * parameters made once; {@link encodeCaptured} encodes them on every call. Their buffers
   * return to the pool when `owner` is collected.
   */
  captureKernels(owner: object, kernels: () => void): readonly GpuCommand[] {
    if (this.capture !== null) throw new Error("webgpu: already capturing kernels");
    const capture = (this.capture = new CommandCapture());
    try {
      kernels();
    } finally {
      this.capture = null;
    }
    this.holds.releaseWith(capture.kept, owner);
    return capture.commands;
  }

  /** @internal Encodes captured commands into the encoder the next submit sends. */
  encodeCaptured(commands: readonly GpuCommand[]): void {
    this.checkAlive("a compiled step");
    encodeCommands(this.record(), commands);
    this.kernels += commands.length;
  }

  /** @internal Writes host values into an existing buffer (before every command submitted after this call). */
  upload(ref: DataRef, values: ArrayLike<number>): void {
    this.device.queue.writeBuffer((ref as GpuRef).buffer, 0, deviceArray(values, ref.dtype));
  }

  /** @internal Runs `fn` with every kernel it issues recorded into one command buffer, submitted at its end. */
  asOneSubmit<T>(fn: () => T): T {
    const outer = this.holding;
    this.holding = true;
    try {
      return fn();
    } finally {
      this.holding = outer;
      if (!outer) this.submit();
    }
  }

  private checkAlive(what: string): void {
    if (this.rejected !== null) throw new Error(`webgpu: ${this.rejected}; ${what} cannot run`);
    if (this.lost !== null) {
      throw new Error(`webgpu: the GPU device was lost (${this.lost}) after ${this.kernels} kernels; ${what} cannot run. Its tensors are gone: call setBackend("webgpu") again and restart from a checkpoint`);
    }
  }

  allocate(size: number, dtype: DType): GpuRef {
    this.checkAlive("allocate");
    const { ref, reused } = this.pool.allocate(size, dtype);
    this.capture?.made.add(ref);
    if (reused) {
      // new buffers start zeroed in WebGPU; pooled ones are cleared so that allocate always gives zeros
      if (this.capture !== null) this.capture.commands.push({ kind: "clear", buffer: ref.buffer });
      else this.record().clearBuffer(ref.buffer);
    }
    return ref;
  }
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef {
    const ref = this.pool.allocate(values.length, dtype).ref;
    if (values.length === 0) return ref;
    this.device.queue.writeBuffer(ref.buffer, 0, deviceArray(values, dtype));
    return ref;
  }
  read(): DataArray {
    throw new Error("webgpu: tensor data is read asynchronously (await t.data())");
  }
  async readAsync(dataRef: DataRef): Promise<DataArray> {
    await Promise.all(this.pendingChecks.splice(0));
    this.checkAlive("a read");
    const ref = dataRef as GpuRef;
    const bytes = ref.size * 4;
    const staging = this.device.createBuffer({ size: bytes + STATUS_BYTES, usage: MAP_READ | USAGE.COPY_DST });
    const encoder = this.record();
    if (bytes > 0) encoder.copyBufferToBuffer(ref.buffer, 0, staging, 0, bytes);
    encoder.copyBufferToBuffer(this.status, 0, staging, bytes, STATUS_BYTES);
    this.submit();
    try {
      await staging.mapAsync(MAP_READ);
    } catch (cause) {
      this.checkAlive("a read");
      throw cause;
    }
    const copy = staging.getMappedRange().slice(0);
    staging.unmap();
    staging.destroy();
    const status = new Int32Array(copy, bytes, STATUS_BYTES / 4);
    if (status[0] !== 0) {
      this.device.queue.writeBuffer(this.status, 0, new Int32Array(STATUS_BYTES / 4));
      throw new Error(`${INDEX_OPS[status[1]!]}: index ${status[3]} at position ${status[2]} is out of range [0, ${status[4]})`);
    }
    if (ref.dtype === "float32") return new Float32Array(copy, 0, ref.size);
    if (ref.dtype === "int32") return new Int32Array(copy, 0, ref.size);
    return Uint8Array.from(new Uint32Array(copy, 0, ref.size));
  }
  free(ref: DataRef): void {
    if (this.holds.keeps(ref)) return;
    // a kernel's scratch made while capturing belongs to the captured commands
    if (this.capture?.made.has(ref as GpuRef) === true) return void this.capture.kept.push(ref as GpuRef);
    if (this.encoder === null) this.pool.release(ref as GpuRef);
    else this.afterSubmit.push(ref as GpuRef);
  }

  /** The encoder kernels are recorded into now. */
  private record(): GpuCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder();
    return this.encoder;
  }

  /** Submits what was recorded, then returns the buffers it used once to the pool. */
  private submit(): void {
    if (this.encoder === null) return;
    this.device.queue.submit([this.encoder.finish()]);
    this.submits++;
    this.encoder = null;
    this.recorded = 0;
    for (const ref of this.afterSubmit.splice(0)) this.pool.release(ref);
  }

  private pipeline(source: string): { pipeline: GpuComputePipeline; layout: unknown } {
    let cached = this.pipelines.get(source);
    if (cached === undefined) {
      // a kernel the device rejects must fail loudly, never leave zeros: the error is reported
      // at the next kernel or read (WebGPU reports validation errors asynchronously)
      this.device.pushErrorScope("validation");
      const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module: this.device.createShaderModule({ code: source }), entryPoint: "main" } });
      this.pendingChecks.push(
        this.device.popErrorScope().then((error) => {
          if (error !== null && this.rejected === null) this.rejected = `the device rejected a kernel (${error.message.split("\n")[0]})`;
        }),
      );
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(source, cached);
    }
    return cached;
  }

  /**
   * Submits one kernel: binding 0 gets the parameters (prm[0] = threads; F(k) = floats[k] from
   * prm[1]; `ints` at their indices; `tail` from prm[8]), binding i the buffer given for it.
   */
  private run(
    what: string,
    source: string,
    buffers: Record<number, DataRef>,
    threads: number,
    options: { floats?: number[]; ints?: Record<number, number>; tail?: number[]; groups?: [number, number, number]; status?: boolean } = {},
  ): void {
    this.checkAlive(what);
    if (threads === 0) return;
    const tail = options.tail ?? [];
    const prm = new Int32Array(8 + tail.length);
    const floats = new Float32Array(prm.buffer);
    prm[0] = threads;
    (options.floats ?? []).forEach((v, i) => (floats[1 + i] = v));
    for (const [at, v] of Object.entries(options.ints ?? {})) prm[Number(at)] = v;
    prm.set(tail, 8);
    const params = this.pool.allocate(prm.length, "int32").ref;
    this.device.queue.writeBuffer(params.buffer, 0, prm);
    const { pipeline, layout } = this.pipeline(source);
    const commands: GpuCommand[] = [];
    const entries = [{ binding: 0, resource: { buffer: params.buffer } }];
    const written = Object.entries(buffers).filter(([at]) => Number(at) >= 5).map(([, ref]) => (ref as GpuRef).buffer);
    const temporaries: GpuRef[] = [];
    for (const [at, ref] of Object.entries(buffers)) {
      let buffer = (ref as GpuRef).buffer;
      if (Number(at) < 5 && written.includes(buffer)) {
        // an input that is also the output (out = x, in-place ops): WebGPU forbids the alias, so the kernel reads a copy
        const copy = this.pool.allocate(buffer.size / 4, "int32").ref;
        commands.push({ kind: "copy", from: buffer, to: copy.buffer, bytes: buffer.size });
        temporaries.push(copy);
        buffer = copy.buffer;
      }
      entries.push({ binding: Number(at), resource: { buffer } });
    }
    if (options.status === true) entries.push({ binding: 9, resource: { buffer: this.status } });
    let groups = options.groups;
    if (groups === undefined) {
      const count = Math.ceil(threads / GROUP);
      const x = Math.min(count, this.device.limits.maxComputeWorkgroupsPerDimension);
      groups = [x, Math.ceil(count / x), 1];
    }
    commands.push({ kind: "dispatch", pipeline, bindGroup: this.device.createBindGroup({ layout, entries }), groups });
    this.kernels++;
    if (this.capture !== null) {
      // captured for a compiled plan: its parameters and copies are written once and kept
      this.capture.commands.push(...commands);
      this.capture.kept.push(params, ...temporaries);
      return;
    }
    encodeCommands(this.record(), commands);
    this.afterSubmit.push(params, ...temporaries);
    if (++this.recorded >= BATCH && !this.holding) this.submit();
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
    this.run(`reduce ${op}`, k.reduceShader(op, x.dtype), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    this.run("argmax", k.reduceWithIndexShader("max", x.dtype, false), { 1: x, 6: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  reduceWithIndex(op: "max" | "min", x: DataRef, outer: number, axisSize: number, inner: number, values: DataRef, indices: DataRef): void {
    this.run(op, k.reduceWithIndexShader(op, x.dtype, true), { 1: x, 5: values, 6: indices }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  scan(op: ScanOp, x: DataRef, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: DataRef): void {
    this.run(`scan ${op}`, k.scanShader(op, x.dtype), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner, Number(reverse), Number(exclusive)] });
  }
  variance(x: DataRef, outer: number, axisSize: number, inner: number, correction: number, out: DataRef): void {
    this.onlyFloat32("variance", x);
    this.run("variance", k.varianceShader(), { 1: x, 5: out }, outer * inner, { floats: [correction], tail: [outer, axisSize, inner] });
  }
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void {
    this.onlyFloat32("logsumexp", x);
    this.run("logsumexp", k.logsumexpShader(), { 1: x, 5: out }, outer * inner, { tail: [outer, axisSize, inner] });
  }
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k_: number, descending: boolean, values: DataRef, indices: DataRef): void {
    this.run("sort", k.sortShader(x.dtype), { 1: x, 5: values, 6: indices }, outer * axisSize * inner, { tail: [outer, axisSize, inner, k_, Number(descending)] });
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
    if (spec.m >= 2 * TILE && spec.n >= 2 * TILE && spec.k >= 2 * TILE) this.run("matmul", matmulShader(), { 1: a, 2: b, 5: out }, 1, { tail, groups });
    else this.run("matmul", matmulSmallShader(), { 1: a, 2: b, 5: out }, spec.batch * spec.m * spec.n, { tail });
  }
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void {
    this.onlyInt32Index("gather", index);
    this.run("gather", k.gatherShader(x.dtype), { 1: x, 2: index, 5: out }, outer * indexAxis * inner, { tail: [outer, axisSize, indexAxis, inner], status: true });
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
  // Kernels the interface gained after this backend was written: each says so instead of computing anything else.
  maxPool2dGrad(): void {
    throw new Error("webgpu: maxPool2dGrad has no WGSL kernel yet");
  }
  pool2d(op: PoolOp): void {
    throw new Error(`webgpu: ${op} has no WGSL kernel yet`);
  }
  batchNorm(op: NormOp, _refs: BatchNormRefs): void {
    throw new Error(`webgpu: ${op} has no WGSL kernel yet`);
  }

  private onlyFloat32(op: string, ref: DataRef): void {
    if (ref.dtype !== "float32") throw new Error(`webgpu: ${op} runs on float32 tensors only, got ${ref.dtype}`);
  }
  private onlyInt32Index(op: string, index: DataRef): void {
    if (index.dtype !== "int32") throw new Error(`webgpu: ${op} takes int32 indices, got ${index.dtype}`);
  }
}
