import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, noGrad, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

// PyTorch's version counter: changing in place a tensor that a recorded op saved for its
// backward makes that backward fail, instead of computing a gradient from the new values.
// Each case below was checked against PyTorch 1.13 (which errors, or not, the same way).
const MODIFIED = /backward: one of the variables needed for gradient computation has been modified by an inplace operation: /;

test("a saved operand changed in place: backward throws, naming the op, the tensor and both versions", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const c = tensor([3, 4]);
  const loss = w.mul(c).sum();
  c.mul_(2);
  assert.throws(() => loss.backward(), (error: Error) => {
    assert.match(error.message, MODIFIED);
    assert.match(error.message, /a float32 \[2\] tensor saved by mul is at version 1; expected version 0 instead \(changed by mul_ after mul used it/);
    return true;
  });
  assert.equal(w.grad, null, "no gradient was accumulated");
});

test("every in-place op bumps the version: add_, sub_, div_, addcmul_, addcdiv_, sqrt_, fill_, zero_, copy_", () => {
  const changes: [string, (c: Tensor) => unknown][] = [
    ["add_", (c) => c.add_(1)],
    ["sub_", (c) => c.sub_(1, 2)],
    ["div_", (c) => c.div_(2)],
    ["addcmul_", (c) => c.addcmul_(c, c)],
    ["addcdiv_", (c) => c.addcdiv_(c, c, 0.5)],
    ["sqrt_", (c) => c.sqrt_()],
    ["fill_", (c) => c.fill_(1)],
    ["zero_", (c) => c.zero_()],
    ["copy_", (c) => c.copy_(tensor([7, 8]))],
  ];
  for (const [name, change] of changes) {
    const w = tensor([1, 2], { requiresGrad: true });
    const c = tensor([3, 4]);
    const loss = w.mul(c).sum();
    change(c);
    assert.throws(() => loss.backward(), new RegExp(`saved by mul is at version 1; expected version 0 instead \\(changed by ${name} `), name);
  }
});

test("with retainGraph: the first backward works, a parameter update in between makes the second one throw", () => {
  const w = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const x = tensor([[0.5], [-1]]);
  const loss = w.mul(w).matmul(x).tanh().sum();
  loss.backward(undefined, { retainGraph: true });
  const first = w.grad!.toArray();
  loss.backward(undefined, { retainGraph: true }); // nothing changed: works again, and accumulates
  assertClose(w.grad!, (first as number[][]).map((row) => row.map((v) => 2 * v)), 1e-6);
  new optim.SGD([w], { lr: 0.1 }).step();
  // tanh saved its output and matmul x (both unchanged); mul saved w, now at version 1
  assert.throws(() => loss.backward(), /saved by mul is at version 1; expected version 0 instead \(changed by add_/);
});

test("only what a rule reads is checked: add saves nothing, mul of a constant saves only the constant (as PyTorch)", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const x = tensor([1, 2]);
  const sum = w.add(x).sum();
  x.add_(1);
  sum.backward();
  assertClose(w.grad!, [1, 1]);
  w.grad = null;
  const c = tensor([3, 4]);
  const product = w.mul(c).sum();
  noGrad(() => w.add_(1)); // w itself is not needed for dL/dw = c
  product.backward();
  assertClose(w.grad!, [3, 4]);
});

test("an op that saved its output (exp) throws when the output is changed in place", () => {
  const w = tensor([0, 1], { requiresGrad: true });
  const y = w.exp();
  const loss = y.sum();
  noGrad(() => y.add_(1));
  assert.throws(() => loss.backward(), /a float32 \[2\] tensor saved by exp is at version 1; expected version 0 instead \(changed by add_/);
});

test("views share the version: changing the base after a view of it was saved throws, and so does changing a detached copy", () => {
  const w = tensor([1, 2, 3, 4], { requiresGrad: true });
  const base = tensor([1, 2, 3, 4]);
  const loss = w.reshape([2, 2]).mul(base.reshape([2, 2])).sum();
  base.mul_(3);
  assert.throws(() => loss.backward(), /a float32 \[2,2\] tensor saved by mul is at version 1/);
  const v = tensor([[1, 2]], { requiresGrad: true });
  const loss2 = v.mul(v).sum();
  noGrad(() => v.detach().zero_());
  assert.throws(() => loss2.backward(), /saved by mul is at version 1/);
});

test("gather's index is saved: changing it in place before backward throws", () => {
  const w = tensor([1, 2, 3], { requiresGrad: true });
  const index = tensor([2, 0], { dtype: "int32" });
  const loss = w.gather(0, index).mul(tensor([1, 5])).sum();
  index.zero_();
  assert.throws(() => loss.backward(), /an int32 \[2\] tensor saved by gather is at version 1; expected version 0/);
});

test("after the error the tensors work as before: the check is only armed while a rule runs", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  const c = tensor([3, 4]);
  const loss = w.mul(c).sum();
  c.add_(1);
  assert.throws(() => loss.backward(), MODIFIED);
  const again = w.mul(c).sum(); // a new graph saves c at its new version
  again.backward();
  assertClose(w.grad!, [4, 5]);
  assertClose(c.mul(2), [8, 10]);
});

test("a normal training loop (forward, backward, step, zeroGrad, clipping the gradient in place) never trips the check", () => {
  manualSeed(3);
  for (const make of [(p: nn.Parameter[]) => new optim.SGD(p, { lr: 0.1, momentum: 0.9 }), (p: nn.Parameter[]) => new optim.Adam(p, { lr: 0.01 })]) {
    const model = new nn.Sequential(new nn.Linear(3, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const optimizer = make(model.parameters());
    const x = randn([16, 3]);
    const y = tensor(Array.from({ length: 16 }, (_, i) => i % 2));
    const losses: number[] = [];
    for (let step = 0; step < 20; step++) {
      optimizer.zeroGrad(step % 2 === 0);
      const loss = nn.functional.crossEntropy(model.call(x), y);
      loss.backward();
      noGrad(() => model.parameters().forEach((p) => p.grad!.mul_(0.9))); // in-place gradient clipping
      optimizer.step();
      losses.push(loss.item());
    }
    assert.ok(losses[19]! < losses[0]!, `the loss fell: ${losses[0]} -> ${losses[19]}`);
    // a second forward after step() builds a graph at the new versions
    const after = nn.functional.crossEntropy(model.call(x), y);
    after.backward();
    assert.ok(model.parameters().every((p) => p.grad !== null));
  }
});
