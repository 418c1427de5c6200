import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { isGradEnabled, noGrad, ones, tensor } from "../../src/index.js";
import { record } from "../../src/autograd/grad-fn.js";

test("gradients accumulate into .grad of leaves across backward() calls", () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  x.mul(x).sum().backward(); // 2x
  assertClose(x.grad!, [2, 4, 6]);
  x.mul(3).sum().backward(); // + 3
  assertClose(x.grad!, [5, 7, 9]);
  x.grad = null;
  x.mul(3).sum().backward();
  assertClose(x.grad!, [3, 3, 3]);
});

test("a tensor used twice in one graph gets the sum of both paths", () => {
  const x = tensor([2], { requiresGrad: true });
  const y = x.mul(x).add(x.exp()); // dy/dx = 2x + eˣ
  y.sum().backward();
  assertClose(x.grad!, [4 + Math.exp(2)], 1e-5, 1e-6);
});

test("backward() on a non-scalar without a gradient throws a clear error", () => {
  const y = tensor([1, 2], { requiresGrad: true }).mul(2);
  assert.throws(() => y.backward(), /backward: grad can be implicitly created only for scalar outputs; this tensor has shape \[2\]/);
  assert.throws(() => y.backward(tensor([1, 1, 1])), /backward: gradient shape \[3\] does not match the tensor's shape \[2\]/);
  y.backward(tensor([1, -1]));
});

test("backward() on a tensor without a graph throws", () => {
  assert.throws(() => tensor([1, 2]).sum().backward(), /backward: the tensor does not require grad/);
});

test("a second backward through a freed graph throws; retainGraph allows it", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const loss = x.mul(x).sum();
  loss.backward();
  assert.throws(() => loss.backward(), /backward: trying to go through the graph a second time at sum.*retainGraph/);

  const w = tensor([1, 2], { requiresGrad: true });
  const kept = w.mul(w).sum();
  kept.backward(undefined, { retainGraph: true });
  kept.backward();
  assertClose(w.grad!, [4, 8]);
  assert.throws(() => kept.backward(), /second time/);
});

test("backward takes its options first when there is no gradient, as the retainGraph error suggests", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const kept = w.mul(w).sum();
  kept.backward({ retainGraph: true });
  kept.backward();
  assertClose(w.grad!, [4, 8]);
  assert.throws(() => kept.backward(), /pass \{ retainGraph: true \}/);
  const y = w.mul(2);
  y.backward(tensor([1, 1]), { retainGraph: true });
  y.backward(tensor([1, 1]));
  // from plain JavaScript: a number or string is neither a gradient nor options
  assert.throws(() => w.sum().backward(1 as never), /backward: the first argument must be a gradient tensor or options like \{ retainGraph: true \}, got 1/);
});

test("backward through a chain of 100,000 ops does not overflow the stack", () => {
  const x = tensor(1, { dtype: "float64", requiresGrad: true });
  let y = x;
  for (let i = 0; i < 100_000; i++) y = y.mul(1.00001);
  y.backward();
  assertClose(x.grad!.item(), Math.pow(1.00001, 100_000), 0, 1e-9);
});

test("each leaf gets its own .grad buffer, even when one gradient flows to several", () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  const gradient = tensor([1, 1]);
  a.add(b).backward(gradient); // add passes the same dy to both inputs
  assert.notEqual(a.grad, b.grad);
  noGrad(() => a.grad!.copy_(tensor([10, 10])));
  assertClose(b.grad!, [1, 1]);
  assertClose(gradient, [1, 1]);

  const leaf = tensor([5, 6], { requiresGrad: true });
  leaf.backward(gradient);
  noGrad(() => leaf.grad!.copy_(tensor([0, 0])));
  assertClose(gradient, [1, 1]);
});

test("a rule's fresh gradient becomes .grad without a copy, unless two inputs receive it", () => {
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const x = tensor([[1], [1]]);
  const y = w.matmul(x).sum(); // matmul's rule makes dW in a buffer of its own
  y.backward();
  assertClose(w.grad!, [[1, 1], [1, 1]]);

  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], { requiresGrad: true });
  // a rule that hands one freshly made gradient to both of its inputs
  const twice = record(a.detach().add(b.detach()), "twice", [a, b], (dy) => {
    const g = dy.mul(2);
    return [g, g];
  });
  twice.sum().backward();
  noGrad(() => a.grad!.copy_(tensor([0, 0])));
  assertClose(b.grad!, [2, 2]);
});

test("retainGrad keeps the gradient of an intermediate tensor", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = x.mul(3).retainGrad();
  h.mul(h).sum().backward(); // dL/dh = 2h
  assertClose(h.grad!, [6, 12]);
  assertClose(x.grad!, [18, 36]);
});

test("gradients keep the leaf's dtype when the graph promoted it", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const y = x.mul(tensor([0.5, 0.25], { dtype: "float64" })).sum();
  assert.equal(y.dtype, "float64");
  y.backward();
  assert.equal(x.grad!.dtype, "float32");
  assertClose(x.grad!, [0.5, 0.25]);
});

test("noGrad records no graph, restores the mode after (even on throw), and returns fn's result", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.equal(isGradEnabled(), true);
  const y = noGrad(() => {
    assert.equal(isGradEnabled(), false);
    return w.mul(2);
  });
  assert.equal(y.requiresGrad, false);
  assert.equal(y.gradFn, null);
  assert.equal(isGradEnabled(), true);
  assert.throws(() => noGrad(() => { throw new Error("inner"); }), /inner/);
  assert.equal(isGradEnabled(), true);
  assert.equal(noGrad(() => noGrad(() => isGradEnabled())), false);
  assert.equal(w.mul(2).requiresGrad, true);
});

test("detach cuts the graph; ops on tensors without requiresGrad record nothing", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const d = x.mul(2).detach();
  assert.equal(d.requiresGrad, false);
  assert.equal(ones([2]).add(1).requiresGrad, false);
  const z = d.mul(x).sum();
  z.backward();
  assertClose(x.grad!, [2, 4]); // d is a constant: no path through it
});

test("a diamond with branches of different depth: each node runs after all its consumers", () => {
  const x = tensor([0.5, -1.5], { dtype: "float64", requiresGrad: true });
  const y = x.mul(2);
  let long = y;
  for (let i = 0; i < 5; i++) long = long.add(1).mul(0.5); // long = y/32 + 31/32
  const z = y.exp().add(long).add(y.mul(y)).sum();
  z.backward();
  // dz/dy = e^y + 1/32 + 2y, dy/dx = 2
  const expected = [0.5, -1.5].map((v) => 2 * (Math.exp(2 * v) + 1 / 32 + 4 * v));
  assertClose(x.grad!, expected, 1e-12, 1e-12);
});

test("gradients are plain tensors: no graph, and .grad of a leaf is never recorded", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  x.mul(x).sum().backward();
  assert.equal(x.grad!.requiresGrad, false);
  assert.equal(x.grad!.gradFn, null);
});

test("two losses sharing a subgraph: the second backward needs retainGraph on the first", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const h = x.mul(x);
  h.sum().backward(undefined, { retainGraph: true });
  h.mean().backward();
  assertClose(x.grad!, [2 + 1, 4 + 2]);
  assert.throws(() => h.max().backward(), /second time at mul/);
});
