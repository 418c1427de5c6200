import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, nn, noGrad, optim, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { clearFallbackAudit, fallbackAudit, fallbackAuditing } from "../../src/compile/wasm-audit.js";

// The small workloads (the lecture's: a 2-D classifier, logistic regression) replay a plan
// of a few dozen kernels in microseconds, so what a replay does besides its kernels decides
// their speed: a kernel left to the backend's method (a loss's mean of one element) runs the
// TypeScript loop and allocates views, and the inputs' copy and the signature check must not
// allocate either. These check that such replays run at plan addresses and stay eager's bits.

const onWasm = activeBackend().name === "wasm";
fallbackAuditing.enabled = true; // plans built in this file count their fallback calls

/** Kernel fallbacks replayed since the audit was cleared (host steps such as optimizer.step() are not kernels). */
function kernelFallbacks(): string[] {
  return [...fallbackAudit()].filter(([name, count]) => count.calls > 0 && !name.includes("(")).map(([name]) => name);
}

function twoClouds(n: number): { x: Tensor; y: Tensor } {
  const points = Array.from({ length: n }, (_, i) => [Math.cos(i * 1.7) + (i % 2) * 2, Math.sin(i * 0.9) - (i % 2)]);
  return { x: tensor(points), y: tensor(Array.from({ length: n }, (_, i) => i % 2)) };
}

test("the lecture's classifiers replay at plan addresses: only the labels' integer cast stays a TypeScript kernel", { skip: !onWasm && "the audit is the wasm executor's" }, () => {
  const { x, y } = twoClouds(200);
  const mlp = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
  const mlpOptimizer = new optim.SGD(mlp.parameters(), { lr: 0.1 });
  const mlpStep = compile((input: Tensor, labels: Tensor) => {
    mlpOptimizer.zeroGrad();
    nn.functional.crossEntropy(mlp.call(input), labels).backward();
    mlpOptimizer.step();
  });
  const logistic = new nn.Linear(2, 1);
  const logisticOptimizer = new optim.SGD(logistic.parameters(), { lr: 0.1 });
  const bce = new nn.BCELoss();
  const logisticStep = compile((input: Tensor, labels: Tensor) => {
    logisticOptimizer.zeroGrad();
    bce.call(logistic.call(input).sigmoid(), labels).backward();
    logisticOptimizer.step();
  });
  const targets = y.reshape([200, 1]);
  for (let i = 0; i < 3; i++) mlpStep(x, y), logisticStep(x, targets);
  clearFallbackAudit();
  mlpStep(x, y);
  logisticStep(x, targets);
  assert.deepEqual(kernelFallbacks(), ["cast"]);
});

test("a few elements through arithmetic with numbers that are not float32 values: a replay runs it at plan addresses with eager's bits", () => {
  const x = tensor(Array.from({ length: 24 }, (_, k) => Math.fround(k / 7) - 1.5));
  const fn = (input: Tensor): Tensor => input.mul(0.1).add(1 / 3).div(200).sub(input.mul(1e-3));
  const eager = noGrad(() => fn(x).toArray());
  const compiled = compile(fn);
  noGrad(() => (compiled(x), compiled(x)));
  clearFallbackAudit();
  const results = noGrad(() => [0, 1].map(() => compiled(x).toArray()));
  assert.equal(compiled.stats.replays, 2);
  for (const result of results) assert.deepEqual(result, eager);
  if (onWasm) assert.deepEqual(kernelFallbacks(), []);
});

test("inputs that are strided views or start at an offset replay as eager mode reads them", () => {
  const model = new nn.Linear(3, 2);
  const fn = (input: Tensor): Tensor => model.call(input).relu();
  const compiled = compile(fn);
  const dense = tensor([[1, -2, 3], [0.5, 4, -1], [2, 2, 2], [-3, 1, 0]]);
  const wide = tensor([[9, 1, 0.5, 2, -3], [9, -2, 4, 2, 1], [9, 3, -1, 2, 0]]);
  const transposed = wide.narrow(1, 1, 4).t(); // [4, 3], strided, at an offset
  const tall = tensor([[7, 7, 7], [1, 2, 3], [4, 5, 6], [-1, -2, -3], [0, 1, 0]]);
  const shifted = tall.narrow(0, 1, 4); // [4, 3], dense, at an offset
  noGrad(() => {
    for (const input of [dense, dense, dense, transposed, shifted, dense]) assert.deepEqual(compiled(input).toArray(), fn(input).toArray());
  });
  assert.equal(compiled.stats.traces, 2);
});
