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
 * `nc` (at most 2²¹ elements; `width` the micro-kernel's panel width), C's rows in chunks of
 * `rowChunk` (about four per thread, whole strips of the build's kernel, at most one block of
 * its rows, so no chunk ends in a part strip). The results do not depend on the split.
 */
export function productSplit(spec: MatmulSpec, f64: boolean, threads: number, kernels: StripGeometry): { width: number; nc: number; rowChunk: number } {
  const { m, k, n } = spec;
  const width = f64 ? 4 : 8;
  const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
  const nc = Math.min(roundUp(n, width), Math.max(width, Math.floor(2 ** 21 / k / width) * width));
  return { width, nc, rowChunk: Math.min(kernels.matmulBlockRows(), roundUp(Math.ceil(m / (4 * threads)), kernels.matmulStripRows(f64))) };
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
  /** Panels of op(B) and row chunks of C to split the work into. */
  panels: number;
  rowChunk: number;
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
