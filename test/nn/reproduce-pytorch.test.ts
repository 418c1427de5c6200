// The two small benchmark workloads (WORKLOADS.md W1, W2) trained with nabla from the same data
// and initial weights as PyTorch must land on PyTorch's numbers.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { nn, noGrad, optim, tensor, type Tensor } from "../../src/index.js";

const read = <T>(name: string): T => JSON.parse(readFileSync(new URL(`../fixtures/bench/${name}`, import.meta.url), "utf8")) as T;
interface Dataset {
  X: number[][];
  y: number[];
}
interface Expected {
  steps: number;
  lastStepLoss: number;
  finalLoss: number;
  accuracy: number;
}
const expected = read<{ w1MoonsMlp: Expected; w2BlobsLogreg: Expected }>("expected.json");

function trainFullBatch(model: nn.Module, steps: number, lossOf: () => Tensor): number {
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  let loss = Number.NaN;
  for (let step = 0; step < steps; step++) {
    optimizer.zeroGrad();
    const value = lossOf();
    value.backward();
    optimizer.step();
    loss = value.item();
  }
  return loss;
}

test("W1: MLP 2-16-16-2 on moons200 from init_w1, 2,000 SGD steps → PyTorch's loss 0.00840 and accuracy 1.00", () => {
  const data = read<Dataset>("moons200.json");
  const init = read<{ layout: string; layers: { W: number[][]; b: number[] }[] }>("init_w1.json");
  assert.equal(init.layout, "W[in][out]");
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const state: Record<string, Tensor> = {};
  init.layers.forEach((layer, i) => {
    state[`${2 * i}.weight`] = tensor(layer.W).t(); // nn.Linear stores [out][in]
    state[`${2 * i}.bias`] = tensor(layer.b);
  });
  model.loadStateDict(state);
  const x = tensor(data.X);
  const lossFunction = new nn.CrossEntropyLoss();
  const lastStepLoss = trainFullBatch(model, expected.w1MoonsMlp.steps, () => lossFunction.call(model.call(x), data.y));
  const { finalLoss, accuracy } = noGrad(() => {
    const logits = model.call(x);
    const hits = logits.argmax(1).eq(tensor(data.y)).float().mean().item();
    return { finalLoss: lossFunction.call(logits, data.y).item(), accuracy: hits };
  });
  assert.ok(Math.abs(finalLoss - 0.0084) <= 1e-4, `final loss ${finalLoss}`);
  assert.ok(Math.abs(finalLoss - expected.w1MoonsMlp.finalLoss) <= 2e-6, `final loss ${finalLoss} vs PyTorch ${expected.w1MoonsMlp.finalLoss}`);
  assert.ok(Math.abs(lastStepLoss - expected.w1MoonsMlp.lastStepLoss) <= 2e-6, `last step loss ${lastStepLoss}`);
  assert.equal(accuracy, 1);
});

test("W2: logistic regression on blobs1000 from zeros, 1,000 SGD steps → PyTorch's loss 0.13254 and accuracy 0.949", () => {
  const data = read<Dataset>("blobs1000.json");
  const model = new nn.Linear(2, 1);
  model.loadStateDict({ weight: tensor([[0, 0]]), bias: tensor([0]) });
  const x = tensor(data.X);
  const y = tensor(data.y).reshape([-1, 1]);
  const lossFunction = new nn.BCELoss();
  const lastStepLoss = trainFullBatch(model, expected.w2BlobsLogreg.steps, () => lossFunction.call(model.call(x).sigmoid(), y));
  const { finalLoss, accuracy } = noGrad(() => {
    const p = model.call(x).sigmoid();
    return { finalLoss: lossFunction.call(p, y).item(), accuracy: p.gt(0.5).eq(y).float().mean().item() };
  });
  assert.ok(Math.abs(finalLoss - 0.13254) <= 1e-4, `final loss ${finalLoss}`);
  assert.ok(Math.abs(finalLoss - expected.w2BlobsLogreg.finalLoss) <= 2e-6, `final loss ${finalLoss} vs PyTorch ${expected.w2BlobsLogreg.finalLoss}`);
  assert.ok(Math.abs(lastStepLoss - expected.w2BlobsLogreg.lastStepLoss) <= 2e-6, `last step loss ${lastStepLoss}`);
  assert.ok(Math.abs(accuracy - 0.949) < 1e-6, `accuracy ${accuracy}`);
});
