// 2-D convolution and its two gradients on the WebAssembly kernels, split by image over the
// worker threads where it is big enough and that measures faster (eager-tuner.ts).
import type { ConvOp, DataRef, WindowSpec } from "../backend.js";
import { realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { CONV_OPS, opcodes } from "../op-table.js";
import { elementBytes, opcode, sameType, specValues, type WasmContext } from "./wasm-context.js";
import { convSplit, convWorthThreads } from "./wasm-threads.js";

const CONV = opcodes(CONV_OPS);

/**
 * A convolution op: on the calling thread, or, where it is big enough to split, on the worker
 * threads or the calling thread, whichever its shape measured faster (context.tuner).
 */
export function wasmConv2d(context: WasmContext, op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
  const code = opcode(CONV, op, "conv2d");
  const single = (): void => conv2dSingle(context, op, code, a, b, bias, spec, outChannels, out);
  if (context.threads === 1 || !convWorthThreads(spec, outChannels)) return single();
  const key = `${op} ${out.dtype} ${outChannels} ${specValues(spec).join(" ")}`;
  const threaded = (alone: boolean): boolean => conv2dThreaded(context, op, code, a, b, bias, spec, outChannels, out, alone);
  // a weight gradient's value depends on the split (one partial sum per task): alone, the
  // caller runs the same tasks; conv2d and conv2dInputGrad give the one-call kernel's values
  // whatever the split, so alone they run as that one call, without the shared memory's copies
  const alone = op === "conv2dWeightGrad" ? (): void => void (threaded(true) || single()) : single;
  context.tuner.run(key, () => threaded(false), alone);
}

/** A byte count rounded up to a cache line, as every scratch part starts on one. */
const line = (bytes: number): number => Math.ceil(bytes / 64) * 64;

/**
 * Bytes of a convolution kernel call's two scratch parts (assembly/conv.ts), each a cache line's
 * multiple with at least 16 bytes of slack (the kernel copies runs in whole v128s): `cols`, one
 * image's unfolded windows, and `padded`, one image with its zero border. conv2dInputGrad may
 * run as a correlation over dy instead (the kernel decides, by stride and padding): then `cols`
 * also holds that geometry and the flipped kernel, and both parts are sized for dy's O channels
 * over dx's H×W, whichever way is larger.
 */
export function convScratchSizes(op: ConvOp, spec: WindowSpec, outChannels: number, bytes: number): { cols: number; padded: number } {
  const { channels, height, width, kernelH, kernelW, outH, outW, dilationH, dilationW } = spec;
  const taps = kernelH * kernelW;
  const paddedRows = (outH - 1) * spec.strideH + (kernelH - 1) * dilationH + 1;
  const paddedColumns = (outW - 1) * spec.strideW + (kernelW - 1) * dilationW + 1;
  let cols = line(channels * taps * outH * outW * bytes + 16);
  let padded = line(channels * paddedRows * paddedColumns * bytes + 16);
  // conv2dWeightGrad may run turned around (assembly/conv-turned.ts weightGradTurns): dWᵀ after the windows
  if (op === "conv2dWeightGrad") cols += line(channels * taps * outChannels * bytes);
  if (op === "conv2dInputGrad") {
    // 128 bytes of geometry, the flipped kernel [C, O·kh·kw], then dy's windows [O·kh·kw, H·W]
    cols = Math.max(cols, 128 + line(channels * outChannels * taps * bytes) + line(outChannels * taps * height * width * bytes + 16));
    padded = Math.max(padded, line(outChannels * (height + (kernelH - 1) * dilationH) * (width + (kernelW - 1) * dilationW) * bytes + 16));
  }
  return { cols, padded };
}

/**
 * Convolution in one call, on the calling thread over ordinary memory: the operands are copied
 * in once, each image's windows are unfolded into scratch here (a few hundred KB, it stays in
 * cache) and fed to the packed matmul, and the result, already [batch, out, outH, outW], is
 * copied out once.
 */
function conv2dSingle(context: WasmContext, op: ConvOp, code: number, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void {
  const kernels = context.kernels;
  const arena = context.begin();
  const bytes = elementBytes(out.dtype);
  const ptrA = arena.put(arrayOfReal(a));
  const ptrB = arena.put(arrayOfReal(b));
  const ptrBias = bias === null ? 0 : arena.put(sameType(bias, out.dtype));
  const ptrSpec = arena.put(specValues(spec));
  const ptrOut = arena.allocate(out.size * bytes);
  const sizes = convScratchSizes(op, spec, outChannels, bytes);
  const cols = arena.allocate(sizes.cols);
  const padded = arena.allocate(sizes.padded);
  const packA = arena.allocate(kernels.matmulScratchA() * 8);
  const packB = arena.allocate(kernels.matmulScratchB() * 8);
  const tile = arena.allocate(kernels.matmulTile() * 8);
  (out.dtype === "float64" ? kernels.conv2dF64 : kernels.conv2dF32)(code, ptrA, ptrB, ptrBias, ptrSpec, outChannels, ptrOut, cols, padded, packA, packB, tile);
  arena.take(ptrOut, overwrittenArray(out));
}

/**
 * Runs a convolution big enough to split (convWorthThreads) on the worker threads, or with
 * `alone` every task on the calling thread, split by image: each task is the one-thread kernel
 * on a run of images, so conv2d and conv2dInputGrad give exactly the one-thread results.
 * conv2dWeightGrad sums each task's images into its own partial dW and adds the partials in
 * task order here, so its result depends on the thread count (the tasks) but never on timing
 * nor on `alone`. False, having done nothing, when threads are unavailable.
 */
function conv2dThreaded(context: WasmContext, op: ConvOp, code: number, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef, alone: boolean): boolean {
  const { batch, channels, kernelH, kernelW, outH, outW, height, width } = spec;
  const patch = channels * kernelH * kernelW, positions = outH * outW;
  const parallel = context.parallel();
  if (parallel === null) return false;
  const { kernels, arena, pool } = parallel;
  arena.reset();
  const bytes = elementBytes(out.dtype);
  const f64 = out.dtype === "float64";
  const weightGrad = op === "conv2dWeightGrad";
  // about two tasks per thread, split as compile's plans split them (wasm-threads.ts)
  const { chunk, tasks: taskCount, lastChunk } = convSplit(batch, context.threads);
  const pa = arena.put(arrayOfReal(a));
  const pb = arena.put(arrayOfReal(b));
  const pBias = bias === null ? 0 : arena.put(sameType(bias, out.dtype));
  const pSpec = arena.put(specValues({ ...spec, batch: chunk }));
  const pLastSpec = arena.put(specValues({ ...spec, batch: lastChunk }));
  const image = channels * height * width * bytes, plane = outChannels * positions * bytes;
  const partial = outChannels * patch;
  const po = arena.allocate((weightGrad ? taskCount * partial * bytes : out.size * bytes));
  const { cols, padded } = convScratchSizes(op, spec, outChannels, bytes);
  const sizes = [cols, padded, kernels.matmulScratchA() * 8, kernels.matmulScratchB() * 8] as const;
  const total = sizes[0] + sizes[1] + sizes[2] + sizes[3] + kernels.matmulTile() * 8;
  const scratch: number[] = [];
  for (let t = 0; t < context.threads; t++) scratch.push(arena.allocate(total));
  // conv2d reads x and writes y by image; conv2dInputGrad reads dy and writes dx by image;
  // conv2dWeightGrad reads x and dy by image and writes one partial dW per task
  const [aStep, bStep, outStep] = op === "conv2d" ? [image, 0, plane] : op === "conv2dInputGrad" ? [plane, 0, image] : [image, plane, partial * bytes / chunk];
  const job = { op: code, a: pa, b: pb, bias: pBias, outChannels, out: po, spec: pSpec, lastSpec: pLastSpec, aStep: aStep * chunk, bStep: bStep * chunk, outStep: outStep * chunk, tasks: taskCount, scratch, sizes };
  pool.solo = alone;
  let ran: boolean;
  try {
    ran = pool.conv(f64, job);
  } finally {
    pool.solo = false;
  }
  if (!ran) {
    context.stopParallel();
    return false;
  }
  if (!weightGrad) {
    arena.take(po, overwrittenArray(out));
    return true;
  }
  // the partial sums in task order, rounded to the dtype at each addition like the kernel's
  const target = overwrittenArray(out); // the first partial fills it whole
  arena.take(po, target.subarray(0, partial));
  const view = f64 ? new Float64Array(arena.memory.buffer, po, taskCount * partial) : new Float32Array(arena.memory.buffer, po, taskCount * partial);
  for (let t = 1; t < taskCount; t++) {
    const offset = t * partial;
    for (let i = 0; i < partial; i++) target[i] = target[i]! + view[offset + i]!;
  }
  return true;
}
