/**
 * What the thread pool (wasm-threads.ts) runs: the jobs it takes, and how big a product or a
 * convolution must be to pay for the threads and how it splits into tasks. Eager mode (the
 * wasm backend) and compiled plans (src/compile/wasm-threaded.ts) split alike, so their
 * results agree bit for bit.
 */
import type { MatmulSpec, WindowSpec } from "../backend.js";
import type { Kernels } from "./wasm-module.js";

/**
 * Whether a product is big enough (≥ 2²² multiply-adds, 8 rows or more) that the threads may
 * pay for themselves: whether they do depends on the load (eager mode and compiled plans measure
 * it as they run: eager-tuner.ts, thread-tuner.ts).
 */
export function productWorthThreads(spec: MatmulSpec): boolean {
  const { batch, m, k, n } = spec;
  return batch === 1 && k > 0 && m * n * k >= 2 ** 22 && m >= 8;
}

/** The packed kernel's row geometry, which differs between builds (6-row strips in the relaxed-SIMD build's f32, else 4). */
export type StripGeometry = Pick<Kernels, "matmulStripRows" | "matmulBlockRows">;

/**
 * How a product splits over `threads`: op(B) packed once for all threads in column blocks of
 * `nc` (at most 2²¹ elements; `width` the micro-kernel's panel width), C's rows in `chunkTasks`
 * chunks of `rowChunk` (about four per thread, whole strips of the build's kernel, at most one
 * block of its rows, so no chunk ends in a part strip), then the last `threads` chunks' worth
 * of rows one strip (`stripRows`) per task: the threads finish within a strip of each other
 * instead of a chunk (W3's 128-row products: 8 chunks of 18 rows became 5 chunks and 7 strips). Finer
 * tasks throughout would cost more, as each task streams all of the packed B. The results do
 * not depend on the split.
 */
export function productSplit(spec: MatmulSpec, f64: boolean, threads: number, kernels: StripGeometry): { width: number; nc: number; rowChunk: number; chunkTasks: number; stripRows: number } {
  const { m, k, n } = spec;
  const width = f64 ? 4 : 8;
  const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
  const nc = Math.min(roundUp(n, width), Math.max(width, Math.floor(2 ** 21 / k / width) * width));
  const stripRows = kernels.matmulStripRows(f64);
  const rowChunk = Math.min(kernels.matmulBlockRows(), roundUp(Math.ceil(m / (4 * threads)), stripRows));
  return { width, nc, rowChunk, chunkTasks: Math.max(0, Math.floor((m - threads * rowChunk) / rowChunk)), stripRows };
}

/** Tasks a product's rows split into (see {@link productSplit}). */
export function rowTasks(m: number, split: { rowChunk: number; chunkTasks: number; stripRows: number }): number {
  return split.chunkTasks + Math.ceil((m - split.chunkTasks * split.rowChunk) / split.stripRows);
}

/**
 * Whether a batched product (batch ≥ 2) is big enough to split its matrices over the threads
 * (≥ 2²¹ multiply-adds in all; compile's plans only: eager mode runs these on one thread, which
 * gives the same values, each matrix being computed alike either way).
 */
export function batchWorthThreads(spec: MatmulSpec): boolean {
  const { batch, m, k, n } = spec;
  return batch >= 2 && k > 0 && m >= 4 && n > 1 && batch * m * n * k >= 2 ** 21;
}

/** Whether a convolution is big enough (≥ 2²² multiply-adds, 2 images or more) to split by image (then as for products). */
export function convWorthThreads(spec: WindowSpec, outChannels: number): boolean {
  const { batch, channels, kernelH, kernelW, outH, outW } = spec;
  return batch >= 2 && channels * kernelH * kernelW * outH * outW * outChannels * batch >= 2 ** 22;
}

/**
 * Whether max pooling (or its gradient) is worth the threads in a compiled plan: at least two
 * images and 2¹⁶ window reads (W5's first pool at batch 64 has 802,816; about 0.5 ms on one
 * thread). Split as a convolution is (convSplit), each task the one-thread kernel over its
 * images, so the values are the same bits.
 */
export function poolWorthThreads(spec: WindowSpec): boolean {
  const { batch, channels, kernelH, kernelW, outH, outW } = spec;
  return batch >= 2 && batch * channels * outH * outW * kernelH * kernelW >= 2 ** 16;
}

/**
 * How a convolution's images split into tasks: about two per thread (a slow-to-wake worker
 * costs a share, not a wait), `chunk` images each, the last `lastChunk`. conv2dWeightGrad's
 * result depends on this split (one partial sum per task), so eager and compiled runs share it.
 */
export function convSplit(batch: number, threads: number): { chunk: number; tasks: number; lastChunk: number } {
  const chunk = Math.ceil(batch / Math.min(batch, 2 * threads));
  const tasks = Math.ceil(batch / chunk);
  return { chunk, tasks, lastChunk: batch - (tasks - 1) * chunk };
}

/** One product for the pool: out[:, jc : jc+nc] = op(A)·op(B), with every pointer in shared memory. */
export interface SharedProduct {
  a: number;
  b: number;
  out: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  jc: number;
  nc: number;
  /** Shared scratch for the packed op(B)[:, jc : jc+nc]. */
  bp: number;
  /** Per thread (caller first): scratch for a packed A block and one tile. */
  scratch: readonly (readonly [ap: number, tile: number])[];
  /** Panels of op(B), and C's rows: `chunkTasks` chunks of `rowChunk`, then strips of `stripRows` (productSplit). */
  panels: number;
  rowChunk: number;
  chunkTasks: number;
  stripRows: number;
}

/**
 * One convolution op for the pool, split into `tasks` runs of `chunk` images (the last one
 * `lastChunk`): task t computes the kernel's `op` on images [t·chunk, …) with a, b and out
 * advanced by t times their task steps in bytes (0 for an operand every task reads whole, and
 * for conv2dWeightGrad the out step is one dW, so each task writes its own partial sum).
 */
export interface SharedConv {
  op: number;
  a: number;
  b: number;
  bias: number;
  outChannels: number;
  out: number;
  /** Window specs for `chunk` and for `lastChunk` images. */
  spec: number;
  lastSpec: number;
  aStep: number;
  bStep: number;
  outStep: number;
  tasks: number;
  /** Per thread (caller first): its scratch, laid out cols, padded, packed A, packed B, tile. */
  scratch: readonly number[];
  /** Bytes of cols, padded, packed A and packed B in each thread's scratch. */
  sizes: readonly [cols: number, padded: number, packA: number, packB: number];
}

/**
 * A batched product for the pool (compile's plans: attention's per-head products): tasks of
 * `chunk` consecutive matrices, each the one-thread kernel over its run, so every matrix is
 * computed exactly as one call over the whole batch computes it.
 */
export interface SharedBatch {
  a: number;
  b: number;
  out: number;
  batch: number;
  m: number;
  k: number;
  n: number;
  transA: boolean;
  transB: boolean;
  strideA: number;
  strideB: number;
  chunk: number;
  /** Per thread (caller first): its scratch, laid out packed A, packed B, tile. */
  scratch: readonly number[];
  /** Bytes of packed A and packed B in each thread's scratch. */
  sizes: readonly [packA: number, packB: number];
}

/**
 * Tasks of a compiled plan's element-wise or row kernel split over the threads (KIND FUSED or
 * SOFTMAX in thread-worker.ts): `args` go to the control block's argument fields as they are,
 * each thread claims tasks until none are left, and `scratch` is each thread's own (caller
 * first; unused by softmax). Every task computes its elements or rows exactly as one call over
 * them all would, so the results do not depend on the split or on who ran which task.
 */
export interface SharedTasks {
  args: readonly number[];
  tasks: number;
  scratch: readonly number[];
}

/**
 * How a fused element-wise program of `n` elements splits: about two tasks per thread (a
 * late-waking worker costs a share, not a wait), each whole blocks of the interpreter (`block`
 * elements), so every block is the one a single call would run.
 */
export function fusedSplit(n: number, threads: number, block: number): { chunk: number; tasks: number } {
  const chunk = Math.ceil(Math.ceil(n / (2 * threads)) / block) * block;
  return { chunk, tasks: Math.ceil(n / chunk) };
}

/**
 * The slices a softmax's share must come in whole multiples of, so that each row is computed as
 * in one call over all of them: groups of four (the kernel runs short rows four at a time) and,
 * under a causal mask, whole matrices (`causal` slices: slice o sees o mod causal + 1 entries).
 */
export function softmaxSliceUnit(causal: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  return causal > 0 ? (4 * causal) / gcd(4, causal) : 4;
}

/** How a softmax over `outer` slices splits: about two tasks per thread, of whole units ({@link softmaxSliceUnit}). */
export function softmaxSplit(outer: number, causal: number, threads: number): { chunk: number; tasks: number } {
  const unit = softmaxSliceUnit(causal);
  const chunk = Math.ceil(Math.ceil(outer / (2 * threads)) / unit) * unit;
  return { chunk, tasks: Math.ceil(outer / chunk) };
}

/**
 * Whether an element-wise program is worth the threads: its elements times its ops' weight (8
 * for a kernel's function such as exp, log or gelu, 1 for an arithmetic op written in line) at
 * least 2²⁰, and at least two tasks. Below that the wake-up and the hand-over (some 10–30 µs)
 * cost about what the second thread saves.
 */
export function fusedWorthThreads(n: number, weight: number, block: number): boolean {
  return n * weight >= 2 ** 20 && n >= 2 * block;
}

/** Whether a softmax is worth the threads: at least 2¹⁶ elements (an exp each) in two tasks or more. */
export function softmaxWorthThreads(outer: number, axisSize: number, inner: number, causal: number, threads: number): boolean {
  return outer * axisSize * inner >= 2 ** 16 && softmaxSplit(outer, causal, threads).tasks >= 2;
}

/**
 * Whether an optimizer's update of `n` parameters is worth the threads: at least 2¹⁶ (W3's
 * first weight, 200,704, takes about 0.12 ms on one thread, a fourteenth of its threaded step:
 * `bench/plan-steps.ts W3`).
 */
export function updateWorthThreads(n: number): boolean {
  return n >= 2 ** 16;
}

/**
 * How an element-wise update of `n` parameters splits: as a fused program does (fusedSplit),
 * in blocks of 64, so every task but the last covers whole vectors and each element goes
 * through the same arithmetic (the kernels' vector and scalar loops compute alike) whoever runs it.
 */
export function updateSplit(n: number, threads: number): { chunk: number; tasks: number } {
  return fusedSplit(n, threads, 64);
}
