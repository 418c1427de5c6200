import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { jacobian, tensor, eye, type Tensor } from "../../src/index.js";
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

test("logistic regression: autograd of the binary cross-entropy equals the closed form (p − y)·x", () => {
  const w = tensor([0.4, -0.7, 0.1], { dtype: "float64", requiresGrad: true }); // [w_x, w_y, bias]
  const point = tensor([1.5, -2, 1], { dtype: "float64" }); // [x, y, 1]
  const label = 1;
  const p = w.mul(point).sum().sigmoid();
  const J = p.log().mul(label).add(p.neg().add(1).log().mul(1 - label)).neg(); // −(y log p + (1−y) log(1−p))
  J.backward();
  assertClose(w.grad!, point.mul(p.item() - label).toArray(), 1e-12, 1e-12);
});

test("two-layer net of the lecture: autograd equals the hand-derived chain rule", () => {
  // x → z = Wx + b₁ → h = ReLU(z) → θ = Uh + b₂ → ŷ = softmax(θ) → J = CE(y, ŷ)
  const opts = { dtype: "float64", requiresGrad: true } as const;
  const x = tensor([0.5, -1.0], { dtype: "float64" });
  const W = tensor([[0.3, -0.2], [-0.5, 0.4], [0.8, 0.1]], opts);
  const b1 = tensor([0.1, 0.2, -0.1], opts);
  const U = tensor([[0.2, -0.3, 0.5], [-0.4, 0.6, 0.1], [0.7, 0.2, -0.6]], opts);
  const b2 = tensor([0.05, -0.05, 0.0], opts);
  const y = 2;
  const z = W.matmul(x).add(b1);
  const h = z.relu();
  const theta = U.matmul(h).add(b2);
  const J = theta.logSoftmax(0).gather(0, [y]).neg().sum();
  J.backward();

  const oneHot = tensor([0, 0, 1], { dtype: "float64" });
  const dTheta = theta.softmax(0).sub(oneHot); // dJ/dθ = ŷ − y
  const dH = U.t().matmul(dTheta); // dJ/dh = Uᵀ dJ/dθ
  const dZ = dH.mul(z.gt(0)); // ReLU passes the gradient where z > 0
  const outer = (a: Tensor, b: Tensor): Tensor => a.unsqueeze(1).matmul(b.unsqueeze(0));
  assertClose(U.grad!, outer(dTheta, h).toArray(), 1e-12, 1e-12); // dJ/dU = dJ/dθ hᵀ
  assertClose(b2.grad!, dTheta.toArray(), 1e-12, 1e-12);
  assertClose(W.grad!, outer(dZ, x).toArray(), 1e-12, 1e-12); // dJ/dW = dJ/dz xᵀ
  assertClose(b1.grad!, dZ.toArray(), 1e-12, 1e-12);
});
