import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, optim, randint, randn, tensor, type Tensor } from "../../src/index.js";
import { TinyGPT } from "../../examples/tiny-gpt.js";
import { activeBackend } from "../../src/backend/registry.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { fusedSplit, productSplit, rowTasks, softmaxSplit, updateSplit, type ThreadPool } from "../../src/backend/wasm/wasm-threads.js";
import { runSteps, trainingStep, valuesOf, type StepOptimizer } from "./eager-vs-compiled.js";

// Products and convolutions big enough for the wasm backend's worker threads run on them inside
// a plan too, at the plan's addresses in its shared memory, split as eager mode splits them: so
// compiled runs equal eager ones bit for bit, threaded weight gradients (per-task partial sums
// added in task order) included.

const backend = activeBackend();
const pool = backend instanceof WasmBackend && backend.threads > 1 ? (backend.threadPool()?.pool ?? null) : null;
// plans run their jobs on the calling thread until a worker has booted: wait, so the workers take part
if (pool !== null) assert.ok(await (backend as WasmBackend).threadsStarted(), "the workers started");
const skip = pool === null ? "needs the wasm backend with worker threads" : false;

/** Counts the jobs `pool` runs on an attached plan memory (not its own) while `body` runs. */
function countPlanJobs<T>(threads: ThreadPool, body: () => T): { result: T; matmul: number; conv: number; batched: number; fused: number; softmax: number; pool: number; sgd: number } {
  const counts = { matmul: 0, conv: 0, batched: 0, fused: 0, softmax: 0, pool: 0, sgd: 0 };
  const [matmul, conv, batched, tasks] = [threads.matmul, threads.conv, threads.batched, threads.tasks];
  threads.matmul = (f64, job, on) => ((counts.matmul += on === undefined ? 0 : 1), matmul.call(threads, f64, job, on));
  threads.conv = (f64, job, on) => ((counts.conv += on === undefined ? 0 : 1), conv.call(threads, f64, job, on));
  threads.batched = (f64, job, on) => ((counts.batched += on === undefined ? 0 : 1), batched.call(threads, f64, job, on));
  threads.tasks = (kind, f64, job, on) => (counts[kind]++, tasks.call(threads, kind, f64, job, on));
  try {
    return { result: body(), ...counts };
  } finally {
    [threads.matmul, threads.conv, threads.batched, threads.tasks] = [matmul, conv, batched, tasks];
  }
}

/** `steps` training steps of `model` (momentum SGD unless `optimizer` is given), eager or compiled. */
function train(
  model: nn.Module<[Tensor], Tensor>, x: Tensor, y: Tensor, steps: number, useCompile: boolean,
  optimizer: StepOptimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 }),
  lossOf: (logits: Tensor, target: Tensor) => Tensor = nn.functional.crossEntropy,
) {
  const { losses, stats } = runSteps(trainingStep(model, optimizer, lossOf), x, y, steps, { compiled: useCompile });
  return { losses, params: valuesOf(model.parameters()), stats };
}

test("W3's MLP (784-256-128-10, batch 128, momentum SGD): threaded products at plan addresses, 8 compiled steps equal eager bit for bit", { skip }, () => {
  const x = randn([128, 784]);
  const y = tensor(Array.from({ length: 128 }, (_, i) => (i * 7) % 10));
  const make = () => {
    manualSeed(3);
    return new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  };
  const eager = train(make(), x, y, 8, false);
  const { result: compiled, matmul, sgd } = countPlanJobs(pool!, () => train(make(), x, y, 8, true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 6, eager: 0, evictions: 0 });
  // per replay: the two large forward products, their weight gradients, and the second layer's input gradient
  assert.ok(matmul >= 6 * 4, `${matmul} products ran on the threads at plan addresses`);
  // and the momentum update of the 784×256 weight (the others are below updateWorthThreads)
  assert.equal(sgd, 6, "one threaded update per replay");
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
  assert.ok(eager.losses[7]! < eager.losses[0]!);
});

test("W5's CNN at batch 7: threaded convolutions (and their weight gradients) and max pooling at plan addresses, 6 compiled steps equal eager bit for bit", { skip }, () => {
  // 7 images: the threads' runs of images are 2, 2, 2 and 1
  const x = randn([7, 1, 28, 28]);
  const y = tensor(Array.from({ length: 7 }, (_, i) => i % 10));
  const make = () => {
    manualSeed(4);
    return new nn.Sequential(
      new nn.Conv2d(1, 16, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(16, 32, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Flatten(), new nn.Linear(32 * 7 * 7, 10),
    );
  };
  const eager = train(make(), x, y, 6, false);
  const { result: compiled, conv, pool: pools } = countPlanJobs(pool!, () => train(make(), x, y, 6, true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 4, eager: 0, evictions: 0 });
  // per replay: the second convolution, its input gradient and its weight gradient (the first is below the threshold)
  assert.ok(conv >= 4 * 3, `${conv} convolutions ran on the threads at plan addresses`);
  // per replay: the first max pool and its gradient (the second, 7·32·7·7·4 window reads, is below the threshold)
  assert.ok(pools >= 4 * 2, `${pools} max pools ran on the threads`);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});

test("W6's tiny GPT (batch 16 × 64 tokens, AdamW): attention's per-head products split by head, GELU and softmax by rows over the threads, 5 compiled steps equal eager bit for bit", { skip }, () => {
  const x = randint(0, 65, [16, 64]);
  const y = randint(0, 65, [16, 64]);
  const run = (useCompile: boolean) => {
    manualSeed(6);
    const model = new TinyGPT();
    const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, weightDecay: 0.01 });
    const lossOf = (logits: Tensor, target: Tensor) => nn.functional.crossEntropy(logits.reshape([16 * 64, 65]), target.reshape([16 * 64]));
    return train(model, x, y, 5, useCompile, optimizer, lossOf);
  };
  const eager = run(false);
  const { result: compiled, batched, fused, softmax } = countPlanJobs(pool!, () => run(true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 3, eager: 0, evictions: 0 });
  // per replay and layer: q·kᵀ and attention·v, and two products in each one's backward
  assert.ok(batched >= 3 * 2 * 6, `${batched} batched products ran on the threads at plan addresses`);
  // per replay and layer: bias + GELU and its derivative times dy; attention's softmax and its gradient
  assert.ok(fused >= 3 * 2 * 2, `${fused} fused element-wise programs ran on the threads`);
  assert.ok(softmax >= 3 * 2 * 2, `${softmax} softmaxes ran on the threads`);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});

/**
 * A GELU layer of 131 × 1021 values (not a whole number of the interpreter's blocks) and causal
 * attention over 2002 sequences of 6 (so a task's rows must be whole matrices and whole groups
 * of four, which halving the rows would not give), feeding 10 logits per row.
 */
class Uneven extends nn.Module<[Tensor], Tensor> {
  readonly wide = new nn.Linear(37, 1021);
  readonly head = new nn.Linear(1021, 10);
  forward(x: Tensor): Tensor {
    const h = nn.functional.gelu(this.wide.call(x));
    const q = h.reshape([-1]).narrow(0, 0, 2002 * 6 * 8).reshape([2002, 6, 8]);
    const attended = nn.functional.scaledDotProductAttention(q, q.mul(0.5), q, { isCausal: true });
    // every row of the attention scales the logits, so every task's rows reach the loss
    return this.head.call(h).mul(attended.mean().add(1));
  }
}

test("element-wise chains and causal softmaxes whose sizes split unevenly over the threads: 5 compiled steps equal eager bit for bit", { skip }, () => {
  const x = randn([131, 37]);
  const y = tensor(Array.from({ length: 131 }, (_, i) => (i * 3) % 10));
  const make = () => {
    manualSeed(8);
    return new Uneven();
  };
  const eager = train(make(), x, y, 5, false);
  const { result: compiled, fused, softmax } = countPlanJobs(pool!, () => train(make(), x, y, 5, true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 3, eager: 0, evictions: 0 });
  assert.ok(fused >= 3 * 2, `${fused} fused element-wise programs ran on the threads`);
  assert.ok(softmax >= 3 * 2, `${softmax} softmaxes ran on the threads`);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});

test("float64 momentum SGD on a weight that splits unevenly over the threads (601×257, odd): 4 compiled steps equal eager bit for bit", { skip }, () => {
  const x = randn([64, 601], { dtype: "float64" });
  const y = tensor(Array.from({ length: 64 }, (_, i) => (i * 5) % 10));
  const make = () => {
    manualSeed(9);
    const model = new nn.Sequential(new nn.Linear(601, 257), new nn.Tanh(), new nn.Linear(257, 10));
    model.to("float64");
    return model;
  };
  const eager = train(make(), x, y, 4, false);
  const { result: compiled, sgd } = countPlanJobs(pool!, () => train(make(), x, y, 4, true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 2, eager: 0, evictions: 0 });
  assert.equal(sgd, 2, "the first weight's update ran on the threads in each replay");
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
});

test("a compiled plan's thread tuner measures no replay the workers took no part in", { skip }, () => {
  // an MLP replayed 80 times: with the workers taking part, a trial of lone runs follows the
  // warm-up; with the pool reporting no job joined, none does (the replays are not measured)
  const x = randn([128, 784]);
  const y = tensor(Array.from({ length: 128 }, (_, i) => i % 10));
  const loneRuns = (joinedNever: boolean): number => {
    manualSeed(5);
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 10));
    const target = pool as unknown as { solo: boolean; joined: number };
    let lone = 0;
    let solo = false;
    Object.defineProperty(target, "solo", { configurable: true, get: () => solo, set: (value: boolean) => void ((solo = value) && lone++) });
    if (joinedNever) Object.defineProperty(target, "joined", { configurable: true, get: () => 0 });
    try {
      runSteps(trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.05 }), nn.functional.crossEntropy), x, y, 82, { compiled: true });
    } finally {
      delete (target as { solo?: boolean }).solo;
      delete (target as { joined?: number }).joined;
      target.solo = false;
    }
    return lone;
  };
  assert.ok(loneRuns(false) >= 1, "a trial ran lone replays");
  assert.equal(loneRuns(true), 0, "no replay was measured, so no trial ran");
});

test("updateSplit: whole runs of 64 parameters, covering every one once", () => {
  for (const threads of [2, 3, 4]) {
    for (const n of [65_536, 154_457, 200_704, 1_000_003]) {
      const { chunk, tasks } = updateSplit(n, threads);
      assert.equal(chunk % 64, 0);
      assert.ok((tasks - 1) * chunk < n && tasks * chunk >= n, `n = ${n}: ${tasks} tasks of ${chunk}`);
      assert.ok(tasks >= 2, "split");
    }
  }
});

test("fusedSplit and softmaxSplit: whole interpreter blocks, whole groups of four rows and whole causal matrices, covering every element once", () => {
  for (const n of [1024, 133_751, 262_144, 262_145]) {
    const { chunk, tasks } = fusedSplit(n, 2, 512);
    assert.equal(chunk % 512, 0);
    assert.ok((tasks - 1) * chunk < n && tasks * chunk >= n, `n = ${n}: ${tasks} tasks of ${chunk}`);
  }
  for (const [outer, causal] of [[4096, 64], [12_000, 6], [1001, 0], [64, 64]] as const) {
    const { chunk, tasks } = softmaxSplit(outer, causal, 2);
    assert.equal(chunk % 4, 0);
    if (causal > 0) assert.equal(chunk % causal, 0);
    assert.ok((tasks - 1) * chunk < outer && tasks * chunk >= outer, `outer = ${outer}: ${tasks} tasks of ${chunk}`);
  }
});

test("productSplit: chunks of whole strips, then the last threads' worth of rows one strip a task, covering every row once", () => {
  for (const stripRows of [4, 6]) {
    const geometry = { matmulStripRows: () => stripRows, matmulBlockRows: () => 72 };
    for (const threads of [2, 3, 4]) {
      for (const m of [1, 5, 6, 7, 36, 96, 128, 131, 500, 1024]) {
        const split = productSplit({ batch: 1, m, k: 784, n: 256, transA: false, transB: true, batchStrideA: 0, batchStrideB: 0 }, false, threads, geometry);
        assert.equal(split.stripRows, stripRows);
        assert.equal(split.rowChunk % stripRows, 0, "chunks are whole strips");
        const ranges: [number, number][] = [];
        for (let task = 0; task < rowTasks(m, split); task++) {
          const first = task < split.chunkTasks ? task * split.rowChunk : split.chunkTasks * split.rowChunk + (task - split.chunkTasks) * stripRows;
          ranges.push([first, Math.min(m, first + (task < split.chunkTasks ? split.rowChunk : stripRows))]);
        }
        assert.deepEqual(ranges.map(([first]) => first), [0, ...ranges.slice(0, -1).map(([, end]) => end)], `m = ${m}, ${threads} threads: contiguous`);
        assert.equal(ranges.at(-1)![1], m, `m = ${m}: every row`);
        assert.ok(ranges.every(([first, end]) => end > first), `m = ${m}: no empty task`);
        // the strips after the chunks cover at least the last threads' chunks of rows, where there are that many
        if (m >= (threads + 1) * split.rowChunk) assert.ok(m - split.chunkTasks * split.rowChunk >= threads * split.rowChunk, `m = ${m}: a tail of strips`);
      }
    }
  }
  // W3's first product on two threads of the relaxed build: 5 chunks of 18 rows, 7 strips
  const w3 = productSplit({ batch: 1, m: 128, k: 784, n: 256, transA: false, transB: true, batchStrideA: 0, batchStrideB: 0 }, false, 2, { matmulStripRows: () => 6, matmulBlockRows: () => 72 });
  assert.deepEqual([w3.rowChunk, w3.chunkTasks, rowTasks(128, w3)], [18, 5, 12]);
});
