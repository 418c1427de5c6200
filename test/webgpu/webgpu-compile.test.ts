// compile() on webgpu: a replayed step encodes the plan's captured kernels and the eager host
// steps (optimizer.step …) into one command encoder and submits it once per call, and leaves
// losses, parameters and gradients where the eager step leaves them on the same device. The
// plan owns its buffers: collecting the traced tensors does not free them while it lives, and
// dropping the compiled function returns them to the pool.
import { collectUntilSettled } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { compile, manualSeed, nn, noGrad, optim, randn, setBackend, tensor, type Tensor } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";
import { runStepsAsync, trainingStep } from "../compile/eager-vs-compiled.js";

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;
const backend = gpu as Exclude<typeof gpu, string>;

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/bench/${name}`, import.meta.url), "utf8")) as T;
const moons = read<{ X: number[][]; y: number[] }>("moons200.json");
const blobs = read<{ X: number[][]; y: number[] }>("blobs1000.json");
const init = read<{ layers: { W: number[][]; b: number[] }[] }>("init_w1.json");

/** A full collection and a turn of the event loop, so finalizers run (the test asks for them on purpose). */
/** The collector run until live device memory holds still (test/helpers.ts). */
const collect = (): Promise<void> => collectUntilSettled(() => backend.memory().liveBytes);

interface Run {
  losses: number[];
  parameters: number[][];
  grads: number[][];
  /** Command buffers each call submitted (compiled runs). */
  submits: number[];
}

/** W1 (MLP 2-16-16-2 on moons200) or W2 (logistic regression on blobs1000), SGD lr 0.1, on the backend selected now. */
function workload(name: "W1" | "W2"): { model: nn.Module; step: (x: Tensor, y: Tensor) => Tensor; x: Tensor; y: Tensor } {
  let model: nn.Module;
  let loss: (output: Tensor, target: Tensor) => Tensor;
  let x: Tensor, y: Tensor;
  if (name === "W1") {
    model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
    const state: Record<string, Tensor> = {};
    init.layers.forEach((layer, i) => {
      state[`${2 * i}.weight`] = tensor(layer.W).t().contiguous();
      state[`${2 * i}.bias`] = tensor(layer.b);
    });
    model.loadStateDict(state);
    [x, y] = [tensor(moons.X), tensor(moons.y, { dtype: "int32" })];
    const criterion = new nn.CrossEntropyLoss();
    loss = (output, target) => criterion.call(output, target);
  } else {
    model = new nn.Linear(2, 1);
    model.loadStateDict({ weight: tensor([[0, 0]]), bias: tensor([0]) });
    [x, y] = [tensor(blobs.X), tensor(blobs.y).reshape([-1, 1])];
    const criterion = new nn.BCELoss();
    loss = (output, target) => criterion.call(output.sigmoid(), target);
  }
  const step = trainingStep(model, new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.5 }), loss);
  return { model, step, x, y };
}

async function train(name: "W1" | "W2", compiled: boolean, steps: number, collectEvery = 0): Promise<Run> {
  const { model, step, x, y } = workload(name);
  const run = compiled ? compile(step) : step;
  const result: Run = { losses: [], parameters: [], grads: [], submits: [] };
  // the returned losses are kept and read at the end, as a user's list of losses would be
  const losses: Tensor[] = [];
  for (let i = 0; i < steps; i++) {
    const before = backend.submits;
    losses.push(run(x, y));
    result.submits.push(backend.submits - before);
    await new Promise((resolve) => setImmediate(resolve));
    if (collectEvery > 0 && i % collectEvery === collectEvery - 1) await collect();
  }
  for (const loss of losses) result.losses.push((await loss.data())[0]!);
  for (const p of model.parameters()) {
    result.parameters.push(Array.from(await p.data()));
    result.grads.push(Array.from(await p.grad!.data()));
  }
  if (compiled) assert.deepEqual((run as ReturnType<typeof compile>).stats, { traces: 2, replays: steps - 2, eager: 0, evictions: 0 });
  return result;
}

// The compiled step runs the same WGSL kernels on the same buffers' values as the eager one,
// in the same order: results agree to float32 rounding (1e-6 relative), far inside the 1e-4
// that separates webgpu from wasm (webgpu-training.test.ts).
function close(got: readonly number[], want: readonly number[], label: string, rtol = 1e-6): void {
  assert.equal(got.length, want.length, label);
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= rtol * Math.abs(w) + 1e-7, `${label}[${i}]: ${got[i]} compiled, ${w} eager`));
}

for (const name of ["W1", "W2"] as const) {
  test(`webgpu compile: ${name} (momentum SGD) gives eager's losses, parameters and grads, one submit per call, with the traced tensors collected on the way`, { skip }, async () => {
    const steps = 24;
    const eager = await onWebGpu(() => train(name, false, steps));
    // a collection every 5 steps finalizes the traced tensors: the plan's buffers must stay its own
    const compiled = await onWebGpu(() => train(name, true, steps, 5));
    close(compiled.losses, eager.losses, `${name} loss`);
    compiled.parameters.forEach((p, i) => close(p, eager.parameters[i]!, `${name} parameter ${i}`));
    compiled.grads.forEach((g, i) => close(g, eager.grads[i]!, `${name} grad ${i}`));
    // the two tracing calls run eagerly (submitting only at the read); every replay submits once
    assert.deepEqual(compiled.submits.slice(2), new Array(steps - 2).fill(1));
    setBackend("wasm");
    const wasm = await train(name, false, steps);
    wasm.losses.forEach((w, i) => assert.ok(Math.abs(compiled.losses[i]! - w) <= 1e-4 * Math.abs(w) + 1e-6, `${name} step ${i}: ${compiled.losses[i]} compiled on webgpu, ${w} on wasm`));
  });
}

/** Dropout (fresh draws each call), Adam and a scheduler (host steps in the call's command buffer). */
async function trainDropout(compiled: boolean): Promise<{ losses: number[]; submits: number[]; weight: number[] }> {
  manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(4, 12), new nn.GELU(), new nn.Dropout(0.3), new nn.Linear(12, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const scheduler = new optim.StepLR(optimizer, 4, { gamma: 0.5 });
  const criterion = new nn.CrossEntropyLoss();
  const x = randn([10, 4]);
  const y = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: "int32" });
  const step = trainingStep(model, optimizer, (output, target) => criterion.call(output, target), () => scheduler.step());
  const { losses, submits } = await runStepsAsync(step, x, y, 12, compiled, () => backend.submits);
  return { losses, submits, weight: Array.from(await model.parameters().at(-2)!.data()) };
}

test("webgpu compile: dropout draws, Adam and a scheduler replay as eager mode runs them, in the call's one submit", { skip }, async () => {
  const eager = await onWebGpu(() => trainDropout(false));
  const compiled = await onWebGpu(() => trainDropout(true));
  close(compiled.losses, eager.losses, "loss", 1e-5);
  close(compiled.weight, eager.weight, "last weight", 1e-5);
  assert.deepEqual(compiled.submits.slice(2), new Array(10).fill(1));
});

test("webgpu compile: a dropped compiled function returns its plan's buffers to the pool, its traced backward's spent gradients included", { skip }, async () => {
  await onWebGpu(async () => {
    const { model, step, x, y } = workload("W2");
    await collect();
    const baseline = backend.memory().liveBytes;
    // what stays is what an eager step leaves: each parameter's .grad and momentum buffer (bucketed by the pool)
    const bucket = (bytes: number) => Math.max(256, 2 ** Math.ceil(Math.log2(bytes)));
    const kept = model.parameters().reduce((sum, p) => sum + 2 * bucket(4 * p.size), 0);
    // three in a row: each one's buffers must come back, or live memory grows by a plan each time
    for (let round = 0; round < 3; round++) {
      let compiled: ((x: Tensor, y: Tensor) => Tensor) | null = compile(step);
      for (let i = 0; i < 4; i++) await compiled(x, y).data();
      await collect();
      const holding = backend.memory().liveBytes;
      compiled = null;
      await collect();
      const after = backend.memory().liveBytes;
      assert.ok(after - baseline <= kept, `round ${round}: ${after - baseline} bytes still held after the compiled function was dropped; an eager step keeps ${kept}`);
      // the plan held more than that while it lived: its copy of the inputs, intermediates, captured parameters
      assert.ok(holding - after >= bucket(4 * x.size) + bucket(4 * y.size), `round ${round}: the plan held ${holding - after} bytes of its own`);
    }
  });
});

test("webgpu compile: a failed trace puts back what it changed on the device, and a bad class target in a replay fails the next read", { skip }, async () => {
  await onWebGpu(async () => {
    const w = tensor([1, 2, 3]);
    const failing = compile((x: Tensor) => {
      noGrad(() => w.mul_(2)); // a kernel writing a tensor from outside: its values are kept on the device first
      return x.add(w).sum().item();
    });
    assert.throws(() => failing(tensor([1, 1, 1])), /compile: item\(\) reads tensor data while the compiled function is traced/);
    assert.deepEqual(Array.from(await w.data()), [1, 2, 3]);
    // the gather kernel checks its indices on the device, as in eager mode, and the read says so
    const model = new nn.Linear(2, 3);
    const criterion = new nn.CrossEntropyLoss();
    const lossOf = compile((x: Tensor, y: Tensor) => criterion.call(model.call(x), y));
    const x = tensor([[1, 2], [3, 4]]);
    for (let i = 0; i < 3; i++) await lossOf(x, tensor([0, 2], { dtype: "int32" })).data();
    await assert.rejects(lossOf(x, tensor([0, 3], { dtype: "int32" })).data(), /gather: index 3 at position 1 is out of range \[0, 3\)/);
    assert.deepEqual(lossOf.stats, { traces: 2, replays: 2, eager: 0, evictions: 0 });
  });
});

/** Batch norm and layer norm (kernels taking their buffers as one BatchNormRefs object) under Adam. */
async function trainNorms(compiled: boolean): Promise<{ losses: number[]; submits: number[]; state: number[][]; stats: object | null }> {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Linear(4, 12), new nn.BatchNorm1d(12), new nn.LayerNorm(12), new nn.GELU(), new nn.Linear(12, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.02 });
  const criterion = new nn.CrossEntropyLoss();
  const x = randn([10, 4]);
  const y = tensor([0, 1, 2, 0, 1, 2, 0, 1, 2, 0], { dtype: "int32" });
  const step = trainingStep(model, optimizer, (output, target) => criterion.call(output, target));
  const { losses, submits, stats } = await runStepsAsync(step, x, y, 12, compiled, () => backend.submits);
  const state: number[][] = [];
  for (const value of Object.values(model.stateDict())) state.push(Array.from(await value.data()));
  return { losses, submits, state, stats };
}

test("webgpu compile: batch norm and layer norm replay from the plan (no eager fallback), eager's losses and state, one submit per call", { skip }, async () => {
  const eager = await onWebGpu(() => trainNorms(false));
  const compiled = await onWebGpu(() => trainNorms(true));
  assert.deepEqual(compiled.stats, { traces: 2, replays: 10, eager: 0, evictions: 0 });
  close(compiled.losses, eager.losses, "loss", 1e-5);
  compiled.state.forEach((values, i) => close(values, eager.state[i]!, `state ${i}`, 1e-5));
  assert.deepEqual(compiled.submits.slice(2), new Array(10).fill(1));
});
