/**
 * A plan's large element-wise chains and softmaxes on the backend's worker threads, as the
 * products are (wasm-threaded.ts): a fused program's elements split into ranges of whole
 * interpreter blocks, a softmax's slices into runs of whole rows (whole matrices under a causal
 * mask), each task the one-thread kernel over its share. Every element and every row is
 * computed as the one call over all of them computes it, so the values are the same bits
 * whichever threads run which tasks (and the same as eager mode's, which runs these on one
 * thread). In a transformer these are GELU and its derivative, attention's softmax and its
 * gradient: after the products, most of a compiled W6 step.
 */
import type { DataRef, SoftmaxOp } from "../backend/backend.js";
import { SOFTMAX_OPS, opcodes } from "../backend/op-table.js";
import type { Kernels } from "../backend/wasm/wasm-module.js";
import { fusedSplit, fusedWorthThreads, softmaxSplit, softmaxWorthThreads } from "../backend/wasm/wasm-threads.js";
import type { FusedGroup, FusedOp } from "./fuse.js";
import type { Plan } from "./plan.js";
import { inline } from "./wasm-codegen-ops.js";
import { fusedStep } from "./wasm-fused.js";
import { rowStep, softmaxAtPlanAddresses } from "./wasm-rows.js";
import type { StepContext } from "./wasm-executor.js";

const SOFTMAX = opcodes(SOFTMAX_OPS);

/**
 * An op's cost per element for fusedWorthThreads: 8 for a unary op calling a kernel function
 * (exp, gelu …), 1 for one written in line, one more for a binary op's second operand.
 */
function opWeight(op: FusedOp): number {
  return op.kind === "unary" ? (inline(op) ? 1 : 8) : op.kind === "binary" ? 2 : 1;
}

function weightOf(group: FusedGroup): number {
  return group.ops.reduce((sum, op) => sum + opWeight(op), 0);
}

/**
 * Whether a lone element-wise op is worth a fused group of its own on `threads` threads: one
 * the threads would split (relu's gradient over W5's first layer, 802,816 elements), which as
 * a plain kernel call runs on the calling thread alone.
 */
export function aloneWorthThreads(op: FusedOp, threads: number, block: number): boolean {
  return threads > 1 && fusedWorthThreads(op.out.size, opWeight(op), block) && fusedSplit(op.out.size, threads, block).tasks >= 2;
}

function fusedThreaded(group: FusedGroup, threads: number, block: number): boolean {
  return fusedWorthThreads(group.size, weightOf(group), block) && fusedSplit(group.size, threads, block).tasks >= 2;
}

/** Whether a softmax node's kernel call can run at plan addresses (as rowStep runs it) and is worth the threads. */
function softmaxThreaded(args: readonly unknown[], threads: number): boolean {
  const [, , , outer, axisSize, inner, , causal = 0] = args as [SoftmaxOp, DataRef, DataRef | null, number, number, number, DataRef, number?];
  return softmaxAtPlanAddresses(args) && softmaxWorthThreads(outer, axisSize, inner, causal, threads);
}

/** Bytes of one thread's fused-program scratch (two blocks of f64). */
function fusedScratchBytes(k: Kernels): number {
  return Math.ceil((k.fusedBlock() * 2 * 8) / 64) * 64;
}

/**
 * The threaded scratch the plan's element-wise and softmax tasks need (every thread's two
 * blocks for a fused program, none for a softmax), or null where none is worth the threads.
 */
export function tasksScratch(plan: Plan, groups: readonly FusedGroup[], threads: number, k: Kernels): number | null {
  if (threads < 2) return null;
  let scratch: number | null = null;
  for (const group of groups) if (fusedThreaded(group, threads, k.fusedBlock())) scratch = threads * fusedScratchBytes(k);
  for (const node of plan.nodes) if (node.kind === "kernel" && node.name === "softmax" && softmaxThreaded(node.args, threads)) scratch ??= 0;
  return scratch;
}

/** The step running `group` (its program written at `program`) in tasks over the threads, or null where one thread runs it. */
export function fusedThreadedStep(group: FusedGroup, program: number, context: StepContext): (() => void) | null {
  const threading = context.threading;
  if (threading === null || !fusedThreaded(group, threading.threads, context.k.fusedBlock())) return null;
  const { pool, on, threads } = threading;
  const single = fusedStep(group, program, context); // writes the program, which every thread reads
  const { chunk, tasks } = fusedSplit(group.size, threads, context.k.fusedBlock());
  const scratch = Array.from({ length: threads }, (_, t) => threading.scratch + t * fusedScratchBytes(context.k));
  const job = { args: [program, group.ops.length, group.size, chunk], tasks, scratch };
  const f64 = group.dtype === "float64";
  // where the workers will not start, the one-thread call
  return () => void (pool.tasks("fused", f64, job, on) || single());
}

/** The threaded call of a softmax node, or null where one thread runs it. */
export function softmaxThreadedStep(args: readonly unknown[], context: StepContext): (() => void) | null {
  const threading = context.threading;
  if (threading === null || !softmaxThreaded(args, threading.threads)) return null;
  const single = rowStep("softmax", args, context)!; // where the workers will not start
  const [op, x, dy, outer, axisSize, inner, out, causal = 0] = args as [SoftmaxOp, DataRef, DataRef | null, number, number, number, DataRef, number?];
  const { pool, on, threads } = threading;
  const { ptr } = context;
  const { chunk, tasks } = softmaxSplit(outer, causal, threads);
  const job = { args: [SOFTMAX[op]!, ptr(x), dy === null ? 0 : ptr(dy), outer, axisSize, inner, ptr(out), causal, chunk], tasks, scratch: [] };
  const f64 = out.dtype === "float64";
  return () => void (pool.tasks("softmax", f64, job, on) || single());
}
