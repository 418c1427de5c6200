import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { jacobian, tensor, eye } from "../../src/index.js";
import { assertClose } from "../helpers.js";

test("f = (x + y)·z at x=−2, y=5, z=−4: q = 3, f = −12, df/dx = −4, df/dy = −4, df/dz = 3", () => {
  const x = tensor(-2, { requiresGrad: true });
  const y = tensor(5, { requiresGrad: true });
  const z = tensor(-4, { requiresGrad: true });
  const q = x.add(y);
  const f = q.mul(z);
  f.backward();
  assert.equal(q.item(), 3);
  assert.equal(f.item(), -12);
  assert.equal(x.grad!.item(), -4);
  assert.equal(y.grad!.item(), -4);
  assert.equal(z.grad!.item(), 3);
});

test("jacobian of z = Wx equals W", () => {
  const W = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" });
  const J = jacobian((x) => W.matmul(x), tensor([0.5, -1, 2], { dtype: "float64" }));
  assert.deepEqual(J.shape, [2, 3]);
  assertClose(J, W.toArray(), 0, 0);
});

test("jacobian of softmax equals diag(s) − s sᵀ", () => {
  const x = tensor([0.3, -1.2, 2.0, 0.7], { dtype: "float64" });
  const s = x.softmax(0);
  const expected = eye(4, { dtype: "float64" }).mul(s).sub(s.unsqueeze(1).matmul(s.unsqueeze(0)));
  assertClose(jacobian((v) => v.softmax(0), x), expected.toArray(), 1e-12, 0);
});
