import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, readFileSync } from "node:fs";
import { io, nn, optim, tensor } from "../../src/index.js";
import { TinyGPT, w6Batch } from "../../examples/tiny-gpt.js";

// Workload W6 (../shared/bench/WORKLOADS.md): TinyGPT built from nabla's modules
// (examples/tiny-gpt.ts), loaded from PyTorch's initial weights with loadStateDict unchanged,
// trained with AdamW on PyTorch's batches: its losses must be PyTorch's.
// test/fixtures/w6-losses.json holds PyTorch's loss at each of the 40 steps
// (scripts/fixtures/make_w6_reference.py). The TS backend runs the first 8 steps only: a W6 step
// is about 40 M multiply-adds forward and twice that backward, which the TS backend's matmul
// takes about a second for; the wasm backend runs all 40.
const bench = new URL("../../../shared/bench/", import.meta.url);
const skip = [new URL("init_w6.safetensors", bench), new URL("tokens_w6.bin", bench)].some((u) => !existsSync(u)) && "needs ../shared/bench";
const reference = JSON.parse(readFileSync(new URL("../fixtures/w6-losses.json", import.meta.url), "utf8")) as { losses: number[] };

/** Trains W6 for `steps` steps and returns the loss of each. */
async function trainW6(steps: number): Promise<number[]> {
  const model = new TinyGPT();
  const { tensors } = await io.loadSafetensors(new URL("init_w6.safetensors", bench).pathname);
  const { missingKeys, unexpectedKeys } = model.loadStateDict(tensors);
  assert.deepEqual([missingKeys, unexpectedKeys], [[], []]);
  const tokens = new Uint8Array(readFileSync(new URL("tokens_w6.bin", bench)));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  const losses: number[] = [];
  for (let step = 0; step < steps; step++) {
    const { x, y } = w6Batch(tokens, step);
    optimizer.zeroGrad();
    const logits = model.call(tensor(x, { shape: [16, 64] }));
    const loss = nn.functional.crossEntropy(logits.reshape([16 * 64, 65]), tensor(y));
    loss.backward();
    optimizer.step();
    losses.push(loss.item());
  }
  return losses;
}

test("W6: TinyGPT from init_w6 reproduces PyTorch's losses step by step (steps 1 and 40: 4.3129, 3.7231)", { skip }, async () => {
  const steps = backendUnderTest === "js" ? 8 : 40;
  const losses = await trainW6(steps);
  losses.forEach((got, step) => assert.ok(Math.abs(got - reference.losses[step]!) <= 1e-4, `step ${step + 1}: loss ${got}, PyTorch ${reference.losses[step]}`));
  assert.equal(losses[0]!.toFixed(4), "4.3129"); // WORKLOADS.md's step-1 value
  if (steps === 40) assert.equal(losses[39]!.toFixed(4), "3.7231"); // and step 40's
});
