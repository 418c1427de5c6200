import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { optim, tensor, type Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

interface Case {
  optimizer: "SGD" | "Adam" | "AdamW" | "RMSprop";
  options: Record<string, unknown>;
  steps: { loss: number; weight: number[][]; bias: number[] }[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as {
  problem: { x: number[][]; t: number[][]; weight: number[][]; bias: number[] };
  cases: Case[];
};

function makeOptimizer(c: Case, params: Tensor[]): optim.Optimizer<optim.BaseOptions, unknown> {
  const options = c.options as never;
  switch (c.optimizer) {
    case "SGD":
      return new optim.SGD(params, options);
    case "Adam":
      return new optim.Adam(params, options);
    case "AdamW":
      return new optim.AdamW(params, options);
    case "RMSprop":
      return new optim.RMSprop(params, options);
  }
}

for (const c of fixture.cases) {
  test(`${c.optimizer} ${JSON.stringify(c.options)}: three steps match PyTorch`, () => {
    const { x, t } = { x: tensor(fixture.problem.x), t: tensor(fixture.problem.t) };
    const weight = tensor(fixture.problem.weight, { requiresGrad: true });
    const bias = tensor(fixture.problem.bias, { requiresGrad: true });
    const optimizer = makeOptimizer(c, [weight, bias]);
    c.steps.forEach((expected, i) => {
      optimizer.zeroGrad();
      const loss = x.matmul(weight.t()).add(bias).sub(t).square().mean().add(weight.pow(3).sum().mul(0.1));
      loss.backward();
      optimizer.step();
      assertClose([loss.item()], [expected.loss], 1e-6, 1e-5, `step ${i + 1} loss`);
      assertClose(weight, expected.weight, 2e-6, 1e-5, `step ${i + 1} weight`);
      assertClose(bias, expected.bias, 2e-6, 1e-5, `step ${i + 1} bias`);
    });
  });
}

test("parameters without a gradient are left alone, and their state is not created", () => {
  const used = tensor([1, 2], { requiresGrad: true });
  const unused = tensor([3, 4], { requiresGrad: true });
  const optimizer = new optim.Adam([used, unused], { lr: 0.1 });
  used.sum().backward();
  optimizer.step();
  assert.deepEqual(unused.toArray(), [3, 4]);
  assert.equal(optimizer.state.has(unused), false);
  assert.equal(optimizer.state.has(used), true);
});

test("zeroGrad clears gradients (to null by default, zeros on request)", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const optimizer = new optim.SGD([w], { lr: 0.1 });
  w.sum().backward();
  optimizer.zeroGrad(false);
  assert.deepEqual(w.grad!.toArray(), [0, 0]);
  optimizer.zeroGrad();
  assert.equal(w.grad, null);
});

test("parameter groups take their own hyper-parameters over the defaults", () => {
  const a = tensor([1], { requiresGrad: true });
  const b = tensor([1], { requiresGrad: true });
  const optimizer = new optim.SGD([{ params: [a] }, { params: [b], lr: 0.5 }], { lr: 0.1 });
  a.add(b).sum().backward();
  optimizer.step();
  assertClose(a, [0.9], 1e-7);
  assertClose(b, [0.5], 1e-7);
  assert.throws(() => new optim.SGD([{ params: [a] }, { params: [a] }], { lr: 0.1 }), /more than one parameter group/);
});

test("invalid hyper-parameters are errors with PyTorch's messages", () => {
  const params = [tensor([1], { requiresGrad: true })];
  assert.throws(() => new optim.SGD(params, { lr: -1 }), /^Error: Invalid learning rate: -1$/);
  assert.throws(() => new optim.SGD(params, { lr: 0.1, momentum: -0.5 }), /Invalid momentum value: -0.5/);
  assert.throws(() => new optim.SGD(params, { lr: 0.1, weightDecay: -1 }), /Invalid weightDecay value: -1/);
  assert.throws(() => new optim.SGD(params, { lr: 0.1, nesterov: true }), /Nesterov momentum requires a momentum and zero dampening/);
  assert.throws(() => new optim.SGD(params, { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), /Nesterov/);
  assert.throws(() => new optim.SGD(params, { lr: Number.NaN }), /Invalid learning rate: NaN/);
  assert.throws(() => new optim.Adam(params, { betas: [1, 0.999] }), /Invalid beta parameter at index 0: 1/);
  assert.throws(() => new optim.Adam(params, { betas: [0.9, -0.1] }), /Invalid beta parameter at index 1: -0.1/);
  assert.throws(() => new optim.AdamW(params, { eps: -1 }), /Invalid epsilon value: -1/);
  assert.throws(() => new optim.Adam(params, { lr: -0.001 }), /Invalid learning rate: -0.001/);
  assert.throws(() => new optim.RMSprop(params, { alpha: -0.9 }), /Invalid alpha value: -0.9/);
  assert.throws(() => new optim.RMSprop(params, { momentum: -1 }), /Invalid momentum value: -1/);
  assert.throws(() => new optim.SGD([], { lr: 0.1 }), /empty parameter list/);
  const nonLeaf = tensor([1], { requiresGrad: true }).mul(2);
  assert.throws(() => new optim.SGD([nonLeaf], { lr: 0.1 }), /non-leaf/);
});

test("state buffers are created on the first step and then updated in place", () => {
  // 40 elements: large enough that the wasm backend runs its own element-wise kernels
  const start = Array.from({ length: 40 }, (_, i) => Math.sin(i));
  const slopes = tensor(Array.from({ length: 40 }, (_, i) => (i % 3) - 1.2));
  const cases: [optim.Optimizer<optim.BaseOptions, unknown>, Tensor][] = [];
  for (const make of [
    (w: Tensor) => new optim.SGD([w], { lr: 0.1, momentum: 0.9 }),
    (w: Tensor) => new optim.Adam([w], { lr: 0.1, amsgrad: true }),
    (w: Tensor) => new optim.RMSprop([w], { lr: 0.01, centered: true, momentum: 0.5 }),
  ]) {
    const w = tensor(start, { requiresGrad: true });
    cases.push([make(w), w]);
  }
  for (const [optimizer, w] of cases) {
    const buffersAfter = (): unknown[] => {
      optimizer.zeroGrad();
      w.mul(slopes).sum().backward();
      optimizer.step();
      const state = optimizer.state.get(w) as Record<string, unknown>;
      return Object.values(state).filter((value) => typeof value === "object" && value !== null);
    };
    const first = buffersAfter();
    const second = buffersAfter();
    assert.ok(first.length > 0);
    second.forEach((buffer, i) => assert.equal(buffer, first[i], `${optimizer.constructor.name} buffer ${i} is the same tensor`));
  }
  // Adam on a constant gradient c moves each weight by lr·sign(c) per step (m̂ = c, v̂ = c²)
  const adamWeight = cases[1]![1];
  assertClose(adamWeight, start.map((s, i) => s - 2 * 0.1 * Math.sign((i % 3) - 1.2)), 1e-6, 1e-6);
});
