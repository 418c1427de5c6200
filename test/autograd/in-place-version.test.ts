// Issue 11, from the user's side: changing in place a tensor that a recorded op saved for its
// backward gave silently wrong gradients. With the version counter (PyTorch's), backward()
// refuses, naming the op, instead of computing with the new values.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { noGrad, tensor } from "../../src/index.js";

test("in-place change of an input saved for backward: backward refuses instead of a wrong gradient", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  const x = tensor([4, 5, 6]);
  const y = w.mul(x); // dy/dw = x, saved
  x.mul_(10);
  assert.throws(() => y.sum().backward(), /^Error: backward: .* modified by an inplace operation: a float32 \[3\] tensor saved by mul is at version 1; expected version 0 instead \(changed by mul_ after mul used it/);
});

test("in-place change of a parameter under noGrad between forward and backward is caught too", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  const y = w.mul(w);
  noGrad(() => w.add_(1));
  assert.throws(() => y.sum().backward(), /modified by an inplace operation: .* saved by mul .*changed by add_/);
});

test("an in-place change after backward (as optimizers do) is fine", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  w.mul(w).sum().backward();
  noGrad(() => w.sub_(w.grad!.mul(0.1)));
  assert.deepEqual(w.grad!.toArray(), [2, 4, 6]);
  const y = w.mul(2);
  y.sum().backward();
  assert.deepEqual(w.grad!.toArray(), [4, 6, 8]);
});
