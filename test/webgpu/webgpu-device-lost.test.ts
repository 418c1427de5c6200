// A GPU device lost in the middle of training: the next kernel or read fails with an error that
// says so and names the training step (the `optimizer.step()` calls issued on the backend's
// parameters, eager or inside a compiled call) and the last step a completed read confirmed,
// never silent zeros; `setBackend("webgpu")` then opens a new device. The loss is simulated by
// destroying the backend's device, which WebGPU reports through `device.lost` as a real loss is.
// Its own file: the registry's webgpu backend dies here, in each test (which starts on the new
// one the previous test's setBackend opened, its step count at 0).
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, data, manualSeed, nn, optim, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

/** W1's shape (an MLP on moons, momentum SGD) on the backend selected now, one step per call. */
function w1Step(): (x: Tensor, y: Tensor) => Tensor {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const criterion = new nn.CrossEntropyLoss();
  return (x, y) => {
    optimizer.zeroGrad();
    const loss = criterion.call(model.call(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
}

/** Destroys the device under the webgpu backend selected now, and waits for WebGPU to report it lost. */
async function loseDevice(): Promise<void> {
  (activeBackend() as unknown as { device: { destroy(): void } }).device.destroy();
  await new Promise((resolve) => setTimeout(resolve, 50));
}

test("webgpu: a device lost before any optimizer step says so", { skip }, () =>
  onWebGpu(async () => {
    const { x } = data.makeMoons({ nSamples: 8, noise: 0.1, seed: 0 });
    await x.data();
    await loseDevice();
    assert.throws(() => x.exp(), /webgpu: the GPU device was lost \(destroyed[^)]*\) before any training step, \d+ kernels in all; (allocate|exp) cannot run/);
  }));

test("webgpu: a device lost mid-training (eager) fails the next read and kernel naming the step, and setBackend opens a new device", { skip }, () =>
  onWebGpu(async () => {
    const { x, y } = data.makeMoons({ nSamples: 64, noise: 0.1, seed: 0 });
    const step = w1Step();
    for (let i = 0; i < 3; i++) assert.ok(Number.isFinite((await step(x, y).data())[0]!));
    const loss = step(x, y); // step 4 issued, never read
    await loseDevice();
    const said = /webgpu: the GPU device was lost \(destroyed[^)]*\) after training step 4 was issued \(the last step a completed read confirmed is 3\), \d+ kernels in all; a read cannot run\. Its tensors are gone: call setBackend\("webgpu"\) again and restart from a checkpoint taken at step 3 or earlier/;
    await assert.rejects(loss.data(), said);
    assert.throws(() => step(x, y), /webgpu: the GPU device was lost \(destroyed[^)]*\) after training step 4 was issued .*; (allocate|\w+) cannot run/);
    const lost = activeBackend();
    await onWebGpu(async () => {
      assert.notEqual(activeBackend(), lost, "a new backend on a new device");
      assert.equal(activeBackend().deviceLost, false);
      await assert.rejects(x.data(), /webgpu: the GPU device was lost/, "the old tensors are gone");
      const t = data.makeMoons({ nSamples: 4, noise: 0.1, seed: 0 });
      assert.equal((await t.x.exp().data()).length, 8);
    });
  }));

test("webgpu: a device lost between compiled steps fails the next call naming the step", { skip }, () =>
  onWebGpu(async () => {
    const { x, y } = data.makeMoons({ nSamples: 64, noise: 0.1, seed: 0 });
    const step = compile(w1Step());
    for (let i = 0; i < 5; i++) assert.ok(Number.isFinite((await step(x, y).data())[0]!));
    assert.equal(step.stats.replays, 3, "the last calls replayed the plan");
    await loseDevice();
    assert.throws(() => step(x, y), /webgpu: the GPU device was lost \(destroyed[^)]*\) after training step 5 was issued \(the last step a completed read confirmed is 5\), \d+ kernels in all; [\w ]+ cannot run\. .*checkpoint taken at step 5 or earlier/);
  }));

