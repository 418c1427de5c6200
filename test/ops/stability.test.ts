import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { tensor, type Tensor } from "../../src/index.js";

function allFinite(x: Tensor): boolean {
  return x.toTypedArray().every((v) => Number.isFinite(v));
}

for (const dtype of ["float32", "float64"] as const) {
  test(`softmax([-1, 0, 3, 5]) ≈ [0.0021657, 0.00588697, 0.11824302, 0.87370431] (${dtype})`, () => {
    assertClose(tensor([-1, 0, 3, 5], { dtype }).softmax(0), [0.0021657, 0.00588697, 0.11824302, 0.87370431], 1e-7, 1e-5);
  });

  test(`softmax and logSoftmax of huge logits are finite, with finite gradients (${dtype})`, () => {
    const x = tensor([1000, 0, -1000], { dtype, requiresGrad: true });
    const logP = x.logSoftmax(0);
    assert.ok(allFinite(logP));
    assertClose(logP, [0, -1000, -2000], 0, 1e-7);
    logP.mul(tensor([1, 2, 3], { dtype })).sum().backward();
    assert.ok(allFinite(x.grad!));
    // d/dx Σ wᵢ log pᵢ = w − p·Σw, with p = (1, 0, 0)
    assertClose(x.grad!, [1 - 6, 2, 3], 1e-6, 0);

    const z = tensor([[1000, 999], [-1000, -1002]], { dtype, requiresGrad: true });
    const p = z.softmax(1);
    assert.ok(allFinite(p));
    const e = 1 / (1 + Math.exp(-1));
    const f = 1 / (1 + Math.exp(-2));
    assertClose(p, [[e, 1 - e], [f, 1 - f]], 1e-6, 1e-6);
    p.mul(tensor([[1, 0], [0, 1]], { dtype })).sum().backward();
    assert.ok(allFinite(z.grad!));
  });

  test(`sigmoid and its gradient are finite at ±1000 (${dtype})`, () => {
    const x = tensor([-1000, -20, 0, 20, 1000], { dtype, requiresGrad: true });
    const y = x.sigmoid();
    assert.ok(allFinite(y));
    assertClose(y, [0, 1 / (1 + Math.exp(20)), 0.5, 1 / (1 + Math.exp(-20)), 1], 1e-7, 1e-6);
    y.sum().backward();
    assert.ok(allFinite(x.grad!));
    const s = 1 / (1 + Math.exp(-20));
    assertClose(x.grad!, [0, s * (1 - s), 0.25, s * (1 - s), 0], 1e-7, 1e-4);
  });

  test(`tanh and exp saturate without NaN (${dtype})`, () => {
    const x = tensor([-1000, 1000], { dtype, requiresGrad: true });
    const y = x.tanh();
    assertClose(y, [-1, 1], 0, 0);
    y.sum().backward();
    assertClose(x.grad!, [0, 0], 0, 0);
  });
}
