/**
 * The worker threads' side of the pool (wasm-threads.ts): the control block's layout, the
 * work every thread does on a posted job, and the source text a worker runs (Node's
 * worker_threads or a browser's Web Worker).
 */
import type { Kernels } from "./wasm-module.js";

/**
 * How long a worker spins after a job before it sleeps (so that a job posted soon after skips
 * the wake-up, ~30 µs idle and far more on busy cores, where the woken worker can take the
 * caller's core): a compiled plan posts its jobs back to back, so its workers spin long; eager
 * mode's jobs come a millisecond or more apart (JavaScript and small ops between them), which
 * outlasts 20,000 spins (0.3–0.7 ms of CPU): in eager W6 they caught 16 jobs of 240, so eager
 * jobs spin only long enough for the next column block of the same product.
 */
export const SPINS = 20_000, EAGER_SPINS = 1_000;

/** Int32 fields of the control block. */
export const STATE = 0, GEN = 1, ACTIVE = 2, DTYPE = 3, FAILED = 4;
export const PACK_NEXT = 5, PACK_DONE = 6, PACK_TASKS = 7, PANELS_PER_TASK = 8;
export const ROW_NEXT = 9, ROW_DONE = 10, ROW_TASKS = 11, ROW_CHUNK = 12, KIND = 13, MEMORY = 14, MAIL = 15;
export const MATMUL = 0, CONV = 1, BATCHED = 2, FUSED = 3, SOFTMAX = 4, POOL = 5, SGD = 6;
export const ARGS = 16; // a, b, out, m, k, n, transA, transB, jc, nc, bp, chunkTasks, stripRows
export const SPIN_LIMIT = 31; // spins after this job (the args above end by 30)
export const SCRATCH = 32; // per thread: ap, tile
export const READY = 96; // per worker: 1 once started
export const IDLE = 0, POSTED = 1;
/** Threads a control block has room for (the caller included). */
export const MAX_THREADS = 32;
export const JOINED = READY + MAX_THREADS; // jobs a worker joined holding the job's memory (it takes tasks if any are left), summed over workers
/** Bytes of the control block. */
export const CONTROL_BYTES = (JOINED + 1) * 4;

/**
 * A thread's part of the posted job: claim panel tasks until none are left, wait until every
 * panel is packed, then claim row chunks. Plain JavaScript with no outside references but the
 * per-kind functions below, which workers evaluate with it ({@link WORK_SOURCE}): each kind
 * repeats the claiming loop rather than share a helper nested in it (a bundler may wrap such a
 * closure in a function of its own, such as esbuild's `__name`, which a worker does not have:
 * test/backend/thread-worker-source.test.ts). One function per kind keeps each small for V8's
 * optimizing compiler, which compiles only the kinds a program runs (W3's compiled epoch, run
 * with `node --trace-opt --single-threaded`, spent 18 ms of compiler time on the one function
 * all kinds were in, once per isolate, and 8 on the matmul part alone). The field numbers are
 * written out (they are the constants above: 3 DTYPE, 4 FAILED, 5–8 the panel tasks, 9–12 the
 * row tasks, 13 KIND, 16 ARGS, 32 SCRATCH). A convolution job (KIND 1), a batched product (KIND 2), a fused element-wise
 * program (KIND 3), a softmax (KIND 4), max pooling (KIND 5) and an SGD update (KIND 6) use the
 * row-task counters for their tasks of images, matrices, element ranges, rows, images or parameters.
 */
export function work(kernels: Kernels, c: Int32Array, thread: number): void {
  const f64 = c[3] === 1;
  // one small function per kind: V8 optimizes each on its own, only the kinds a program runs
  const kind = c[13];
  if (kind === 3) workFused(kernels, c, thread, f64);
  else if (kind === 6) workSgd(kernels, c, thread, f64);
  else if (kind === 4) workSoftmax(kernels, c, thread, f64);
  else if (kind === 5) workPool(kernels, c, thread, f64);
  else if (kind === 1) workConv(kernels, c, thread, f64);
  else if (kind === 2) workBatched(kernels, c, thread, f64);
  else workMatmul(kernels, c, thread, f64);
}

function workFused(kernels: Kernels, c: Int32Array, thread: number, f64: boolean): void {
  // a fused element-wise program (kind 3): tasks of `chunk` elements, whole blocks of the interpreter
  const run = f64 ? kernels.fusedRangeF64 : kernels.fusedRangeF32;
  const [program, count, n, chunk] = [c[16]!, c[17]!, c[18]!, c[19]!];
  const tasks = c[11]!;
  const scratch = c[32 + 2 * thread]!;
  for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
    try {
      if (Atomics.load(c, 4) === 0) run(program, count, task * chunk, Math.min(n, (task + 1) * chunk), scratch);
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

function workSgd(kernels: Kernels, c: Int32Array, _thread: number, f64: boolean): void {
  // an SGD-with-momentum update (kind 6): tasks of `chunk` parameters, each element updated as one call updates it
  const update = f64 ? kernels.sgdMomentumF64 : kernels.sgdMomentumF32;
  const [p, g, b, n, chunk] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!];
  // the hyper-parameters as float64 bits, two int32 fields each
  const [momentum, keep, negLr] = new Float64Array(Int32Array.of(c[21]!, c[22]!, c[23]!, c[24]!, c[25]!, c[26]!).buffer);
  const bytes = f64 ? 8 : 4;
  const tasks = c[11]!;
  for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
    const skip = task * chunk * bytes;
    try {
      if (Atomics.load(c, 4) === 0) update(p + skip, g + skip, b + skip, Math.min(chunk, n - task * chunk), momentum!, keep!, negLr!);
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

function workSoftmax(kernels: Kernels, c: Int32Array, _thread: number, f64: boolean): void {
  // a softmax or its gradient (kind 4): tasks of `chunk` slices, each row computed as in one call
  const softmax = f64 ? kernels.softmaxF64 : kernels.softmaxF32;
  const [op, x, dy, outer, axisSize, inner, out, causal, chunk] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!];
  const tasks = c[11]!;
  const rowBytes = axisSize * inner * (f64 ? 8 : 4);
  for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
    const first = task * chunk;
    const skip = first * rowBytes;
    try {
      if (Atomics.load(c, 4) === 0) softmax(op, x + skip, dy === 0 ? 0 : dy + skip, Math.min(chunk, outer - first), axisSize, inner, out + skip, causal);
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

function workPool(kernels: Kernels, c: Int32Array, _thread: number, f64: boolean): void {
  // max pooling (which 0) or its gradient (which 1), kind 5: tasks of whole images, each a call of the one-thread kernel
  const [which, x, out, indices, spec, lastSpec, xStep, outStep, indicesStep] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23]!, c[24]!];
  const tasks = c[11]!;
  for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
    const taskSpec = task === tasks - 1 ? lastSpec : spec;
    try {
      if (Atomics.load(c, 4) === 0) {
        if (which === 0) (f64 ? kernels.maxPool2dF64 : kernels.maxPool2dF32)(x + task * xStep, taskSpec, out + task * outStep, indices + task * indicesStep);
        else (f64 ? kernels.maxPool2dGradF64 : kernels.maxPool2dGradF32)(x + task * xStep, indices + task * indicesStep, taskSpec, out + task * outStep);
      }
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

function workConv(kernels: Kernels, c: Int32Array, thread: number, f64: boolean): void {
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
}

function workBatched(kernels: Kernels, c: Int32Array, thread: number, f64: boolean): void {
  // a batched product (kind 2): tasks of runs of whole matrices, each a call of the one-thread kernel
  const product = f64 ? kernels.matmulF64 : kernels.matmulF32;
  const small = f64 ? kernels.matmulSmallF64 : kernels.matmulSmallF32;
  const thin = f64 ? kernels.matmulThinF64 : kernels.matmulThinF32;
  const bytes = f64 ? 8 : 4;
  const [a, b, out, batch, m, k, n, transA, transB, strideA, strideB, chunk, packABytes, packBBytes] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22]!, c[23] === 1, c[24] === 1, c[25]!, c[26]!, c[27]!, c[28]!, c[29]!];
  const tasks = c[11]!;
  const ap = c[32 + 2 * thread]!, bp = ap + packABytes, tile = bp + packBBytes;
  for (let task = Atomics.add(c, 9, 1); task < tasks; task = Atomics.add(c, 9, 1)) {
    const start = task * chunk;
    try {
      const [at, bt, ot, count] = [a + start * strideA * bytes, b + start * strideB * bytes, out + start * m * n * bytes, Math.min(chunk, batch - start)];
      // thin and small products on their unpacked kernels, as the one-thread call runs them
      if (Atomics.load(c, 4) === 0 && (f64 ? kernels.thinProductF64 : kernels.thinProductF32)(m, k, n, transA, transB)) thin(at, bt, ot, count, m, k, n, transA, transB, strideA, strideB);
      else if (Atomics.load(c, 4) === 0 && (f64 ? kernels.smallProductF64 : kernels.smallProductF32)(m, k, n)) small(at, bt, ot, count, m, k, n, transA, transB, strideA, strideB, bp);
      else if (Atomics.load(c, 4) === 0) product(at, bt, ot, count, m, k, n, transA, transB, strideA, strideB, ap, bp, tile);
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

function workMatmul(kernels: Kernels, c: Int32Array, thread: number, f64: boolean): void {
  const pack = f64 ? kernels.packPanelsF64 : kernels.packPanelsF32;
  const rows = f64 ? kernels.productRowsF64 : kernels.productRowsF32;
  const [a, b, out, m, k, n, transA, transB, jc, nc, bp, chunkTasks, strip] = [c[16]!, c[17]!, c[18]!, c[19]!, c[20]!, c[21]!, c[22] === 1, c[23] === 1, c[24]!, c[25]!, c[26]!, c[27]!, c[28]!];
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
    // chunkTasks chunks of `chunk` rows, then one strip per task (thread-jobs.ts productSplit)
    const first = task < chunkTasks ? task * chunk : chunkTasks * chunk + (task - chunkTasks) * strip;
    try {
      if (Atomics.load(c, 4) === 0) rows(a, bp, out, m, k, n, transA, jc, nc, ap, tile, first, Math.min(m, first + (task < chunkTasks ? chunk : strip)));
    } catch {
      Atomics.store(c, 4, 1);
    }
    Atomics.add(c, 10, 1);
  }
}

/**
 * The text a worker evaluates for `work`: the per-kind functions, then `work` itself (each
 * function's own source, so a bundler's renaming or wrapping stays consistent between them;
 * test/backend/thread-worker-source.test.ts runs it in a fresh context).
 */
export const WORK_SOURCE = `${[workMatmul, workFused, workSgd, workSoftmax, workPool, workConv, workBatched].map(String).join("\n")}\nconst work = ${work.toString()};`;

// Each worker: wait for a new job, join it (ACTIVE counts who is inside), work on the kernels
// over the job's memory, leave. On mail (MAIL above the messages it has handled) it returns to
// its event loop, which hands it the messages: { attach: id, memory } or { detach: id }; it
// runs the loop again once it has handled as many as MAIL counts. The loop is the same in Node
// and in a browser; only how a worker receives its start-up data and messages differs.
const WORKER_LOOP = `
const imports = (memory) => ({ env: { memory, abort() { throw new Error("kernel aborted"); } } });
const memories = new Map([[0, new WebAssembly.Instance(module, imports(memory)).exports]]);
const c = new Int32Array(memory.buffer, control, ${CONTROL_BYTES / 4});
${WORK_SOURCE}
let done = 0;
let handled = 0;
let spins = 0; // after each job, as its poster set (SPIN_LIMIT)
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
      spins = c[${SPIN_LIMIT}];
      const kernels = memories.get(c[${MEMORY}]);
      if (kernels !== undefined) {
        Atomics.add(c, ${JOINED}, 1);
        work(kernels, c, thread);
      }
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
export const NODE_WORKER_SOURCE = `
const { workerData, parentPort } = process.getBuiltinModule("node:worker_threads");
const { module, memory, control, thread } = workerData;
parentPort.on("message", (message) => receive(message));
// a full collection after a memory is detached, from the first detach on (the flag makes gc()
// available to contexts made after it, such as the one made here). Not named gc: when the flag
// was already set before this worker started (the webgpu collector sets it), the worker's global
// object has a non-configurable gc, and a top-level \`let gc\` would be a SyntaxError.
let fullCollection = null;
const collect = () => {
  if (fullCollection === null) {
    process.getBuiltinModule("node:v8").setFlagsFromString("--expose-gc");
    fullCollection = process.getBuiltinModule("node:vm").runInNewContext("gc");
  }
  fullCollection();
};
${WORKER_LOOP}`;

/** A Web Worker: its data (the module and the shared memory) arrives as the first message, then its mail. */
export const BROWSER_WORKER_SOURCE = `
self.onmessage = (event) => {
  const { module, memory, control, thread } = event.data;
  self.onmessage = (mail) => receive(mail.data);
  const collect = undefined; // a page's engine collects the worker's garbage by itself
  ${WORKER_LOOP}
};`;
