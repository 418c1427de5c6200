/**
 * Convolutions and pooling (W5's layers) at plan addresses: the same kernel calls the wasm
 * backend makes (conv2d and its two gradients, max pooling and its gradient, average pooling),
 * with their operands, results and pooling indices read and written where the plan placed
 * them, instead of copied into the backend's arena and back (megabytes per step for a CNN's
 * activations). The same kernels on the same values: the same bits as eager mode.
 */
import type { ConvOp, DataRef, PoolOp, WindowSpec } from "../backend/backend.js";
import { CONV_OPS, POOL_OPS, opcodes } from "../backend/op-table.js";
import { convScratchSizes } from "../backend/wasm/wasm-conv.js";
import { convSplit, poolWorthThreads } from "../backend/wasm/wasm-threads.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { kernelStep } from "./kernel-call.js";

const CONV = opcodes(CONV_OPS);
const POOL = opcodes(POOL_OPS);

/** The window spec as the kernels read it (wasm-backend.ts specValues): 14 f64 values. */
const SPEC_BYTES = 14 * 8;

function real(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

/** Bytes a convolution's scratch takes: its two parts, one after the other. */
function convScratchBytes(op: ConvOp, spec: WindowSpec, outChannels: number, bytes: number): number {
  const { cols, padded } = convScratchSizes(op, spec, outChannels, bytes);
  return cols + padded;
}

/** Memory the window nodes of `plan` need: their specs, and the largest convolution scratch (shared). */
export function windowBytes(plan: Plan): { specs: number; scratch: number } {
  let specs = 0;
  let scratch = 0;
  for (const node of plan.nodes) {
    if (node.kind !== "kernel") continue;
    if (node.name === "conv2d") {
      const [op, , , , spec, outChannels, out] = node.args as [ConvOp, DataRef, DataRef, DataRef | null, WindowSpec, number, DataRef];
      scratch = Math.max(scratch, convScratchBytes(op, spec, outChannels, out.dtype === "float64" ? 8 : 4));
    }
    if (["conv2d", "maxPool2d", "maxPool2dGrad", "pool2d"].includes(node.name)) specs += SPEC_BYTES;
    // a threaded pool's two specs (its tasks' images, the last task's)
    if (node.name === "maxPool2d" || node.name === "maxPool2dGrad") specs += 2 * SPEC_BYTES;
  }
  return { specs, scratch };
}

/**
 * Max pooling (`which` 0: x → out and indices) or its gradient (1: dy → dx, with `x` = dy and
 * `out` = dx) over the worker threads in runs of whole images, where the plan has threads and
 * the pool is worth them (poolWorthThreads); `single`, the one-thread call, where the
 * workers will not start. Every image is pooled as the one call pools it: the same bits.
 */
function poolThreadedStep(which: 0 | 1, x: number, out: number, indices: number, spec: WindowSpec, f64: boolean, context: StepContext, single: () => void): (() => void) | null {
  const threading = context.threading;
  if (threading === null || !poolWorthThreads(spec)) return null;
  const { pool, on, threads } = threading;
  const { chunk, tasks, lastChunk } = convSplit(spec.batch, threads);
  const bytes = f64 ? 8 : 4;
  const planes = spec.channels;
  const [inPlane, outPlane] = which === 0 ? [spec.height * spec.width, spec.outH * spec.outW] : [spec.outH * spec.outW, spec.height * spec.width];
  const args = [which, x, out, indices, placeSpecAt(context, { ...spec, batch: chunk }), placeSpecAt(context, { ...spec, batch: lastChunk }), chunk * planes * inPlane * bytes, chunk * planes * outPlane * bytes, chunk * planes * spec.outH * spec.outW * 4];
  const job = { args, tasks, scratch: [] };
  return () => void (pool.tasks("pool", f64, job, on) || single());
}

/** `spec` written where the plan reserved room for it (14 f64 values, as the kernels read it). */
function placeSpecAt(context: StepContext, spec: WindowSpec): number {
  const at = context.reserve(SPEC_BYTES);
  const { batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW } = spec;
  new Float64Array(context.memory.buffer, at, 14).set([batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW]);
  return at;
}

/** The direct call of a window kernel node, or null where the backend's method must run it. */
export function windowStep(name: string, args: readonly unknown[], context: StepContext): (() => void) | null {
  const { k, ptr } = context;
  switch (name) {
    case "conv2d": {
      const [op, a, b, bias, spec, outChannels, out] = args as [ConvOp, DataRef, DataRef, DataRef | null, WindowSpec, number, DataRef];
      if (!real(out) || a.dtype !== out.dtype || b.dtype !== out.dtype || (bias !== null && bias.dtype !== out.dtype) || CONV[op] === undefined) return null;
      const bytes = out.dtype === "float64" ? 8 : 4;
      const kernel = out.dtype === "float64" ? "conv2dF64" : "conv2dF32";
      const cols = context.windowScratch;
      const padded = cols + convScratchSizes(op, spec, outChannels, bytes).cols;
      const packA = context.matmulScratch;
      const packB = packA + k.matmulScratchA() * 8;
      const tile = packB + k.matmulScratchB() * 8;
      const [code, pa, pb, pbias, pspec, po] = [CONV[op], ptr(a), ptr(b), bias === null ? 0 : ptr(bias), placeSpecAt(context, spec), ptr(out)];
      return kernelStep(k, { kernel, args: [code, pa, pb, pbias, pspec, outChannels, po, cols, padded, packA, packB, tile] });
    }
    case "maxPool2d": {
      const [x, spec, out, indices] = args as [DataRef, WindowSpec, DataRef, DataRef];
      if (!real(x) || out.dtype !== x.dtype || indices.dtype !== "int32") return null;
      const single = kernelStep(k, { kernel: x.dtype === "float64" ? "maxPool2dF64" : "maxPool2dF32", args: [ptr(x), placeSpecAt(context, spec), ptr(out), ptr(indices)] });
      return poolThreadedStep(0, ptr(x), ptr(out), ptr(indices), spec, x.dtype === "float64", context, single) ?? single;
    }
    case "maxPool2dGrad": {
      const [dy, indices, spec, out] = args as [DataRef, DataRef, WindowSpec, DataRef];
      if (!real(out) || dy.dtype !== out.dtype || indices.dtype !== "int32") return null;
      const single = kernelStep(k, { kernel: out.dtype === "float64" ? "maxPool2dGradF64" : "maxPool2dGradF32", args: [ptr(dy), ptr(indices), placeSpecAt(context, spec), ptr(out)] });
      return poolThreadedStep(1, ptr(dy), ptr(out), ptr(indices), spec, out.dtype === "float64", context, single) ?? single;
    }
    case "pool2d": {
      const [op, x, divisors, spec, out] = args as [PoolOp, DataRef, DataRef, WindowSpec, DataRef];
      // the backend converts divisors of another dtype first: only the same dtype runs here
      if (!real(out) || x.dtype !== out.dtype || divisors.dtype !== out.dtype || POOL[op] === undefined) return null;
      return kernelStep(k, { kernel: out.dtype === "float64" ? "pool2dF64" : "pool2dF32", args: [POOL[op], ptr(x), ptr(divisors), placeSpecAt(context, spec), ptr(out)] });
    }
    default:
      return null;
  }
}
