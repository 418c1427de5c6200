import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { data, io, nn, optim, type DType } from "../../src/index.js";
import { w5Cnn } from "../../examples/w5-cnn.js";

// Workload W5 (../shared/bench/WORKLOADS.md) built from nabla's modules, loaded from PyTorch's
// initial weights and trained on PyTorch's batch order: its losses must be PyTorch's.
// test/fixtures/w5-losses.json holds PyTorch's loss at each of the 100 steps, in float32 and in
// float64 (scripts/fixtures/make_w5_reference.py).
//
// In float32 the trajectory is chaotic in the rounding after about 40 steps: PyTorch's own two
// convolution algorithms (oneDNN and its native im2col) disagree in the third digit by step 70
// (0.7315 and 0.7413 at step 100; WORKLOADS.md quotes 0.7618 from another build), so float32
// is pinned for the first 30 steps (20 on the slow TS backend). In float64 the rounding noise
// stays far below 1e-3 for all 100 steps, so the float64 run pins PyTorch's steps 20 and 100
// (and every step to 1e-3) — on wasm only, to keep the TS backend's test time bounded.
const bench = new URL("../../../shared/bench/", import.meta.url);
const fashion = "/usr/share/datasets/fashion-mnist";
const missing = [new URL("init_w5.safetensors", bench), new URL("perm_w3.bin", bench)].some((u) => !existsSync(u)) || !existsSync(`${fashion}/train-images-idx3-ubyte.gz`);
const skip = missing && "needs ../shared/bench and Debian's dataset-fashion-mnist";
const reference = JSON.parse(readFileSync(new URL("../fixtures/w5-losses.json", import.meta.url), "utf8")) as { losses: number[]; lossesFloat64: number[] };

/** Trains W5 for `steps` steps in `dtype` and returns the loss of each. */
async function trainW5(dtype: DType, steps: number): Promise<number[]> {
  const { train } = data.loadFashionMnist(fashion);
  const model = w5Cnn();
  const { tensors } = await io.loadSafetensors(new URL("init_w5.safetensors", bench).pathname);
  model.loadStateDict(tensors);
  model.to(dtype);
  const bytes = readFileSync(new URL("perm_w3.bin", bench));
  const perm = new Int32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
  // pixels / 255 in float32 first, then converted, as the reference does
  const dataset = new data.TensorDataset(dtype === "float32" ? train.images : train.images.to(dtype), train.labels);
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const [x, y] = dataset.getBatch(Array.from(perm.subarray(64 * step, 64 * step + 64)));
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x!), y!);
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

test("W5 in float32: the CNN from init_w5 reproduces PyTorch's losses step by step", { skip }, async () => {
  const losses = await trainW5("float32", backendUnderTest === "js" ? 20 : 30);
  losses.forEach((got, step) => assert.ok(Math.abs(got - reference.losses[step]!) <= 1e-4, `step ${step + 1}: loss ${got}, PyTorch ${reference.losses[step]}`));
  assert.equal(losses[19]!.toFixed(4), "1.9205"); // WORKLOADS.md's step-20 value
});

test("W5 in float64: 100 steps reproduce PyTorch's losses of steps 20 and 100 to 3 digits", { skip: skip || (backendUnderTest === "js" && "100 float64 steps run on the wasm backend only") }, async () => {
  const losses = await trainW5("float64", 100);
  losses.forEach((got, step) => assert.ok(Math.abs(got - reference.lossesFloat64[step]!) <= 1e-3, `step ${step + 1}: loss ${got}, PyTorch ${reference.lossesFloat64[step]}`));
  assert.equal(losses[19]!.toFixed(3), reference.lossesFloat64[19]!.toFixed(3));
  assert.equal(losses[99]!.toFixed(3), reference.lossesFloat64[99]!.toFixed(3));
});
