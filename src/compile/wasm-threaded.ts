/**
 * A plan's large products and convolutions on the backend's worker threads, at plan addresses
 * (its element-wise chains and softmaxes: wasm-threaded-tasks.ts).
 * Eager mode splits them over the threads (wasm-threads.ts) after copying the operands into the
 * pool's shared memory and the result back out; here the plan's memory is itself shared and
 * attached to the pool, so the same jobs run where the plan placed their operands. The jobs
 * split exactly as the backend's do (the same thresholds, column blocks, row chunks and image
 * tasks, from wasm-threads.ts), so results are eager's bit for bit: a product's rows and a
 * convolution's images are each one thread's work, and a weight gradient's per-task partial
 * sums are added in task order, as the backend adds them.
 */
import type { ConvOp, DataRef, MatmulSpec, WindowSpec } from "../backend/backend.js";
import { BINARY_OPS, CONV_OPS, opcodes } from "../backend/op-table.js";
import type { Kernels } from "../backend/wasm/wasm-module.js";
import { convScratchSizes } from "../backend/wasm/wasm-conv.js";
import { batchWorthThreads, convSplit, convWorthThreads, productSplit, productWorthThreads, type AttachedMemory, type SharedProduct, type ThreadPool } from "../backend/wasm/wasm-threads.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { windowStep } from "./wasm-window.js";
import { softmaxThreadedStep } from "./wasm-threaded-tasks.js";

const CONV = opcodes(CONV_OPS);
const ADD = opcodes(BINARY_OPS).add;
const SPEC_BYTES = 14 * 8;

/** The pool a plan's memory is attached to, and where the threaded kernels' scratch starts. */
export interface Threading {
  readonly pool: ThreadPool;
  readonly on: AttachedMemory;
  /** Threads, the caller included (the backend's count, which decides how jobs split). */
  readonly threads: number;
  readonly scratch: number;
}

function real(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

function align(bytes: number): number {
  return Math.ceil(bytes / 64) * 64;
}

/** Bytes of one thread's convolution scratch, and its parts: unfolded windows, padded image, packed A, packed B (then a tile). */
function convScratch(op: ConvOp, spec: WindowSpec, outChannels: number, bytes: number, k: Kernels): { sizes: [number, number, number, number]; total: number } {
  const { cols, padded } = convScratchSizes(op, spec, outChannels, bytes);
  const sizes: [number, number, number, number] = [cols, padded, k.matmulScratchA() * 8, k.matmulScratchB() * 8];
  return { sizes, total: align(sizes[0] + sizes[1] + sizes[2] + sizes[3] + k.matmulTile() * 8) };
}

/**
 * The scratch bytes of `plan`'s threaded nodes (the largest one's: they run one at a time) and
 * of their window specs; null when no node is big enough to run on `threads` threads.
 */
export function threadedBytes(plan: Plan, threads: number, k: Kernels): { scratch: number; specs: number } | null {
  if (threads < 2) return null;
  let scratch = -1;
  let specs = 0;
  for (const node of plan.nodes) {
    if (node.kind !== "kernel") continue;
    if (node.name === "matmul") {
      const [a, b, spec, out] = node.args as [DataRef, DataRef, MatmulSpec, DataRef];
      if (!real(out) || a.dtype !== out.dtype || b.dtype !== out.dtype) continue;
      if (batchWorthThreads(spec)) scratch = Math.max(scratch, threads * batchScratch(k));
      if (!productWorthThreads(spec)) continue;
      const { nc } = productSplit(spec, out.dtype === "float64", threads, k);
      scratch = Math.max(scratch, align(spec.k * nc * 8) + threads * (align(k.matmulScratchA() * 8) + align(k.matmulTile() * 8)));
    } else if (node.name === "conv2d") {
      const [op, a, b, bias, spec, outChannels, out] = node.args as [ConvOp, DataRef, DataRef, DataRef | null, WindowSpec, number, DataRef];
      if (!convable(op, a, b, bias, out) || !convWorthThreads(spec, outChannels)) continue;
      const bytes = out.dtype === "float64" ? 8 : 4;
      const { tasks } = convSplit(spec.batch, threads);
      const partials = op === "conv2dWeightGrad" ? align(tasks * out.size * bytes) : 0;
      scratch = Math.max(scratch, partials + threads * convScratch(op, spec, outChannels, bytes, k).total);
      specs += 2 * SPEC_BYTES;
    }
  }
  return scratch < 0 ? null : { scratch, specs };
}

/** Bytes of one thread's scratch for a batched product: packed A, packed B and a tile, each sized for f64. */
function batchScratch(k: Kernels): number {
  return align(k.matmulScratchA() * 8) + align(k.matmulScratchB() * 8) + align(k.matmulTile() * 8);
}

function convable(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, out: DataRef): boolean {
  return real(out) && a.dtype === out.dtype && b.dtype === out.dtype && (bias === null || bias.dtype === out.dtype) && CONV[op] !== undefined;
}

/** The threaded call of a matmul or conv2d node, or null where it runs on one thread. */
export function threadedStep(name: string, args: readonly unknown[], context: StepContext): (() => void) | null {
  const threading = context.threading;
  if (threading === null) return null;
  if (name === "matmul") return productStep(args, context, threading) ?? batchStep(args, context, threading);
  if (name === "conv2d") return convStep(args, context, threading);
  if (name === "softmax") return softmaxThreadedStep(args, context);
  return null;
}

function productStep(args: readonly unknown[], context: StepContext, threading: Threading): (() => void) | null {
  const [a, b, spec, out] = args as [DataRef, DataRef, MatmulSpec, DataRef];
  if (!real(out) || a.dtype !== out.dtype || b.dtype !== out.dtype || !productWorthThreads(spec)) return null;
  const { k, ptr } = context;
  const { pool, on, threads } = threading;
  const f64 = out.dtype === "float64";
  const { m, k: depth, n, transA, transB } = spec;
  const { width, nc, rowChunk, chunkTasks, stripRows } = productSplit(spec, f64, threads, k);
  const bp = threading.scratch;
  const scratch: [number, number][] = [];
  let at = bp + align(depth * nc * 8);
  for (let t = 0; t < threads; t++) {
    scratch.push([at, at + align(k.matmulScratchA() * 8)]);
    at += align(k.matmulScratchA() * 8) + align(k.matmulTile() * 8);
  }
  const [pa, pb, po] = [ptr(a), ptr(b), ptr(out)];
  const jobs: SharedProduct[] = [];
  for (let jc = 0; jc < n; jc += nc) {
    const columns = Math.min(nc, n - jc);
    jobs.push({ a: pa, b: pb, out: po, m, k: depth, n, transA, transB, jc, nc: columns, bp, scratch, panels: Math.ceil(columns / width), rowChunk, chunkTasks, stripRows });
  }
  // where the workers will not start, the backend runs products on one thread: so does the plan
  const packA = context.matmulScratch;
  const packB = packA + k.matmulScratchA() * 8;
  const tile = packB + k.matmulScratchB() * 8;
  const single = f64 ? k.matmulF64 : k.matmulF32;
  return () => {
    for (let j = 0; j < jobs.length; j++) {
      if (pool.matmul(f64, jobs[j]!, on)) continue;
      if (j > 0) throw new Error("compile: worker threads stopped during a matmul");
      return single(pa, pb, po, 1, m, depth, n, transA, transB, spec.batchStrideA, spec.batchStrideB, packA, packB, tile);
    }
  };
}

/**
 * A batched product (attention's per-head products) split into runs of whole matrices, about
 * two per thread: each matrix is the one-thread kernel's, as in the single call eager mode makes.
 */
function batchStep(args: readonly unknown[], context: StepContext, threading: Threading): (() => void) | null {
  const [a, b, spec, out] = args as [DataRef, DataRef, MatmulSpec, DataRef];
  if (!real(out) || a.dtype !== out.dtype || b.dtype !== out.dtype || !batchWorthThreads(spec)) return null;
  const { k, ptr } = context;
  const { pool, on, threads } = threading;
  const f64 = out.dtype === "float64";
  const { batch, m, k: depth, n, transA, transB, batchStrideA, batchStrideB } = spec;
  const chunk = Math.ceil(batch / Math.min(batch, 2 * threads));
  const scratch = Array.from({ length: threads }, (_, t) => threading.scratch + t * batchScratch(k));
  const sizes = [align(k.matmulScratchA() * 8), align(k.matmulScratchB() * 8)] as const;
  const [pa, pb, po] = [ptr(a), ptr(b), ptr(out)];
  const job = { a: pa, b: pb, out: po, batch, m, k: depth, n, transA, transB, strideA: batchStrideA, strideB: batchStrideB, chunk, scratch, sizes };
  const packA = context.matmulScratch;
  const packB = packA + k.matmulScratchA() * 8;
  const tile = packB + k.matmulScratchB() * 8;
  const single = f64 ? k.matmulF64 : k.matmulF32;
  const small = (f64 ? k.smallProductF64 : k.smallProductF32)(m, depth, n) ? (f64 ? k.matmulSmallF64 : k.matmulSmallF32) : null;
  const thin = (f64 ? k.thinProductF64 : k.thinProductF32)(m, depth, n, transA, transB) ? (f64 ? k.matmulThinF64 : k.matmulThinF32) : null;
  return () => {
    if (pool.batched(f64, job, on)) return;
    if (thin !== null) thin(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB);
    else if (small !== null) small(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, packA);
    else single(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, packA, packB, tile);
  };
}

function convStep(args: readonly unknown[], context: StepContext, threading: Threading): (() => void) | null {
  const [op, a, b, bias, spec, outChannels, out] = args as [ConvOp, DataRef, DataRef, DataRef | null, WindowSpec, number, DataRef];
  if (!convable(op, a, b, bias, out) || !convWorthThreads(spec, outChannels)) return null;
  const { k, ptr, memory } = context;
  const { pool, on, threads } = threading;
  const f64 = out.dtype === "float64";
  const bytes = f64 ? 8 : 4;
  const { batch, channels, height, width, kernelH, kernelW, outH, outW } = spec;
  const { chunk, tasks, lastChunk } = convSplit(batch, threads);
  const placeSpec = (images: number): number => {
    const at = context.reserve(SPEC_BYTES);
    const { strideH, strideW, padH, padW, dilationH, dilationW } = spec;
    new Float64Array(memory.buffer, at, 14).set([images, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW]);
    return at;
  };
  const weightGrad = op === "conv2dWeightGrad";
  const partial = out.size;
  const partials = threading.scratch;
  const { sizes, total } = convScratch(op, spec, outChannels, bytes, k);
  const first = partials + (weightGrad ? align(tasks * partial * bytes) : 0);
  const scratch = Array.from({ length: threads }, (_, t) => first + t * total);
  const image = channels * height * width * bytes, plane = outChannels * outH * outW * bytes;
  // conv2d reads x and writes y by image; conv2dInputGrad reads dy and writes dx by image;
  // conv2dWeightGrad reads x and dy by image and writes one partial dW per task
  const [aStep, bStep, outStep] = op === "conv2d" ? [image * chunk, 0, plane * chunk] : op === "conv2dInputGrad" ? [plane * chunk, 0, image * chunk] : [image * chunk, plane * chunk, partial * bytes];
  const po = ptr(out);
  const job = { op: CONV[op]!, a: ptr(a), b: ptr(b), bias: bias === null ? 0 : ptr(bias), outChannels, out: weightGrad ? partials : po, spec: placeSpec(chunk), lastSpec: placeSpec(lastChunk), aStep, bStep, outStep, tasks, scratch, sizes };
  const single = windowStep("conv2d", args, context)!;
  const add = f64 ? k.binaryF64 : k.binaryF32;
  const copy = f64 ? k.castF64F64 : k.castF32F32;
  return () => {
    if (!pool.conv(f64, job, on)) return single();
    if (!weightGrad) return;
    // the partial sums in task order, each addition rounded to the dtype, as the backend adds them
    if (tasks === 1) return copy(partials, po, partial);
    add(ADD, partials, 0, 1, partials + partial * bytes, 0, 1, po, 1, partial);
    for (let t = 2; t < tasks; t++) add(ADD, po, 0, 1, partials + t * partial * bytes, 0, 1, po, 1, partial);
  };
}
