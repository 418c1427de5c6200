// Runs one workload through nabla on one backend and prints its results as JSON lines.
// Usage: tsx bench/nabla-worker.ts <js|wasm|webgpu> [compiled] <W1|W2|W3|W4|W5|W6>
// With "compiled", the training steps of W1–W3, W5 and W6 run through compile() (traced, then replayed).
// On webgpu (W3–W6) reads are awaited, each training step yields to the event loop so the
// garbage collector can return its buffers, and every timing ends with a read, so it covers
// the GPU's work and not only its issue.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { asTensor, compile, nn, noGrad, optim, setBackend, tensor, type Tensor, type BackendName } from "../src/index.js";
import { w6Batch } from "../examples/tiny-gpt.js";
import { initialW5, initialW6 } from "./initial-models.js";
import { benchDataDir, blobs, fashionMnist, gatherRows, initW1, initW3, moons, permW3, steadyStepsPerSecond, W5, W6, type Layer, type WorkerResult } from "./data.js";
import { sgemmSizes, sgemmCheck, timeReps, timeRepsAsync } from "./sgemm.js";

const argv = process.argv.slice(2);
const [backend, workload] = argv.filter((arg) => arg !== "compiled") as [BackendName, string];
await setBackend(backend);
const gpu = backend === "webgpu";
/** A one-element tensor's value, read as every backend allows (webgpu only asynchronously). */
const scalar = async (t: Tensor): Promise<number> => (await t.data())[0]!;
/**
 * NABLA_BENCH_STEPS caps the training steps of W3 (batches), W5 and W6: a smoke run of the
 * bench on a slow device (a software GPU driver); the checks of steps past the cap are left out.
 */
const stepCap = Number(process.env.NABLA_BENCH_STEPS ?? Infinity);
/** Between training steps on webgpu: a turn of the event loop, in which finalizers free the step's buffers. */
const settle = (): Promise<void> | void => (gpu ? new Promise((resolve) => setImmediate(resolve)) : undefined);
const compiled = argv.includes("compiled");
const framework = `nabla-${backend}${compiled ? "-compiled" : ""}`;
/** The step as the workload runs it: compiled with compile(), or eager. */
const maybeCompile = <Args extends Tensor[], R>(fn: (...args: Args) => R): ((...args: Args) => R) => (compiled ? compile(fn) : fn);
const peakRssMB = (): number => process.resourceUsage().maxRSS / 1024;

function emit(result: Omit<WorkerResult, "framework" | "peakRssMB">): void {
  console.log(JSON.stringify({ framework, peakRssMB: peakRssMB(), ...result }));
}

/** An nn.Linear holding the bench's [in][out] weights (its own layout is [out][in]). */
function linear(layer: Layer): nn.Linear {
  const module = new nn.Linear(layer.inFeatures, layer.outFeatures);
  noGrad(() => {
    module.weight.copy_(tensor(layer.w, { shape: [layer.inFeatures, layer.outFeatures] }).t());
    module.bias!.copy_(tensor(layer.b));
  });
  return module;
}

async function accuracyOf(logits: Tensor, labels: ArrayLike<number>): Promise<number> {
  const predicted = await logits.argmax(1).data();
  let correct = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) correct++;
  return correct / labels.length;
}

async function w1(): Promise<void> {
  const data = moons();
  const [l1, l2, l3] = initW1().map(linear) as [nn.Linear, nn.Linear, nn.Linear];
  const model = new nn.Sequential(l1, new nn.ReLU(), l2, new nn.ReLU(), l3);
  const x = tensor(data.x, { shape: [data.n, 2] });
  const target = tensor(data.y);
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const trainStep = maybeCompile((input: Tensor, labels: Tensor): void => {
    optimizer.zeroGrad();
    lossFn.call(model.call(input), labels).backward();
    optimizer.step();
  });
  const step = (): void => trainStep(x, target);
  for (let s = 0; s < 200; s++) step();
  const start = performance.now();
  for (let s = 200; s < 2000; s++) step();
  const seconds = (performance.now() - start) / 1000;
  const logits = noGrad(() => model.call(x));
  emit({ workload: "W1", value: 1800 / seconds, unit: "steps/s", finalLoss: noGrad(() => lossFn.call(logits, target).item()), accuracy: await accuracyOf(logits, data.y) });
  emit({ workload: "W1-steady", value: steadyStepsPerSecond(step, 2000), unit: "steps/s" });
}

function w2(): void {
  const data = blobs();
  const model = new nn.Linear(2, 1);
  noGrad(() => {
    model.weight.copy_(tensor([[0, 0]]));
    model.bias!.copy_(tensor([0]));
  });
  const x = tensor(data.x, { shape: [data.n, 2] });
  const target = tensor(data.y, { shape: [data.n, 1] });
  const lossFn = new nn.BCELoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const trainStep = maybeCompile((input: Tensor, labels: Tensor): void => {
    optimizer.zeroGrad();
    lossFn.call(model.call(input).sigmoid(), labels).backward();
    optimizer.step();
  });
  const step = (): void => trainStep(x, target);
  for (let s = 0; s < 100; s++) step();
  const start = performance.now();
  for (let s = 100; s < 1000; s++) step();
  const seconds = (performance.now() - start) / 1000;
  const p = noGrad(() => model.call(x).sigmoid());
  const predicted = p.toTypedArray();
  let correct = 0;
  for (let i = 0; i < data.n; i++) if ((predicted[i]! > 0.5 ? 1 : 0) === data.y[i]) correct++;
  emit({ workload: "W2", value: 900 / seconds, unit: "steps/s", finalLoss: noGrad(() => lossFn.call(p, target).item()), accuracy: correct / data.n });
  emit({ workload: "W2-steady", value: steadyStepsPerSecond(step, 1000), unit: "steps/s" });
}

async function w3(): Promise<void> {
  const train = fashionMnist("train");
  const test = fashionMnist("t10k");
  const order = permW3();
  const [l1, l2, l3] = initW3().map(linear) as [nn.Linear, nn.Linear, nn.Linear];
  const model = new nn.Sequential(l1, new nn.ReLU(), l2, new nn.ReLU(), l3);
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const batchSize = 128;
  const images = new Float32Array(batchSize * 784);
  let loss20 = Number.NaN;
  const trainStep = maybeCompile((input: Tensor, labels: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(input), labels);
    loss.backward();
    optimizer.step();
    return loss;
  });
  const start = performance.now();
  const limit = Math.min(train.n, batchSize * stepCap);
  for (let at = 0, batch = 0; at < limit; at += batchSize, batch++) {
    const end = Math.min(at + batchSize, limit);
    // the batch buffer itself, not a copy of it (asTensor; a copy on webgpu): refilled only after the step is done
    const x = asTensor(gatherRows(train.x, 784, order, at, end, images).subarray(0, (end - at) * 784), { shape: [end - at, 784] });
    const labels = new Float32Array(end - at);
    for (let r = at; r < end; r++) labels[r - at] = train.y[order[r]!]!;
    const loss = trainStep(x, tensor(labels));
    if (batch === 19) loss20 = await scalar(loss);
    if (at + batchSize >= limit) await scalar(loss); // the last step done (on webgpu, the GPU's too)
    await settle();
  }
  const seconds = (performance.now() - start) / 1000;
  const logits = noGrad(() => model.call(tensor(test.x, { shape: [test.n, 784] })));
  emit({ workload: "W3", value: seconds, unit: "s/epoch", accuracy: await accuracyOf(logits, test.y), checks: { loss20 } });
}

/** W6: TinyGPT (examples/tiny-gpt.ts) from init_w6, AdamW, 40 steps; steps/s over steps 6–40. */
async function w6(): Promise<void> {
  const model = initialW6();
  const tokens = new Uint8Array(readFileSync(join(benchDataDir(), "tokens_w6.bin")));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  const { batch, block, vocab } = W6;
  const steps = Math.min(W6.steps, stepCap);
  const warmup = Math.min(W6.warmup, steps - 1);
  const checks: Record<string, number> = {};
  const trainStep = maybeCompile((input: Tensor, target: Tensor): Tensor => {
    optimizer.zeroGrad();
    const logits = model.call(input);
    const loss = nn.functional.crossEntropy(logits.reshape([batch * block, vocab]), target);
    loss.backward();
    optimizer.step();
    return loss;
  });
  let start = 0;
  for (let s = 0; s < steps; s++) {
    if (s === warmup) start = performance.now();
    const { x, y } = w6Batch(tokens, s, batch, block);
    const loss = trainStep(tensor(x, { shape: [batch, block] }), tensor(y));
    if (s === 0) checks.loss1 = await scalar(loss);
    if (s === steps - 1) {
      const last = await scalar(loss); // also the end of the timing: the GPU's work done
      if (steps === W6.steps) checks.loss40 = last;
    }
    await settle();
  }
  const seconds = (performance.now() - start) / 1000;
  emit({ workload: "W6", value: (steps - warmup) / seconds, unit: "steps/s", finalLoss: checks.loss40!, checks });
}

async function w4(): Promise<void> {
  for (const n of sgemmSizes()) {
    const { a, b } = sgemmCheck.inputs(n);
    const ta = tensor(a, { shape: [n, n] });
    const tb = tensor(b, { shape: [n, n] });
    let product = ta.matmul(tb);
    const run = (): void => {
      product = ta.matmul(tb);
    };
    // on webgpu a rep ends when its last product is read (one element: the queue runs in order)
    const seconds = gpu ? await timeRepsAsync(run, () => scalar(product.reshape([-1]).narrow(0, 0, 1)), collectGarbage) : timeReps(run);
    emit({ workload: `W4-${n}`, value: (2 * n ** 3) / seconds / 1e9, unit: "GFLOP/s", checks: { maxRelError: sgemmCheck.error(a, b, n, await product.data()) } });
  }
}

/**
 * Between W4's reps on webgpu: a rep's products are unreachable but hold GPU memory (64 MB each
 * at n = 4,096) that only a collection returns, and the JavaScript heap is too small to start one.
 */
async function collectGarbage(): Promise<void> {
  const { setFlagsFromString } = await import("node:v8");
  const { runInNewContext } = await import("node:vm");
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  for (let i = 0; i < 2; i++) await new Promise((resolve) => setImmediate(resolve));
}

async function w5(): Promise<void> {
  const train = fashionMnist("train");
  const order = permW3();
  const model = initialW5();
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const { batch } = W5;
  const steps = Math.min(W5.steps, stepCap);
  const warmup = Math.min(W5.warmup, steps - 1);
  const images = new Float32Array(batch * 784);
  const labels = new Int32Array(batch);
  const checks: Record<string, number> = {};
  const trainStep = maybeCompile((input: Tensor, target: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(input), target);
    loss.backward();
    optimizer.step();
    return loss;
  });
  let start = 0;
  for (let s = 0; s < steps; s++) {
    if (s === warmup) start = performance.now();
    const x = asTensor(gatherRows(train.x, 784, order, batch * s, batch * s + batch, images), { shape: [batch, 1, 28, 28] });
    for (let r = 0; r < batch; r++) labels[r] = train.y[order[batch * s + r]!]!;
    const loss = trainStep(x, tensor(labels));
    if (s === 19) checks.loss20 = await scalar(loss);
    if (s === steps - 1) {
      const last = await scalar(loss);
      if (steps === W5.steps) checks.loss100 = last;
    }
    await settle();
  }
  const seconds = (performance.now() - start) / 1000;
  emit({ workload: "W5", value: ((steps - warmup) * batch) / seconds, unit: "images/s", checks });
}

const workloads: Record<string, () => void | Promise<void>> = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, W6: w6 };
await workloads[workload]!();
