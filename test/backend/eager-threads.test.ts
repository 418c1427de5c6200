import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { EagerThreadTuner } from "../../src/backend/wasm/eager-tuner.js";
import { ThreadTuner } from "../../src/backend/wasm/thread-tuner.js";
import type { ConvOp, DataRef, MatmulSpec, WindowSpec } from "../../src/backend/backend.js";
import type { DType } from "../../src/tensor/dtype.js";

// Eager mode runs each large product or convolution on the worker threads or on the calling
// thread, whichever its shape measured faster (eager-tuner.ts): both ways must give the same
// values bit for bit, or results would depend on timing.

const threaded = new WasmBackend(1);
const single = new WasmBackend(0);
// products run on the calling thread until the worker has booted: wait, so it takes part
assert.ok(await threaded.threadsStarted(), "the worker started");

function values(size: number, seed: number): Float64Array {
  return Float64Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 0.37) * (1 + (i % 7)));
}

/** Runs `body` counting the jobs the backend's pool posts to its workers and runs alone (solo). */
function countJobs(body: () => void): { posted: number; alone: number } {
  const pool = threaded.threadPool()!.pool;
  const counts = { posted: 0, alone: 0 };
  const [matmul, conv] = [pool.matmul, pool.conv];
  const count = (): void => void (pool.solo ? counts.alone++ : counts.posted++);
  pool.matmul = (f64, job, on) => (count(), matmul.call(pool, f64, job, on));
  pool.conv = (f64, job, on) => (count(), conv.call(pool, f64, job, on));
  try {
    body();
  } finally {
    [pool.matmul, pool.conv] = [matmul, conv];
  }
  return counts;
}

/** The op on `backend` with its tuner fixed to `mode`, and the jobs it ran on the pool. */
function runAs(backend: WasmBackend, mode: "threads" | "single", size: number, dtype: DType, op: (b: WasmBackend, out: DataRef) => void): { out: Float64Array; posted: number; alone: number } {
  backend.threadTuner.mode = mode;
  const out = backend.allocate(size, dtype);
  backend.fill(out, Number.NaN);
  const counts = countJobs(() => op(backend, out));
  backend.threadTuner.mode = "tuned";
  return { out: Float64Array.from(backend.read(out)), ...counts };
}

function assertIdentical(got: Float64Array, want: Float64Array, what: string): void {
  assert.equal(got.length, want.length);
  for (let i = 0; i < got.length; i++) if (!Object.is(got[i], want[i])) assert.fail(`${what}: element ${i} is ${got[i]}, want ${want[i]}`);
}

// W6's products (the tiny GPT at batch 16 × 64 tokens) forward and in their backward forms,
// the one just above the threads' threshold ([1024, 64]·[64, 65]) included, and W3's largest
const products: [m: number, k: number, n: number, transA: boolean, transB: boolean][] = [
  [1024, 64, 192, false, true], [1024, 64, 256, false, true], [1024, 256, 64, false, true], [1024, 64, 65, false, true],
  [1024, 192, 64, false, false], [1024, 64, 256, false, false], [1024, 65, 64, false, false],
  [192, 1024, 64, true, false], [64, 1024, 256, true, false], [65, 1024, 64, true, false],
  [128, 784, 256, false, true], [256, 128, 784, true, false],
];

for (const [m, k, n, transA, transB] of products) {
  test(`eager matmul [${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""}: threads and the calling thread agree bit for bit`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      const spec: MatmulSpec = { batch: 1, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: k * n };
      const [a, b] = [values(m * k, m), values(k * n, n)];
      const op = (backend: WasmBackend, out: DataRef): void => backend.matmul(backend.fromValues(a, dtype), backend.fromValues(b, dtype), spec, out);
      const onThreads = runAs(threaded, "threads", m * n, dtype, op);
      const alone = runAs(threaded, "single", m * n, dtype, op);
      assert.ok(onThreads.posted > 0, "the product ran on the workers");
      assert.equal(alone.posted + alone.alone, 0, "alone, the product ran as one call of the kernel");
      assertIdentical(onThreads.out, alone.out, `${dtype} threads vs alone`);
      assertIdentical(onThreads.out, runAs(single, "single", m * n, dtype, op).out, `${dtype} threads vs a one-thread backend`);
    }
  });
}

// W5's convolutions (batch 64) and their gradients
const convolutions: [op: ConvOp, channels: number, size: number, outChannels: number][] = [
  ["conv2d", 1, 28, 16], ["conv2d", 16, 14, 32], ["conv2dInputGrad", 16, 14, 32], ["conv2dWeightGrad", 1, 28, 16], ["conv2dWeightGrad", 16, 14, 32],
];

for (const [kind, channels, size, outChannels] of convolutions) {
  test(`eager ${kind} of 64×${channels}×${size}² to ${outChannels} channels: threads and the calling thread agree bit for bit`, () => {
    const batch = 64;
    const spec: WindowSpec = { batch, channels, height: size, width: size, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 2, padW: 2, dilationH: 1, dilationW: 1, outH: size, outW: size };
    const [image, weight, grad] = [values(batch * channels * size * size, 1), values(outChannels * channels * 25, 2), values(batch * outChannels * size * size, 3)];
    const [a, b, outSize] = kind === "conv2d" ? [image, weight, batch * outChannels * size * size] : kind === "conv2dInputGrad" ? [grad, weight, batch * channels * size * size] : [image, grad, outChannels * channels * 25];
    const op = (backend: WasmBackend, out: DataRef): void => backend.conv2d(kind, backend.fromValues(a, "float32"), backend.fromValues(b, "float32"), null, spec, outChannels, out);
    const onThreads = runAs(threaded, "threads", outSize, "float32", op);
    const alone = runAs(threaded, "single", outSize, "float32", op);
    assert.equal(onThreads.posted, 1, "the convolution ran on the workers");
    assertIdentical(onThreads.out, alone.out, "threads vs alone");
    if (kind === "conv2dWeightGrad") {
      // its partial sums follow the split: alone, the caller runs the same tasks
      assert.deepEqual([alone.posted, alone.alone], [0, 1]);
    } else {
      assert.equal(alone.posted + alone.alone, 0, "alone, the convolution ran as one call of the kernel");
      assertIdentical(onThreads.out, runAs(single, "single", outSize, "float32", op).out, "threads vs a one-thread backend");
    }
  });
}

/** A tuner on a clock that only the calls move: a threaded call takes `costs.threads` ms, one alone `costs.single`. */
function clocked(costs: { threads: number; single: number }): { tuner: EagerThreadTuner; call(key: string, threadsAvailable?: boolean): "threads" | "single" } {
  let now = 0;
  const tuner = new EagerThreadTuner(() => now);
  const call = (key: string, threadsAvailable = true): "threads" | "single" => {
    let ran: "threads" | "single" = "single";
    tuner.run(
      key,
      () => {
        if (!threadsAvailable) return false;
        now += costs.threads;
        ran = "threads";
        return true;
      },
      () => {
        now += costs.single;
        ran = "single";
      },
    );
    return ran;
  };
  return { tuner, call };
}

/** A shape class's first calls: WARM_UP threaded (not measured), then a trial alternating threads and alone. */
const firstCalls = (): string[] => [...Array<string>(ThreadTuner.WARM_UP).fill("threads"), ...trialCalls()];
const trialCalls = (): string[] => Array.from({ length: 2 * ThreadTuner.TRIAL }, (_, i) => (i % 2 === 0 ? "threads" : "single"));

test("the eager tuner tries both ways per shape, keeps the faster, and measures again", () => {
  const costs = { threads: 2, single: 3 };
  const { call } = clocked(costs);
  const calls = (count: number): string[] => Array.from({ length: count }, () => call("a"));
  assert.deepEqual(calls(firstCalls().length), firstCalls());
  assert.deepEqual(calls(4), Array(4).fill("threads"), "kept");
  costs.threads = 5; // the cores got busy: the calling thread alone is faster now, which the threaded calls show
  assert.deepEqual(calls(2), ["threads", "threads"], "two slow threaded calls");
  assert.deepEqual(calls(2 * ThreadTuner.TRIAL), trialCalls(), "start a trial");
  assert.deepEqual(calls(ThreadTuner.FIRST_KEEP), Array(ThreadTuner.FIRST_KEEP).fill("single"), "kept");
  assert.deepEqual(calls(2 * ThreadTuner.TRIAL), trialCalls(), "measured again");
  assert.deepEqual(calls(2 * ThreadTuner.FIRST_KEEP), Array(2 * ThreadTuner.FIRST_KEEP).fill("single"), "confirmed: kept twice as long");
  assert.equal(call("a"), "threads", "a new trial starts with threads");
});

test("the eager tuner keeps one choice per shape class", () => {
  const costs = { threads: 2, single: 3 };
  const { call } = clocked(costs);
  // class "a" learns that threads are faster …
  for (let i = 0; i < firstCalls().length; i++) call("a");
  // … while class "b" is measured when the threads are slow, so it keeps the calling thread
  costs.threads = 9;
  for (let i = 0; i < firstCalls().length; i++) call("b");
  costs.threads = 2; // (a's threaded calls slower than its lone ones would start a new trial for a)
  for (let i = 0; i < 10; i++) assert.deepEqual([call("a"), call("b")], ["threads", "single"]);
});

test("the eager tuner runs alone where the threads are unavailable, and learns nothing from it", () => {
  const { call } = clocked({ threads: 1, single: 50 });
  for (let i = 0; i < 5; i++) assert.equal(call("a", false), "single");
  // the class starts afresh once threads run: warm-up, then threads, alone, threads, …
  assert.deepEqual(firstCalls().map(() => call("a")), firstCalls());
  assert.equal(call("a"), "threads");
});

test("the eager tuner's fixed modes run one way without measuring", () => {
  const { tuner, call } = clocked({ threads: 50, single: 1 });
  tuner.mode = "threads";
  for (let i = 0; i < 3 * ThreadTuner.TRIAL; i++) assert.equal(call("a"), "threads");
  assert.equal(call("a", false), "single", "threads mode falls back where the threads are unavailable");
  tuner.mode = "single";
  for (let i = 0; i < 3; i++) assert.equal(call("a"), "single");
  // nothing was recorded under the fixed modes: tuned, the class starts with its warm-up and trial
  tuner.mode = "tuned";
  assert.deepEqual(firstCalls().map(() => call("a")), firstCalls());
});

test("the eager tuner forgets its shape classes when there are too many (ever-changing shapes)", () => {
  const { call } = clocked({ threads: 1, single: 5 });
  for (let i = 0; i < firstCalls().length; i++) call("first");
  assert.equal(call("first"), "threads", "kept");
  for (let c = 1; c < EagerThreadTuner.CLASSES; c++) call(`class ${c}`);
  assert.equal(call("first"), "threads", "still kept: the table is full, not over");
  call("one too many");
  // "first" starts over: warm-up and trial
  assert.deepEqual(firstCalls().map(() => call("first")), firstCalls());
});

test("the eager tuner does not measure threaded calls that no worker joined (the workers booting)", () => {
  let now = 0;
  let joined = 0;
  let workersUp = false;
  const tuner = new EagerThreadTuner(() => now, () => joined);
  const call = (): "threads" | "single" => {
    let ran: "threads" | "single" = "single";
    tuner.run(
      "a",
      () => {
        ran = "threads";
        now += workersUp ? 2 : 3; // before the boot, the caller does the work alone
        if (workersUp) joined++;
        return true;
      },
      () => void (now += 3),
    );
    return ran;
  };
  for (let i = 0; i < 3 * ThreadTuner.KEEP; i++) assert.equal(call(), "threads", `call ${i} before the boot: no trial`);
  workersUp = true;
  assert.deepEqual(firstCalls().map(() => call()), firstCalls(), "the warm-up and the first trial come once the workers join");
  assert.deepEqual(Array.from({ length: 5 }, () => call()), Array(5).fill("threads"), "and the threads are kept");
});
