// Worker threads that run row bands of a matmul on the calling thread's shared WebAssembly
// memory. Each worker owns a small control block in that memory: the caller writes the job's
// arguments and posts it; the worker spins briefly (so back-to-back jobs skip the ~30 µs
// wake-up), then sleeps in Atomics.wait. Workers are unref'd and block
// only in Atomics.wait, so the process exits by itself when the main thread is done.
import type { Kernels } from "./wasm-module.js";

/** Int32 slots per worker (fields below). */
export const SLOT_INTS = 32;
const SPINS = 20_000;

// Control block fields (Int32 indices). STATE walks IDLE → POSTED (caller) → RUNNING (worker
// claims it) → DONE (worker) → IDLE (caller). A caller that finishes its own band while a job
// is still POSTED takes it back (POSTED → IDLE) and runs it itself: on a busy machine a worker
// that the scheduler has not woken costs nothing but its share of the work.
const STATE = 0, DTYPE = 1, ARGS = 2, FAILED = 20, READY = 21;
const IDLE = 0, POSTED = 1, RUNNING = 2, DONE = 3;

// Runs in each worker, evaluated from this string so it loads the same way under tsx and from
// dist/, and written to run as a script or as a module (workers may inherit --input-type).
const WORKER_SOURCE = `
const { workerData } = process.getBuiltinModule("node:worker_threads");
const { module, memory, slot, spins } = workerData;
const instance = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("kernel aborted"); } } });
const k = instance.exports;
const c = new Int32Array(memory.buffer, slot, ${SLOT_INTS});
Atomics.store(c, ${READY}, 1);
Atomics.notify(c, ${READY});
for (;;) {
  let spin = 0;
  for (let state = Atomics.load(c, ${STATE}); state !== ${POSTED}; state = Atomics.load(c, ${STATE})) {
    if (++spin > spins) { Atomics.wait(c, ${STATE}, state); spin = 0; }
  }
  if (Atomics.compareExchange(c, ${STATE}, ${POSTED}, ${RUNNING}) !== ${POSTED}) continue; // taken back
  const a = ${ARGS};
  try {
    (c[${DTYPE}] === 1 ? k.matmulF64 : k.matmulF32)(c[a], c[a + 1], c[a + 2], c[a + 3], c[a + 4], c[a + 5], c[a + 6], c[a + 7], c[a + 8], c[a + 9], c[a + 10], c[a + 11], c[a + 12], c[a + 13], c[a + 14], c[a + 15]);
  } catch {
    Atomics.store(c, ${FAILED}, 1);
  }
  Atomics.store(c, ${STATE}, ${DONE});
  Atomics.notify(c, ${STATE});
}
`;

/** The matmul arguments after the kernel's name, as the kernel takes them. */
export type MatmulArgs = [a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, ap: number, bp: number, tile: number, rowStart: number, rowEnd: number];

interface NodeWorker {
  unref(): void;
}

interface WorkerThreads {
  Worker: new (source: string, options: { eval: true; workerData: unknown; execArgv: string[] }) => NodeWorker;
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
  if (Number.isInteger(requested) && requested >= 1) return requested - 1;
  const os = node?.getBuiltinModule?.("node:os") as { availableParallelism?: () => number } | undefined;
  return Math.max(0, (os?.availableParallelism?.() ?? 1) - 1);
}

export class ThreadPool {
  private readonly control: Int32Array;
  private started: boolean | null = null;

  private constructor(
    private readonly kernels: Kernels,
    memory: WebAssembly.Memory,
    slots: number,
    readonly workers: number,
    createWorker: (source: string, data: unknown) => NodeWorker,
    module: WebAssembly.Module,
  ) {
    this.control = new Int32Array(memory.buffer, slots, workers * SLOT_INTS);
    for (let w = 0; w < workers; w++) {
      createWorker(WORKER_SOURCE, { module, memory, slot: slots + w * SLOT_INTS * 4, spins: SPINS }).unref();
    }
  }

  /**
   * Starts `workers` threads where the engine has Node's worker_threads and shared memory;
   * null elsewhere (a browser page, for one: it runs single-threaded).
   */
  static create(kernels: Kernels, memory: WebAssembly.Memory, module: WebAssembly.Module, slots: number, workers: number): ThreadPool | null {
    if (workers < 1 || typeof SharedArrayBuffer === "undefined" || !(memory.buffer instanceof SharedArrayBuffer)) return null;
    const threads = workerThreads();
    if (threads === null) return null;
    return new ThreadPool(kernels, memory, slots, workers, (source, data) => new threads.Worker(source, { eval: true, workerData: data, execArgv: [] }), module);
  }

  /**
   * Runs `jobs[0]` on this thread and the rest on workers 0…, returning when all are done.
   * Returns false, having run nothing, if the workers never started (the caller then runs the
   * whole product itself).
   */
  matmul(f64: boolean, jobs: MatmulArgs[]): boolean {
    if (!this.ready()) return false;
    const c = this.control;
    const kernel = f64 ? this.kernels.matmulF64 : this.kernels.matmulF32;
    for (let j = 1; j < jobs.length; j++) {
      const base = (j - 1) * SLOT_INTS;
      const args = jobs[j]!;
      c[base + DTYPE] = f64 ? 1 : 0;
      for (let i = 0; i < args.length; i++) c[base + ARGS + i] = Number(args[i]);
      Atomics.store(c, base + STATE, POSTED);
      Atomics.notify(c, base + STATE);
    }
    kernel(...jobs[0]!);
    let failed = false;
    for (let j = 1; j < jobs.length; j++) {
      const base = (j - 1) * SLOT_INTS;
      if (Atomics.compareExchange(c, base + STATE, POSTED, IDLE) === POSTED) {
        kernel(...jobs[j]!); // the worker never woke up: do its share here
        continue;
      }
      let spin = 0;
      for (let state = Atomics.load(c, base + STATE); state !== DONE; state = Atomics.load(c, base + STATE)) {
        if (++spin > SPINS) {
          Atomics.wait(c, base + STATE, state, 1);
          spin = 0;
        }
      }
      if (Atomics.exchange(c, base + FAILED, 0) !== 0) failed = true;
      Atomics.store(c, base + STATE, IDLE);
    }
    if (failed) throw new Error("wasm backend: a matmul kernel failed on a worker thread");
    return true;
  }

  /** Whether every worker has started; waits up to 10 s the first time. */
  private ready(): boolean {
    if (this.started !== null) return this.started;
    const deadline = performance.now() + 10_000;
    for (let w = 0; w < this.workers; w++) {
      const at = w * SLOT_INTS + READY;
      while (Atomics.load(this.control, at) !== 1) {
        const left = deadline - performance.now();
        if (left <= 0) return (this.started = false);
        Atomics.wait(this.control, at, 0, Math.min(left, 50));
      }
    }
    return (this.started = true);
  }
}
