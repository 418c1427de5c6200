// W5 (the CNN) and W6 (TinyGPT, examples/tiny-gpt.ts) of ../shared/bench/WORKLOADS.md train
// on webgpu to wasm's losses, from the same initial weights and batches. SwiftShader on two
// shared cores takes seconds for a step of W5 at batch 8 and W6 at batch 2, so CI runs two steps
// at those batches; NABLA_WEBGPU_FULL_WORKLOADS=1 (for a machine with a GPU) runs the workloads'
// own batches (64 and 16) and checks PyTorch's losses too (test/fixtures/w5-losses.json and
// w6-losses.json, the references test/nn holds wasm to).
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { data, io, nn, optim, setBackend, tensor, type Tensor } from "../../src/index.js";
import { TinyGPT, w6Batch } from "../../examples/tiny-gpt.js";
import { w5Cnn } from "../../examples/w5-cnn.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

const gpu = await webGpuOrSkip();
const bench = new URL("../../../shared/bench/", import.meta.url);
const fashion = "/usr/share/datasets/fashion-mnist";
const files = ["init_w5.safetensors", "init_w6.safetensors", "perm_w3.bin", "tokens_w6.bin"].map((f) => new URL(f, bench).pathname);
const missing = [...files, `${fashion}/train-images-idx3-ubyte.gz`].some((f) => !existsSync(f));
const skip = typeof gpu === "string" ? gpu : missing && "needs ../shared/bench and Debian's dataset-fashion-mnist";
const full = process.env.NABLA_WEBGPU_FULL_WORKLOADS === "1";
const [W5_BATCH, W6_BATCH, STEPS] = full ? [64, 16, 5] : [8, 2, 2];

const pytorch = (name: string) => (JSON.parse(readFileSync(new URL(`../fixtures/${name}`, import.meta.url), "utf8")) as { losses: number[] }).losses;

/** W5's batches of 64 in perm_w3 order, as plain arrays (made on wasm, so either backend can take them). */
async function w5Batches(steps: number, batch: number): Promise<{ x: Float32Array; y: Int32Array }[]> {
  setBackend("wasm");
  const { train } = data.loadFashionMnist(fashion);
  const bytes = readFileSync(new URL("perm_w3.bin", bench));
  const perm = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  const dataset = new data.TensorDataset(train.images, train.labels);
  const batches = [];
  for (let step = 0; step < steps; step++) {
    const [x, y] = dataset.getBatch(Array.from(perm.subarray(64 * step, 64 * step + batch)));
    batches.push({ x: (await x!.data()) as Float32Array, y: (await y!.data()) as Int32Array });
  }
  return batches;
}

interface Run {
  losses: number[];
  /** Every parameter's gradient at the last step, by name. */
  grads: Map<string, Float32Array>;
}

/** One training run on the backend selected now: the loss of each step, read with one await per step. */
async function train(model: nn.Module, optimizer: { zeroGrad(): void; step(): void }, steps: number, loss: (step: number) => Tensor): Promise<Run> {
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const value = loss(step);
    value.backward();
    optimizer.step();
    losses.push((await value.data())[0]!);
  }
  const grads = new Map<string, Float32Array>();
  for (const [name, p] of model.namedParameters()) grads.set(name, (await p.grad!.data()) as Float32Array);
  return { losses, grads };
}

async function trainW5(batches: { x: Float32Array; y: Int32Array }[]): Promise<Run> {
  const model = w5Cnn();
  model.loadStateDict((await io.loadSafetensors(files[0]!)).tensors);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  return train(model, optimizer, batches.length, (step) => {
    const { x, y } = batches[step]!;
    return nn.functional.crossEntropy(model.call(tensor(x, { shape: [x.length / 784, 1, 28, 28] })), tensor(y, { dtype: "int32" }));
  });
}

async function trainW6(steps: number): Promise<Run> {
  const model = new TinyGPT();
  model.loadStateDict((await io.loadSafetensors(files[1]!)).tensors);
  const tokens = new Uint8Array(readFileSync(files[3]!));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  return train(model, optimizer, steps, (step) => {
    const { x, y } = w6Batch(tokens, step, W6_BATCH);
    const logits = model.call(tensor(x, { shape: [W6_BATCH, 64] }));
    return nn.functional.crossEntropy(logits.reshape([W6_BATCH * 64, 65]), tensor(y));
  });
}

// float32 on both backends; their sums differ in the last bits and the optimizer carries the
// difference along: 1e-4 absolute over these steps, the tolerance test/nn's W5 and W6 tests
// hold wasm to against PyTorch (which the webgpu losses are checked against too)
function sameLosses(got: number[], want: number[], label: string): void {
  want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4, `${label} step ${i + 1}: ${got[i]}, expected ${w}`));
}

// A few steps barely move the losses (a 1% error in a gradient changes the second loss by
// ~1e-5), so the last step's gradients are compared too: within 1e-4 of each parameter's
// largest gradient (f32 sums over the batch in another order, after steps that differed in
// the last bits; measured ≤ 1e-5 of it).
function sameGradients(got: Map<string, Float32Array>, want: Map<string, Float32Array>, label: string): void {
  assert.deepEqual([...got.keys()], [...want.keys()]);
  for (const [name, w] of want) {
    const g = got.get(name)!;
    const scale = w.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    w.forEach((v, i) => assert.ok(Math.abs(g[i]! - v) <= 1e-4 * scale, `${label} ${name}.grad[${i}]: ${g[i]}, expected ${v} (largest ${scale})`));
  }
}

test(`webgpu: W5 (the CNN, batch ${W5_BATCH}, momentum SGD) gives wasm's losses and gradients for ${STEPS} steps${full ? " and PyTorch's" : ""}`, { skip }, async () => {
  const batches = await w5Batches(STEPS, W5_BATCH);
  const want = await trainW5(batches);
  const got = await onWebGpu(() => trainW5(batches));
  sameLosses(got.losses, want.losses, "W5 webgpu vs wasm");
  sameGradients(got.grads, want.grads, "W5 webgpu vs wasm");
  if (full) sameLosses(got.losses, pytorch("w5-losses.json").slice(0, STEPS), "W5 webgpu vs PyTorch");
});

test(`webgpu: W6 (TinyGPT, batch ${W6_BATCH}, AdamW) gives wasm's losses and gradients for ${STEPS} steps${full ? " and PyTorch's" : ""}`, { skip }, async () => {
  setBackend("wasm");
  const want = await trainW6(STEPS);
  const got = await onWebGpu(() => trainW6(STEPS));
  sameLosses(got.losses, want.losses, "W6 webgpu vs wasm");
  sameGradients(got.grads, want.grads, "W6 webgpu vs wasm");
  if (full) sameLosses(got.losses, pytorch("w6-losses.json").slice(0, STEPS), "W6 webgpu vs PyTorch");
});
