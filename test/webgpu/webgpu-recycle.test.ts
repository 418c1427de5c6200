// Backward hands its spent gradients back to the webgpu pool as soon as they are used
// (src/autograd/backward.ts, Backend.recycle), instead of leaving them to finalizers that a
// loop without an await never lets run: what a backward pass leaves live is the leaves'
// gradients, not every intermediate gradient it made.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, randn } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;
const backend = gpu as Exclude<typeof gpu, string>;

test("webgpu: a backward pass leaves only its leaves' gradients live, not the intermediate ones it used", { skip }, async () => {
  await onWebGpu(async () => {
    manualSeed(0);
    const model = new nn.Sequential(new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 256), new nn.ReLU(), new nn.Linear(256, 1));
    const x = randn([512, 256]);
    const loss = model.call(x).square().mean();
    await loss.data(); // the forward pass submitted
    const before = backend.memory().liveBytes;
    loss.backward();
    const grads = model.parameters().map((p) => p.grad!);
    await grads[0]!.data(); // backward submitted, and the buffers freed during it returned to the pool
    const grown = backend.memory().liveBytes - before;
    const leafBytes = grads.reduce((sum, g) => sum + 4 * g.size, 0);
    // without recycling the pass also leaves its gradients of the [512, 256] activations (four
    // of 512 KB, and more for the ReLUs' masks) and of the [512, 1] output live until collected
    assert.ok(grown <= leafBytes + 256 * 1024, `live bytes grew by ${grown} in backward; the leaves' gradients are ${leafBytes}`);
    assert.ok(grown >= leafBytes, `live bytes grew by ${grown}, less than the leaves' gradients (${leafBytes}): the measure is wrong`);
  });
});
