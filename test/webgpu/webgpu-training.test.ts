// W1 and W2 (../shared/bench/WORKLOADS.md) on webgpu reach wasm's losses, and a training loop
// with one await per step keeps its GPU memory flat: the garbage collector finalizes each
// step's tensors between steps and their buffers return to the pool.
import { collectUntilSettled } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { manualSeed, nn, optim, randn, setBackend, tensor, type Tensor } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/bench/${name}`, import.meta.url), "utf8")) as T;
interface Dataset {
  X: number[][];
  y: number[];
}
const moons = read<Dataset>("moons200.json");
const init = read<{ layers: { W: number[][]; b: number[] }[] }>("init_w1.json");
const blobs = read<Dataset>("blobs1000.json");

/** W1's model and loss on the backend selected now. */
function w1(): { model: nn.Module; loss: () => Tensor } {
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const state: Record<string, Tensor> = {};
  init.layers.forEach((layer, i) => {
    state[`${2 * i}.weight`] = tensor(layer.W).t().contiguous();
    state[`${2 * i}.bias`] = tensor(layer.b);
  });
  model.loadStateDict(state);
  const [x, y] = [tensor(moons.X), tensor(moons.y, { dtype: "int32" })];
  const criterion = new nn.CrossEntropyLoss();
  return { model, loss: () => criterion.call(model.call(x), y) };
}

function w2(): { model: nn.Module; loss: () => Tensor } {
  const model = new nn.Linear(2, 1);
  model.loadStateDict({ weight: tensor([[0, 0]]), bias: tensor([0]) });
  const [x, y] = [tensor(blobs.X), tensor(blobs.y).reshape([-1, 1])];
  const criterion = new nn.BCELoss();
  return { model, loss: () => criterion.call(model.call(x).sigmoid(), y) };
}

/** Full-batch SGD (lr 0.1): the loss of every step, read with one await per step. */
async function train(make: () => { model: nn.Module; loss: () => Tensor }, steps: number): Promise<number[]> {
  const { model, loss } = make();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const value = loss();
    value.backward();
    optimizer.step();
    losses.push((await value.data())[0]!);
  }
  return losses;
}

// float32 on both; the GPU's sums and exp/log differ in the last bits and SGD carries the
// difference along: 1e-4 relative over the run (the losses fall by two orders of magnitude)
function sameLosses(got: number[], want: number[], label: string): void {
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4 * Math.abs(w) + 1e-6, `${label} step ${i}: ${got[i]} on webgpu, ${w} on wasm`));
}

test("webgpu: W1 (MLP 2-16-16-2 on moons200, SGD) gives wasm's loss at every step", { skip }, async () => {
  const steps = Number(process.env.NABLA_WEBGPU_W1_STEPS ?? 100);
  setBackend("wasm");
  const want = await train(w1, steps);
  const got = await onWebGpu(() => train(w1, steps));
  sameLosses(got, want, "W1");
});

test("webgpu: W2 (logistic regression on blobs1000, SGD) gives wasm's loss at every step", { skip }, async () => {
  setBackend("wasm");
  const want = await train(w2, 100);
  const got = await onWebGpu(() => train(w2, 100));
  sameLosses(got, want, "W2");
});

test("webgpu: a training loop with one await per step frees every step's buffers, and reuses the pool's buffers once finalizers run", { skip }, async () => {
  const backend = gpu as Exclude<typeof gpu, string>;
  const collect = (): Promise<void> => collectUntilSettled(() => backend.memory().liveBytes);
  await onWebGpu(async () => {
    const { model, loss } = w2();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const step = async () => {
      optimizer.zeroGrad();
      const value = loss();
      value.backward();
      optimizer.step();
      await value.data();
    };
    for (let i = 0; i < 20; i++) await step();
    await collect();
    const baseline = backend.memory();
    // 150 steps, collecting every 20: the pool hands out buffers it got back. On idle cores it
    // creates none; on busy ones a finalizer can run a few steps late, so the pool may make some
    // for those steps, but far from all it hands out (a pool that took nothing back would)
    for (let i = 0; i < 150; i++) {
      await step();
      if (i % 20 === 19) await collect();
    }
    const created = backend.memory().createdBytes - baseline.createdBytes;
    const handedOut = backend.memory().handedOutBytes - baseline.handedOutBytes;
    assert.ok(created <= handedOut / 4, `${created} bytes of buffers created after the first steps, of ${handedOut} handed out`);
    // 150 steps left to the collector's own pace: nothing leaks (live memory returns to the baseline)
    for (let i = 0; i < 150; i++) await step();
    await collect();
    assert.equal(backend.memory().liveBytes, baseline.liveBytes, "GPU memory still held after the loop");
  });
});

/** A small CNN (convolution, batch norm in training, max pooling, layer norm, GELU): its losses over a few SGD steps. */
async function trainCnn(): Promise<number[]> {
  manualSeed(3);
  const model = new nn.Sequential(
    new nn.Conv2d(2, 4, 3, { padding: 1 }),
    new nn.BatchNorm2d(4),
    new nn.ReLU(),
    new nn.MaxPool2d(2),
    new nn.Flatten(),
    new nn.LayerNorm(16),
    new nn.GELU(),
    new nn.Linear(16, 3),
  );
  const x = randn([5, 2, 4, 4]);
  const y = tensor([0, 2, 1, 1, 0], { dtype: "int32" });
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const criterion = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    optimizer.zeroGrad();
    const loss = criterion.call(model.call(x), y);
    loss.backward();
    optimizer.step();
    losses.push((await loss.data())[0]!);
  }
  return losses;
}

test("webgpu: a small CNN (conv, batch norm, max pooling, layer norm, GELU, momentum SGD) gives wasm's losses", { skip }, async () => {
  setBackend("wasm");
  const want = await trainCnn();
  const got = await onWebGpu(trainCnn);
  sameLosses(got, want, "CNN");
});

test("webgpu: W3's network and optimizer (MLP 784-256-128-10, momentum SGD, batch 128) give wasm's losses", { skip }, async () => {
  // W3's shapes, loss and optimizer on seeded images (pixels in [0, 1]) and labels, so the test
  // needs no data set; the same initial state on both backends
  setBackend("wasm");
  manualSeed(33);
  const images = Array.from({ length: 4 }, () => randn([128, 784]).sigmoid().toArray() as number[][]);
  const labels = Array.from({ length: 4 }, (_, b) => Array.from({ length: 128 }, (_, i) => (i * 7 + b * 3) % 10));
  const start = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
  const state = Object.fromEntries(Object.entries(start.stateDict()).map(([key, value]) => [key, value.toArray() as number[] | number[][]]));
  const run = async (): Promise<number[]> => {
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
    model.loadStateDict(Object.fromEntries(Object.entries(state).map(([key, value]) => [key, tensor(value)])));
    const criterion = new nn.CrossEntropyLoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const losses: number[] = [];
    for (let step = 0; step < 8; step++) {
      optimizer.zeroGrad();
      const loss = criterion.call(model.call(tensor(images[step % 4]!)), tensor(labels[step % 4]!, { dtype: "int32" }));
      loss.backward();
      optimizer.step();
      losses.push((await loss.data())[0]!);
    }
    return losses;
  };
  const want = await run();
  const got = await onWebGpu(run);
  sameLosses(got, want, "W3");
});
