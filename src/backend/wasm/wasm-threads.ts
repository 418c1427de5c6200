// Worker threads (Node's worker_threads, or Web Workers in a cross-origin isolated page) that
// share a matmul with the calling thread over its shared WebAssembly memory. A product is one
// job in a control block in that memory, split into small tasks that every thread claims with
// an atomic counter: first the panels of op(B), packed once into shared scratch; then, once all
// are packed, chunks of C's rows. A convolution is a job of the same kind whose tasks are runs
// of images, each the one-thread conv kernel (wasm-conv.ts conv2dThreaded). The caller works
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
import type { Kernels } from "./wasm-module.js";
import type { SharedBatch, SharedConv, SharedProduct, SharedTasks } from "./thread-jobs.js";
import { rowTasks } from "./thread-jobs.js";
import {
  ACTIVE, ARGS, BATCHED, BROWSER_WORKER_SOURCE, CONTROL_BYTES, CONV, DTYPE, FAILED, FUSED, GEN, IDLE, JOINED, KIND, MAIL, MATMUL, MAX_THREADS, MEMORY, NODE_WORKER_SOURCE,
  POOL, SGD, SOFTMAX,
  PACK_DONE, PACK_NEXT, PACK_TASKS, PANELS_PER_TASK, POSTED, READY, ROW_CHUNK, ROW_DONE, ROW_NEXT, ROW_TASKS, SCRATCH, SPINS, EAGER_SPINS, SPIN_LIMIT, STATE, work,
} from "./thread-worker.js";

export { CONTROL_BYTES, MAX_THREADS } from "./thread-worker.js";
export * from "./thread-jobs.js";

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
  private readonly createdAt = performance.now();
  /** Whether a worker has started (then jobs are posted from now on); a browser page posts from the start. */
  private up: boolean;
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
    /** Node: the caller runs jobs alone until a worker has started (see ready); a browser page posts them from the start. */
    holdsUntilStarted: boolean,
    startWorker: (data: unknown) => (mail: unknown) => void,
    module: WebAssembly.Module,
  ) {
    this.control = new Int32Array(memory.buffer, control, CONTROL_BYTES / 4);
    this.up = !holdsUntilStarted;
    for (let w = 0; w < workers; w++) this.mailboxes.push(startWorker({ module, memory, control, thread: w + 1 }));
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
   * nothing, if the workers will not start (failed: the caller then runs the product itself).
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
    c[ROW_TASKS] = rowTasks(job.m, job);
    c[ROW_CHUNK] = job.rowChunk;
    const args = [job.a, job.b, job.out, job.m, job.k, job.n, job.transA ? 1 : 0, job.transB ? 1 : 0, job.jc, job.nc, job.bp, job.chunkTasks, job.stripRows];
    for (let i = 0; i < args.length; i++) c[ARGS + i] = args[i]!;
    for (let t = 0; t < job.scratch.length; t++) [c[SCRATCH + 2 * t], c[SCRATCH + 2 * t + 1]] = job.scratch[t]!;
    this.post(on);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a matmul kernel failed on a worker thread");
    return true;
  }

  /**
   * Computes the convolution `job` with the workers, returning when every task is done; false,
   * having run nothing, if the workers will not start (failed).
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
    this.post(on);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a convolution kernel failed on a worker thread");
    return true;
  }

  /**
   * Computes the batched product `job` with the workers, returning when every task is done;
   * false, having run nothing, if the workers will not start (failed).
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
    this.post(on);
    if (c[FAILED] !== 0) throw new Error("wasm backend: a batched matmul kernel failed on a worker thread");
    return true;
  }

  /**
   * Runs a compiled plan's fused element-wise program ("fused"), softmax ("softmax"), max
   * pooling ("pool") or SGD-with-momentum update ("sgd") on `on` in `job`'s tasks with the workers, returning when every task is
   * done; false, having run nothing, if the workers will not start (failed).
   */
  tasks(kind: "fused" | "softmax" | "pool" | "sgd", f64: boolean, job: SharedTasks, on: AttachedMemory): boolean {
    if (!this.ready()) return false;
    const c = this.control;
    c[KIND] = kind === "fused" ? FUSED : kind === "softmax" ? SOFTMAX : kind === "pool" ? POOL : SGD;
    c[MEMORY] = on.id;
    c[DTYPE] = f64 ? 1 : 0;
    c[FAILED] = 0;
    c[ROW_NEXT] = 0;
    c[ROW_DONE] = 0;
    c[ROW_TASKS] = job.tasks;
    for (let i = 0; i < job.args.length; i++) c[ARGS + i] = job.args[i]!;
    for (let t = 0; t < job.scratch.length; t++) c[SCRATCH + 2 * t] = job.scratch[t]!;
    this.post(on);
    if (c[FAILED] !== 0) throw new Error(`wasm backend: a ${kind} kernel failed on a worker thread`);
    return true;
  }

  /**
   * Posts the job in the control block, does the caller's share, and waits for the rest. A job
   * on an attached memory is a compiled plan's, whose next job follows at once: the workers
   * spin long for it; eager mode's jobs (on the pool's own memory) are far apart (SPINS).
   */
  private post(on: AttachedMemory | undefined): void {
    const c = this.control;
    const kernels = on?.kernels ?? this.kernels;
    c[SPIN_LIMIT] = on === undefined ? EAGER_SPINS : SPINS;
    if (this.solo || !this.up) {
      // (no worker has started yet, in Node: ready) the same tasks, all on this thread
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
   * Whether to take jobs: false only once the workers will not start (failed). In Node a job is
   * posted once a worker has started; until then (a worker boots in about 40 ms) the caller runs
   * the job's tasks alone, split as always, so the values are the same bits as on the threads
   * (a weight gradient's partial sums follow the split). The first large product used to wait
   * for the boot instead: most of W3's first compiled step, and starting the workers with the
   * backend to hide it slowed programs that never need them (W2's short run by a fifth, its
   * worker booting beside V8's compiler threads on two cores). A browser's main thread posts
   * from the start: the caller does every task that no worker takes, and workers join jobs as
   * soon as they run.
   */
  private ready(): boolean {
    if (!this.up) this.up = this.started > 0;
    return this.up || performance.now() - this.createdAt <= 10_000;
  }

  /** Whether the workers will not start: none had 10 s after the pool was made (Node). The backend then stops asking. */
  get failed(): boolean {
    return !this.ready();
  }

  /**
   * Jobs a worker has joined so far, summed over the workers (a worker joins a job only once it
   * has the job's memory, and takes its tasks if any are left). A run of jobs that leaves it
   * unchanged ran on the calling thread alone, posted or not: what the thread tuners must not
   * take for a threaded run.
   */
  get joined(): number {
    return Atomics.load(this.control, JOINED);
  }

  /** @internal Jobs posted to the workers so far (not those the caller ran alone; each job's generation): tests. */
  get posted(): number {
    return this.generation;
  }
}
