import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { tracePlan } from "../../src/compile/tracer.js";
import { elementwiseGroups, fusedOpOf } from "../../src/compile/fuse.js";
import { TinyGPT } from "../../examples/tiny-gpt.js";
import { runSteps, stateOf, trainingStep, valuesOf, type Step } from "./eager-vs-compiled.js";

const all = () => true;

test("the planner groups consecutive element-wise calls over one element count, with broadcast operands as mod/div reads", () => {
  const model = new nn.Sequential(new nn.Linear(3, 40), new nn.ReLU(), new nn.Linear(40, 5));
  const step = (x: Tensor, y: Tensor) => {
    model.zeroGrad();
    const logits = model.call(x);
    // a shifted exponential (softmax's first half written out): x − max(x) reads one max per row
    const shifted = logits.sub(logits.amax(1, true)).exp();
    const loss = new nn.CrossEntropyLoss().call(logits, y).add(shifted.mean());
    loss.backward();
    return loss;
  };
  const plan = tracePlan(step as (...args: unknown[]) => unknown, [randn([30, 3]), tensor(Array.from({ length: 30 }, (_, i) => i % 5))], activeBackend());
  const groups = elementwiseGroups(plan, all);
  const described = groups.map((g) => g.ops.map((op) => `${op.op || op.kind}(${op.a.kind}${op.b === null ? "" : `,${op.b.kind}`})`).join(" "));
  // bias + ReLU: the bias row repeats down the [30, 40] matrix
  assert.ok(described.includes("add(dense,mod) relu(dense)"), described.join(" | "));
  // x − max(x) reads one max per row, then exp
  assert.ok(described.some((d) => d.startsWith("sub(dense,div) exp(dense)")), described.join(" | "));
  for (const group of groups) {
    assert.ok(group.ops.length >= 2 && group.end > group.start);
    for (const op of group.ops) assert.equal(op.out.size, group.size);
  }
});

test("fusedOpOf: a sum or max over an axis of size 1 is element-wise; other reductions and strided views are not", () => {
  const x = activeBackend().allocate(6, "float32");
  const out = activeBackend().allocate(6, "float32");
  assert.equal(fusedOpOf("reduce", ["sum", x, 6, 1, 1, out], 0)?.op, "add");
  assert.equal(fusedOpOf("reduce", ["max", x, 6, 1, 1, out], 0)?.kind, "clamp");
  assert.equal(fusedOpOf("reduce", ["sum", x, 2, 3, 1, activeBackend().allocate(2, "float32")], 0), null);
  // a transposed [2, 3] view read in [3, 2] order: neither dense nor a broadcast
  assert.equal(fusedOpOf("binary", ["add", { ref: x, offset: 0, strides: [1, 3] }, { ref: x, offset: 0, strides: [2, 1] }, [3, 2], out], 0), null);
});

/** Runs `steps` calls eagerly, compiled, and compiled without fusion, from the same seed. */
function threeWays(setup: () => { parameters: () => Tensor[]; step: Step }, x: Tensor, y: Tensor, steps: number) {
  const run = (mode: "eager" | "fused" | "unfused") => {
    manualSeed(11);
    const { parameters, step } = setup();
    const { losses, stats } = runSteps(step, x, y, steps, { compiled: mode !== "eager", options: { fusion: mode === "fused" } });
    // a signature that fell back to eager mode would match eager trivially
    if (stats !== null) assert.equal(stats.eager, 0);
    return { losses, params: valuesOf(parameters()) };
  };
  return { eager: run("eager"), fused: run("fused"), unfused: run("unfused") };
}

test("fused chains across several blocks, with row and column broadcasts and sizes not a multiple of four, match eager bit for bit", () => {
  // [37, 29] = 1073 elements: three interpreter blocks, a tail of one element
  const x = randn([37, 29]);
  const y = randn([37, 1]).sigmoid();
  const setup = () => {
    const w = randn([29], { requiresGrad: true });
    const v = randn([37, 1], { requiresGrad: true });
    const optimizer = new optim.SGD([w, v], { lr: 0.05, momentum: 0.5 });
    const step = (input: Tensor, target: Tensor) => {
      optimizer.zeroGrad();
      const h = input.mul(w).add(v).tanh().mul(2).sub(input.exp().clamp(0.5, 2)).relu();
      const p = h.sum(1, true).div(29).sigmoid().clamp(1e-6, 1 - 1e-6);
      const loss = nn.functional.binaryCrossEntropy(p, target).add(h.square().mean().mul(0.01));
      loss.backward();
      optimizer.step();
      return loss;
    };
    return { parameters: () => [w, v], step };
  };
  // the chain does fuse, over the full 1073 elements, reading the row and column broadcasts in place
  const groups = elementwiseGroups(tracePlan(setup().step as (...args: unknown[]) => unknown, [x, y], activeBackend()), all).filter((g) => g.size === 37 * 29);
  const kinds = new Set(groups.flatMap((g) => g.ops.flatMap((op) => [op.a.kind, op.b?.kind])));
  assert.ok(groups.length >= 2 && kinds.has("mod") && kinds.has("div"), `groups: ${groups.length}, reads: ${[...kinds].join(", ")}`);
  const { eager, fused, unfused } = threeWays(setup, x, y, 30);
  assert.deepEqual(fused.losses, eager.losses);
  assert.deepEqual(fused.params, eager.params);
  assert.deepEqual(unfused.losses, eager.losses);
  assert.ok(eager.losses[29]! < eager.losses[0]!, "it trains");
});

for (const kind of ["Adam", "AdamW"] as const) {
  test(`${kind}'s update as one kernel per parameter: 60 compiled steps match eager bit for bit, a changed lr takes effect`, () => {
    const x = randn([50, 20]);
    const y = tensor(Array.from({ length: 50 }, (_, i) => i % 3));
    const run = (useCompile: boolean) => {
      manualSeed(3);
      // GELU and a bias of 3 (eager mode's TypeScript path, so the kernel is skipped for it)
      const model = new nn.Sequential(new nn.Linear(20, 64), new nn.GELU(), new nn.Linear(64, 3));
      const optimizer = kind === "Adam" ? new optim.Adam(model.parameters(), { lr: 0.01 }) : new optim.AdamW(model.parameters(), { lr: 0.01, weightDecay: 0.1 });
      const { losses } = runSteps(trainingStep(model, optimizer), x, y, 60, {
        compiled: useCompile,
        beforeStep: (i) => {
          if (i === 30) optimizer.paramGroups[0]!.lr = 0.002;
        },
      });
      const state = [...optimizer.state.values()].map((s) => [s!.step, Array.from(s!.expAvg.toTypedArray()), Array.from(s!.expAvgSq.toTypedArray())]);
      return { losses, params: valuesOf(model.parameters()), state };
    };
    const eager = run(false);
    const compiled = run(true);
    assert.deepEqual(compiled.losses, eager.losses);
    assert.deepEqual(compiled.params, eager.params);
    assert.deepEqual(compiled.state, eager.state);
    assert.ok(eager.losses[59]! < eager.losses[0]!);
  });
}

test("a small CNN (convolutions, max and average pooling) runs its window kernels at plan addresses: 20 compiled steps match eager bit for bit", () => {
  const x = randn([16, 1, 28, 28]);
  const y = tensor(Array.from({ length: 16 }, (_, i) => i % 10));
  const run = (useCompile: boolean) => {
    manualSeed(5);
    const model = new nn.Sequential(
      new nn.Conv2d(1, 8, 5, { padding: 2 }), new nn.ReLU(), new nn.MaxPool2d(2),
      new nn.Conv2d(8, 16, 3, { padding: 1 }), new nn.ReLU(), new nn.AvgPool2d(2),
      new nn.Flatten(), new nn.Linear(16 * 7 * 7, 10),
    );
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const { losses, stats } = runSteps(trainingStep(model, optimizer), x, y, 20, { compiled: useCompile });
    return { losses, params: valuesOf(model.parameters()), stats };
  };
  const eager = run(false);
  const compiled = run(true);
  // replays of the plan, not a signature that fell back to eager mode (which would match trivially)
  assert.deepEqual(compiled.stats, { traces: 2, replays: 18, eager: 0, evictions: 0 });
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
  assert.ok(eager.losses[19]! < eager.losses[0]!);
});

test("a small transformer (attention's strided copies, layer norms, GELU, embeddings) under AdamW: 12 compiled steps match eager bit for bit", () => {
  const tokens = Array.from({ length: 4 * 17 }, (_, i) => (i * 7 + 3) % 20);
  const x = tensor(Int32Array.from(tokens.filter((_, i) => i % 17 !== 16)), { shape: [4, 16] });
  const y = tensor(Int32Array.from(tokens.filter((_, i) => i % 17 !== 0)));
  const run = (useCompile: boolean) => {
    manualSeed(9);
    const model = new TinyGPT({ vocab: 20, block: 16, embd: 32, heads: 4, layers: 1 });
    const optimizer = new optim.AdamW(model.parameters(), { lr: 3e-3 });
    const step = trainingStep(model, optimizer, (logits, target) => nn.functional.crossEntropy(logits.reshape([64, 20]), target));
    // the backend's own softmax and layerNorm calls in the replays (the wasm executor runs them at plan addresses)
    const backend = activeBackend();
    const [softmax, layerNorm] = [backend.softmax, backend.layerNorm];
    let methodCalls = 0;
    backend.softmax = function (this: typeof backend, ...args) { methodCalls++; return softmax.apply(this, args); };
    backend.layerNorm = function (this: typeof backend, ...args) { methodCalls++; return layerNorm.apply(this, args); };
    try {
      const { losses, stats } = runSteps(step, x, y, 12, {
        compiled: useCompile,
        beforeStep: (i) => {
          if (i === 2) methodCalls = 0;
        },
      });
      return { losses, params: valuesOf(model.parameters()), stats, methodCalls };
    } finally {
      [backend.softmax, backend.layerNorm] = [softmax, layerNorm];
    }
  };
  const eager = run(false);
  const compiled = run(true);
  // two traces, then replays of the plan: a signature that fell back to eager mode would match trivially
  assert.deepEqual(compiled.stats, { traces: 2, replays: 10, eager: 0, evictions: 0 });
  if (activeBackend().name === "wasm") assert.equal(compiled.methodCalls, 0, "softmax and layerNorm ran through the backend's methods in replays");
  else assert.ok(compiled.methodCalls > 0);
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.params, eager.params);
  assert.ok(eager.losses[11]! < eager.losses[0]!);
});

test("batch norm (2d and 1d, running statistics) and a layer norm without affine parameters: 12 compiled steps match eager bit for bit, with no eager fallback", () => {
  const x = randn([8, 3, 6, 6]);
  const y = tensor(Array.from({ length: 8 }, (_, i) => i % 4));
  const run = (useCompile: boolean) => {
    manualSeed(3);
    const model = new nn.Sequential(
      new nn.Conv2d(3, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(),
      new nn.Flatten(), new nn.Linear(4 * 36, 16), new nn.BatchNorm1d(16), new nn.LayerNorm(16, { elementwiseAffine: false }), new nn.Linear(16, 4),
    );
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const { losses, stats } = runSteps(trainingStep(model, optimizer), x, y, 12, { compiled: useCompile });
    return { losses, state: stateOf(model), stats };
  };
  const eager = run(false);
  const compiled = run(true);
  assert.deepEqual(compiled.stats, { traces: 2, replays: 10, eager: 0, evictions: 0 });
  assert.deepEqual(compiled.losses, eager.losses);
  assert.deepEqual(compiled.state, eager.state); // parameters, running means and variances, batch counters
  assert.ok(eager.losses[11]! < eager.losses[0]!);
});
