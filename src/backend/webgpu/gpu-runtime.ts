/**
 * What every kernel of the WebGPU backend runs on: the device, the size-bucketed buffer pool,
 * pipelines cached by shader source (gpu-pipelines.ts), the command encoder kernels are
 * recorded into and its submits, asynchronous reads (with the device's index-check status),
 * the capture of a compiled plan's commands; a lost device or a rejected kernel fails the next
 * kernel or read (gpu-device-health.ts).
 * The WebGpuBackend class adds the kernels themselves on top (webgpu-backend.ts).
 */
import type { DataArray, DataRef } from "../backend.js";
import type { DType } from "../../tensor/dtype.js";
import { BufferPool, GpuRef } from "./gpu-buffer-pool.js";
import type { GpuContext } from "./gpu-device.js";
import { CommandCapture, encodeCommands, type GpuCommand } from "./gpu-commands.js";
import { BufferHolds } from "./gpu-holds.js";
import { DeviceHealth } from "./gpu-device-health.js";
import { MAP_READ, USAGE, type GpuBufferHandle, type GpuCommandEncoder, type GpuDevice } from "./gpu-types.js";
import { GROUP } from "./wgsl.js";
import { PipelineCache } from "./gpu-pipelines.js";
import { packParams, type RunOptions } from "./kernel-params.js";

/** Live bytes of tensors past which allocation throws (a loop that never awaits). */
export const DEFAULT_LIVE_LIMIT = 2 ** 31;
const STATUS_BYTES = 32;
/** Kernels recorded before a submit without waiting for a read. */
export const BATCH = 128;
const INDEX_OPS = ["", "gather", "scatter", "scatterAdd", "indexSelect"];

/** Host values as the device stores `dtype` (a bool is a u32). */
function deviceArray(values: ArrayLike<number>, dtype: DType): Float32Array | Int32Array | Uint32Array {
  return dtype === "float32" ? Float32Array.from(values) : dtype === "int32" ? Int32Array.from(values) : Uint32Array.from(values, (v) => (v === 0 ? 0 : 1));
}

export class GpuRuntime {
  readonly description: string;
  protected readonly device: GpuDevice;
  private readonly context: GpuContext;
  private readonly pool: BufferPool;
  private readonly pipelines: PipelineCache;
  private readonly status: GpuBufferHandle;
  /** A lost device or a rejected kernel, reported at the next kernel or read; the steps and kernels issued. */
  private readonly health: DeviceHealth;
  /**
   * Kernels are recorded into one command encoder and submitted together (at a read, or every
   * {@link BATCH} kernels): a submit per kernel cost more than the kernel. Buffers freed or
   * used once (parameters, copies) return to the pool only after that submit, so no recorded
   * command can see a buffer handed out again and written by `writeBuffer`, which runs at once.
   */
  private encoder: GpuCommandEncoder | null = null;
  private recorded = 0;
  private readonly afterSubmit: GpuRef[] = [];
  /**
   * Whether kernels share work through workgroup memory and barriers (the tiled matrix product,
   * a workgroup per output of a reduction, the bitonic sort): false on software adapters
   * (SwiftShader, llvmpipe), which run a barrier far slower than the work it saves (a sum of
   * [1024, 192] over its rows: 1.1 s with a workgroup per column, 15 ms with a thread). There the
   * product runs a barrier-free kernel with a 4×4 block of outputs per thread. Tests set it to
   * run both kinds.
   */
  workgroupMemory: boolean;
  /** Command buffers submitted so far (a compiled step submits one per call). */
  submits = 0;
  /** Set while a compiled plan's kernels are captured (gpu-commands.ts), or while its call runs (no batch submits). */
  private capture: CommandCapture | null = null;
  private holding = false;
  /** Buffers a compiled plan holds, how many plans hold each, and whether its tensor was collected. */
  private readonly holds = new BufferHolds((ref) => this.free(ref));

  constructor(context: GpuContext, liveLimit: number, collect: (() => void) | null) {
    this.context = context;
    this.device = context.device;
    this.description = this.context.adapterName;
    this.workgroupMemory = !/swiftshader|llvmpipe|lavapipe/i.test(this.description);
    this.pool = new BufferPool(this.device, liveLimit, collect);
    this.status = this.device.createBuffer({ size: STATUS_BYTES, usage: USAGE.STORAGE | USAGE.COPY_SRC | USAGE.COPY_DST });
    this.health = new DeviceHealth(this.device);
    this.pipelines = new PipelineCache(this.device, this.health);
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
    this.health.kernels += commands.length;
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

  /** Counts a training step (`optimizer.step()` calls it), named in a device-lost error. */
  stepIssued(): void {
    this.health.steps++;
  }

  /** Whether the device is gone (`setBackend("webgpu")` then opens a new one). */
  get deviceLost(): boolean {
    return this.health.isLost;
  }

  private checkAlive(what: string): void {
    this.health.check(what);
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
  /** A copy: the device's buffers cannot share the caller's array. */
  fromArray(array: DataArray, dtype: DType): DataRef {
    return this.fromValues(array, dtype);
  }
  read(): DataArray {
    throw new Error("webgpu: tensor data is read asynchronously (await t.data())");
  }
  async readAsync(dataRef: DataRef): Promise<DataArray> {
    await Promise.all(this.health.pendingChecks.splice(0));
    this.checkAlive("a read");
    const ref = dataRef as GpuRef;
    const bytes = ref.size * 4;
    const steps = this.health.steps;
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
    this.health.confirm(steps);
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

  /**
   * Submits one kernel: binding 0 gets the parameters (packParams in kernel-params.ts), binding i
   * the buffer given for it.
   */
  protected run(
    what: string,
    source: string,
    buffers: Record<number, DataRef>,
    threads: number,
    options: RunOptions = {},
  ): void {
    this.checkAlive(what);
    if (threads === 0) return;
    const prm = packParams(threads, options);
    const params = this.pool.allocate(prm.length, "int32").ref;
    this.device.queue.writeBuffer(params.buffer, 0, prm);
    const { pipeline, layout } = this.pipelines.get(source);
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
    this.health.kernels++;
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

  /** A kernel of wgsl-workgroup.ts: one workgroup per output (a 2-D grid past the adapter's per-dimension limit). */
  protected perOutput(what: string, source: string, buffers: Record<number, DataRef>, outputs: number, options: Pick<RunOptions, "floats" | "tail">): void {
    const limit = this.device.limits.maxComputeWorkgroupsPerDimension;
    const x = Math.min(outputs, limit);
    this.run(what, source, buffers, outputs, { ...options, groups: [x, Math.ceil(outputs / x), 1] });
  }
}
