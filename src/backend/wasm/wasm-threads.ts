// Worker threads (Node's worker_threads, or Web Workers in a cross-origin isolated page) that
// share a matmul with the calling thread over its shared WebAssembly memory. A product is one
// job in a control block in that memory, split into small tasks that every thread claims with
// an atomic counter: first the panels of op(B), packed once into shared scratch; then, once all
// are packed, chunks of C's rows. A convolution is a job of the same kind whose tasks are runs
// of images, each the one-thread conv kernel (wasm-backend.ts conv2dThreaded). The caller works
// from the start, and workers join when they wake, so a worker the scheduler is slow to run (on two
// cores V8's own GC and compiler threads compete for the second one) costs a share of the
// work, not a wait. Workers spin briefly after a job (so back-to-back products skip the ~30 µs
// wake-up), then sleep in Atomics.wait. In Node they are unref'd and block only in Atomics.wait,
// so the process exits by itself when the main thread is done.
//
// A job's pointers may refer to another shared memory than the pool's own: a compiled plan's
// (src/compile), attached with attach(). The memory goes to each worker as a message; a worker
// learns of waiting mail from a counter in the control block, leaves its loop so its event loop
// delivers the messages, instantiates the kernels over that memory, and comes back. A worker
// that does not have a job's memory yet leaves the job to the others (the caller does every
// task nobody claims).
import type { MatmulSpec, WindowSpec } from "../backend.js";
import type { Kernels } from "./wasm-module.js";

const SPINS = 20_000;

/** Int32 fields of the control block. */
const STATE = 0, GEN = 1, ACTIVE = 2, DTYPE = 3, FAILED = 4;
const PACK_NEXT = 5, PACK_DONE = 6, PACK_TASKS = 7, PANELS_PER_TASK = 8;
const ROW_NEXT = 9, ROW_DONE = 10, ROW_TASKS = 11, ROW_CHUNK = 12, KIND = 13, MEMORY = 14, MAIL = 15;
const MATMUL = 0, CONV = 1, BATCHED = 2;
const ARGS = 16; // a, b, out, m, k, n, transA, transB, jc, nc, bp
const SCRATCH = 32; // per thread: ap, tile
const READY = 96; // per worker: 1 once started
const IDLE = 0, POSTED = 1;
/** Threads a control block has room for (the caller included). */
export const MAX_THREADS = 32;
/** Bytes of the control block. */
export const CONTROL_BYTES = (READY + MAX_THREADS) * 4;

/** Whether a product is big enough (≥ 2²² multiply-adds, 8 rows or more) to pay for the threads. */
export function productWorthThreads(spec: MatmulSpec): boolean {
  const { batch, m, k, n } = spec;
  return batch === 1 && k > 0 && m * n * k >= 2 ** 22 && m >= 8;
}

/**
 * How a product splits over `threads`: op(B) packed once for all threads in column blocks of
 * `nc` (at most 2²¹ elements; `width` the micro-kernel's panel width), C's rows in chunks of
 * `rowChunk` (about four per thread, whole strips of 4 rows, at most one 64-row block).
 */
export function productSplit(spec: MatmulSpec, f64: boolean, threads: number): { width: number; nc: number; rowChunk: number } {
  const { m, k, n } = spec;
  const width = f64 ? 4 : 8;
  const roundUp = (x: number, to: number): number => Math.ceil(x / to) * to;
  const nc = Math.min(roundUp(n, width), Math.max(width, Math.floor(2 ** 21 / k / width) * width));
  return { width, nc, rowChunk: Math.min(64, roundUp(Math.ceil(m / (4 * threads)), 4)) };
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

/** Whether a convolution is big enough (≥ 2²² multiply-adds, 2 images or more) to split by image. */
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

/**
 * A thread's part of the posted job: claim panel tasks until none are left, wait until every
 * panel is packed, then claim row chunks. Plain JavaScript with no outside references: workers
 * run it from its source text, so the field numbers are written out (they are the constants
 * above: 3 DTYPE, 4 FAILED, 5–8 the panel tasks, 9–12 the row tasks, 13 KIND, 16 ARGS, 32
 * SCRATCH). A convolution job (KIND 1) uses the row-task counters for its image tasks.
 */
function work(kernels: Kernels, c: Int32Array, thread: number): void {
  const f64 = c[3] === 1;
  if (c[13] === 1) {
    // a convolution (kind 1): tasks of whole images, each a call of the one-thread kernel
    const conv = f64 ? kernels.conv2dF64 : kernels.conv2dF32;
    const [op, a, b, bias, outChannels, out, spec, lastSpec, aStep, bStep, outStep, colsBytes, paddedBytes, packABytes, packBBytes] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!, c[30]!];
    const tasks = c[11]!;
    const cols = c[32 + 2 * thread]!, padded = cols + colsBytes, ap = padded + paddedBytes, bp = ap + packABytes, tile = bp + packBBytes;
    for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
      try {
        if (Atomics.load(c, 4) === 0) conv(op, a + task * aStep, b + task * bStep, bias, task === tasks - 1 ? lastSpec : spec, outChannels, out + task * outStep, cols, padded, ap, bp, tile);
      } catch {
        Atomics.store(c, 4, 1);
      }
      Atomics.add(c, 10, 1);
    }
    return;
  }
  if (c[13] === 2) {
    // a batched product (kind 2): tasks of runs of whole matrices, each a call of the one-thread kernel
    const product = f64 ? kernels.matmulF64 : kernels.matmulF32;
    const bytes = f64 ? 8 : 4;
    const [a, b, out, batch, m, k, n, transA, transB, strideA, strideB, chunk, packABytes, packBBytes] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23] === 1, c[24] === 1, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!];
    const tasks = c[11]!;
    const ap = c[32 + 2 * thread]!, bp = ap + packABytes, tile = bp + packBBytes;
    for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
      const start = task * chunk;
      try {
        if (Atomics.load(c, 4) === 0) product(a + start * strideA * bytes, b + start * strideB * bytes, out + start * m * n * bytes, Math.min(chunk, batch - start), m, k, n, transA, transB, strideA, strideB, ap, bp, tile);
      } catch {
        Atomics.store(c, 4, 1);
      }
      Atomics.add(c, 10, 1);
    }
    return;
  }
  const pack = f64 ? kernels.packPanelsF64 : kernels.packPanelsF32;
  const rows = f64 ? kernels.productRowsF64 : kernels.productRowsF32;
  const [a, b, out, m, k, n, transA, transB, jc, nc, bp] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22] === 1, c[23] === 1, c[24]!, c[25]!, c[26]!];
  const panelTasks = c[7]!, perTask = c[8]!, rowTasks = c[11]!, chunk = c[12]!;
  for (let task = Atomics.add(c, 5, 1); task < panelTasks; task = Atomics.add(c, 5, 1)) {
    try {
      pack(b, k, n, transB, jc, nc, task * perTask, (task + 1) * perTask, bp);
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 6, 1);
  }
  while (Atomics.load(c, 6) < panelTasks); // every panel packed (tasks are short)
  const ap = c[32 + 2 * thread]!, tile = c[33 + 2 * thread]!;
  for (let task = Atomics.add(c, 9, 1); task < rowTasks; task = Atomics.add(c, 9, 1)) {
    try {
      if (Atomics.load(c, 4) === 0) rows(a, bp, out, m, k, n, transA, jc, nc, ap, tile, task * chunk, Math.min(m, (task + 1) * chunk));
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

// Each worker: wait for a new job, join it (ACTIVE counts who is inside), work on the kernels
// over the job's memory, leave. On mail (MAIL above the messages it has handled) it returns to
// its event loop, which hands it the messages: { attach: id, memory } or { detach: id }; it
// runs the loop again once it has handled as many as MAIL counts. The loop is the same in Node
// and in a browser; only how a worker receives its start-up data and messages differs.
const WORKER_LOOP = `
const imports = (memory) => ({ env: { memory, abort() { throw new Error("kernel aborted"); } } });
const memories = new Map([[0, new WebAssembly.Instance(module, imports(memory)).exports]]);
const c = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
const work = ${work.toString()};
let done = 0;
let handled = 0;
const loop = () => {
  for (;;) {
    let spin = 0;
    for (;;) {
      if (Atomics.load(c, ${MAIL}) !== handled) return; // to the event loop, which delivers the mail
      const state = Atomics.load(c, ${STATE});
      if (state === ${POSTED} && Atomics.load(c, ${GEN}) !== done) break;
      if (++spin > spins) { Atomics.wait(c, ${STATE}, state); spin = 0; }
    }
    Atomics.add(c, ${ACTIVE}, 1);
    const gen = Atomics.load(c, ${GEN});
    if (Atomics.load(c, ${STATE}) === ${POSTED} && gen !== done) {
      done = gen;
      const kernels = memories.get(c[${MEMORY}]);
      if (kernels !== undefined) work(kernels, c, thread);
    }
    Atomics.sub(c, ${ACTIVE}, 1);
  }
};
const receive = (message) => {
  if (message.attach !== undefined) memories.set(message.attach, new WebAssembly.Instance(module, imports(message.memory)).exports);
  else {
    memories.delete(message.detach);
    collect?.(); // else an idle worker, which allocates next to nothing, would hold the memory for good
  }
  if (++handled === Atomics.load(c, ${MAIL})) loop();
};
Atomics.store(c, ${READY} + thread - 1, 1);
Atomics.notify(c, ${READY} + thread - 1);
loop();
`;

/** A Node worker_threads worker: its data arrives as workerData, its mail on parentPort. */
const NODE_WORKER_SOURCE = `
const { workerData, parentPort } = process.getBuiltinModule("node:worker_threads");
const { module, memory, control, thread, spins } = workerData;
parentPort.on("message", (message) => receive(message));
// a full collection after a memory is detached, from the first detach on (the flag makes gc()
// available to contexts made after it, such as the one made here)
let gc = null;
const collect = () => {
  if (gc === null) {
    process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
    gc = process.getBuiltinModule("node:vm").runInNewContext("gc");
  }
  gc();
};
${WORKER_LOOP}`;

/** A Web Worker: its data (the module and the shared memory) arrives as the first message, then its mail. */
const BROWSER_WORKER_SOURCE = `
self.onmessage = (event) => {
  const { module, memory, control, thread, spins } = event.data;
  self.onmessage = (mail) => receive(mail.data);
  const collect = undefined; // a page's engine collects the worker's garbage by itself
  ${WORKER_LOOP}
};`;

interface NodeWorker {
  unref(): void;
  postMessage(data: unknown): void;
}

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown; execArgv: string[] }) => NodeWorker;
}

/** Another shared memory jobs may run on (attached with {@link ThreadPool.attach}), with the caller's kernels over it. */
export interface AttachedMemory {
  readonly id: number;
  readonly kernels: Kernels;
}

/** The parts of a browser's Web Worker API the pool uses. */
interface BrowserGlobals {
  Worker?: new (url: string) => { postMessage(data: unknown): void };
  Blob?: new (parts: string[], options: { type: string }) => unknown;
  URL?: { createObjectURL(blob: unknown): string };
  crossOriginIsolated?: boolean;
}

/** Node's worker_threads, loaded synchronously (the backend is created synchronously). */
function workerThreads(): WorkerThreads | null {
  const node = (globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }).process;
  return (node?.getBuiltinModule?.("node:worker_threads") as WorkerThreads | undefined) ?? null;
}

/** Threads worth starting: one per core beyond the calling thread, or $NABLA_THREADS − 1. */
export function defaultWorkerCount(): number {
  const node = (globalThis as { process?: { env?: Record<string, string | undefined>; getBuiltinModule?: (id: string) => unknown } }).process;
  const requested = Number(node?.env?.NABLA_THREADS);
  if (Number.isInteger(requested) && requested >= 1) return Math.min(requested, MAX_THREADS) - 1;
  const os = node?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  const cores = os?.availableParallelism?.() ?? (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator?.hardwareConcurrency ?? 1;
  return Math.min(MAX_THREADS, Math.max(1, cores)) - 1;
}

export class ThreadPool {
  private readonly control: Int32Array;
  private waited = false;
  private generation = 0;
  private lastMemory = 0;
  /**
   * Run each job's tasks on the calling thread alone, split as always (so with the same
   * results): set by a compiled plan whose replays measured faster that way (busy cores).
   */
  solo = false;
  /** Each worker's mailbox. */
  private readonly mailboxes: ((data: unknown) => void)[] = [];

  private constructor(
    private readonly kernels: Kernels,
    memory: WebAssembly.Memory,
    control: number,
    readonly workers: number,
    /** Whether this thread may block in Atomics.wait (a browser's main thread may not). */
    private readonly canBlock: boolean,
    startWorker: (data: unknown) => (mail: unknown) => void,
    module: WebAssembly.Module,
  ) {
    this.control = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    for (let w = 0; w < workers; w++) this.mailboxes.push(startWorker({ module, memory, control, thread: w + 1, spins: SPINS }));
  }

  /**
   * Starts `workers` threads: Node's worker_threads, or Web Workers in a browser page that is
   * cross-origin isolated (served with `Cross-Origin-Opener-Policy: same-origin` and
   * `Cross-Origin-Embedder-Policy: require-corp`, without which there is no SharedArrayBuffer).
   * Null where neither is available: the backend then runs on one thread.
   */
  static create(kernels: Kernels, memory: WebAssembly.Memory, module: WebAssembly.Module, control: number, workers: number): ThreadPool | null {
    if (workers < 1 || typeof SharedArrayBuffer === "undefined" || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    const count = Math.min(workers, MAX_THREADS - 1);
    const threads = workerThreads();
    if (threads !== null) {
      const start = (data: unknown): ((mail: unknown) => void) => {
        const worker = new threads.Worker(NODE_WORKER_SOURCE, { eval: true, workerData: data, execArgv: [] });
        worker.unref();
        return (mail) => worker.postMessage(mail);
      };
      return new ThreadPool(kernels, memory, control, count, true, start, module);
    }
    const page = globalThis as BrowserGlobals;
    if (page.Worker === undefined || page.Blob === undefined || page.URL === undefined || page.crossOriginIsolated !== true) return null;
    const url = page.URL.createObjectURL(new page.Blob([BROWSER_WORKER_SOURCE], { type: "text/javascript" }));
    const BrowserWorker = page.Worker;
    // a Web Worker starts when the page's event loop next turns: products run without it until then
    const start = (data: unknown): ((mail: unknown) => void) => {
      const worker = new BrowserWorker(url);
      worker.postMessage(data);
      return (mail) => worker.postMessage(mail);
    };
    return new ThreadPool(kernels, memory, control, count, false, start, module);
  }

  /**
   * Lets jobs run on `memory` (shared, and imported by `kernels`, an instance of the pool's
   * module): each worker instantiates the module over it when its message arrives. Jobs given
   * the result run there; until a worker has the memory, it leaves those jobs to the others.
   */
  attach(memory: WebAssembly.Memory, kernels: Kernels): AttachedMemory {
    const id = ++this.lastMemory;
    this.mail({ attach: id, memory });
    return { id, kernels };
  }

  /** Workers drop their instance over the memory attached as `id` (so it can be freed). */
  detach(id: number): void {
    this.mail({ detach: id });
  }

  /** Posts `message` to every worker, then counts it, so a worker leaves its loop to receive it. */
  private mail(message: unknown): void {
    for (const post of this.mailboxes) post(message);
    Atomics.add(this.control, MAIL, 1);
    Atomics.notify(this.control, STATE);
  }

  /** Workers that have started and take tasks. */
  get started(): number {
    let count = 0;
    for (let w = 0; w < this.workers; w++) if (Atomics.load(this.control, READY + w) === 1) count++;
    return count;
  }

  /**
   * Computes `job` with the workers, returning when it is done. Returns false, having run
   * nothing, if the workers never started (the caller then runs the product itself).
   */
  matmul(f64: boolean, job: SharedProduct, on?: AttachedMemory): boolean {
    if (!this.ready()) return false;
    const c = this.control;
    c[KIND] = MATMUL;
    c[MEMORY] = on?.id ?? 0;
    c[DTYPE] = f64 ? 1 : 0;
    c[FAILED] = 0;
    const perTask = Math.max(1, Math.ceil(job.panels / (4 * (this.workers + 1))));
    c[PACK_NEXT] = 0;
    c[PACK_DONE] = 0;
    c[PACK_TASKS] = Math.ceil(job.panels / perTask);
    c[PANELS_PER_TASK] = perTask;
    c[ROW_NEXT] = 0;
    c[ROW_DONE] = 0;
    c[ROW_TASKS] = Math.ceil(job.m / job.rowChunk);
    c[ROW_CHUNK] = job.rowChunk;
    const args = [job.a, job.b, job.out, job.m, job.k, job.n, job.transA ? 1 : 0, job.transB ? 1 : 0, job.jc, job.nc, job.bp];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
    for (let t = 0; t < job.scratch.length; t++) [c[SCRATCH + 2 * t], c[SCRATCH + 2 * t + 1]] = job.scratch[t]!;
    this.post(on?.kernels ?? this.kernels);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a matmul kernel failed on a worker thread");
    return true;
  }

  /**
   * Computes the convolution `job` with the workers, returning when every task is done; false,
   * having run nothing, if the workers never started.
   */
  conv(f64: boolean, job: SharedConv, on?: AttachedMemory): boolean {
    if (!this.ready()) return false;
    const c = this.control;
    c[KIND] = CONV;
    c[MEMORY] = on?.id ?? 0;
    c[DTYPE] = f64 ? 1 : 0;
    c[FAILED] = 0;
    c[ROW_NEXT] = 0;
    c[ROW_DONE] = 0;
    c[ROW_TASKS] = job.tasks;
    const args = [job.op, job.a, job.b, job.bias, job.outChannels, job.out, job.spec, job.lastSpec, job.aStep, job.bStep, job.outStep, ...job.sizes];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
    for (let t = 0; t < job.scratch.length; t++) c[SCRATCH + 2 * t] = job.scratch[t]!;
    this.post(on?.kernels ?? this.kernels);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a convolution kernel failed on a worker thread");
    return true;
  }

  /**
   * Computes the batched product `job` with the workers, returning when every task is done;
   * false, having run nothing, if the workers never started.
   */
  batched(f64: boolean, job: SharedBatch, on?: AttachedMemory): boolean {
    if (!this.ready()) return false;
    const c = this.control;
    c[KIND] = BATCHED;
    c[MEMORY] = on?.id ?? 0;
    c[DTYPE] = f64 ? 1 : 0;
    c[FAILED] = 0;
    c[ROW_NEXT] = 0;
    c[ROW_DONE] = 0;
    c[ROW_TASKS] = Math.ceil(job.batch / job.chunk);
    const args = [job.a, job.b, job.out, job.batch, job.m, job.k, job.n, job.transA ? 1 : 0, job.transB ? 1 : 0, job.strideA, job.strideB, job.chunk, ...job.sizes];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
    for (let t = 0; t < job.scratch.length; t++) c[SCRATCH + 2 * t] = job.scratch[t]!;
    this.post(on?.kernels ?? this.kernels);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a batched matmul kernel failed on a worker thread");
    return true;
  }

  /** Posts the job in the control block, does the caller's share, and waits for the rest. */
  private post(kernels: Kernels): void {
    const c = this.control;
    if (this.solo) {
      work(kernels, c, 0);
      return;
    }
    // a new generation, so a worker still inside the previous job's loop cannot rejoin it
    this.generation = (this.generation % 0x7fffffff) + 1;
    Atomics.store(c, GEN, this.generation);
    Atomics.store(c, STATE, POSTED);
    Atomics.notify(c, STATE);
    work(kernels, c, 0);
    while (Atomics.load(c, ROW_DONE) < c[ROW_TASKS]!); // tasks that workers are still finishing
    Atomics.store(c, STATE, IDLE);
    while (Atomics.load(c, ACTIVE) !== 0); // a worker that joined late reads the job's fields
  }

  /**
   * Whether to post jobs: in Node, after waiting (up to 10 s, once) for the workers to start;
   * false if none did. A browser's main thread cannot wait, and need not: the caller does every
   * task that no worker takes, and workers join jobs as soon as they run.
   */
  private ready(): boolean {
    if (!this.canBlock || this.waited) return !this.canBlock || this.started > 0;
    this.waited = true;
    const deadline = performance.now() + 10_000;
    for (let w = 0; w < this.workers; w++) {
      while (Atomics.load(this.control, READY + w) !== 1) {
        const left = deadline - performance.now();
        if (left <= 0) return this.started > 0;
        Atomics.wait(this.control, READY + w, 0, Math.min(left, 50));
      }
    }
    return true;
  }
}
