import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { noGrad, tensor } from "../../src/index.js";

test("shape, ndim, size, dtype, isLeaf", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([x.shape, x.ndim, x.size, x.dtype, x.isLeaf], [[2, 3], 2, 6, "float32", true]);
  const y = tensor([1], { requiresGrad: true }).mul(2);
  assert.equal(y.isLeaf, false);
  assert.notEqual(y.gradFn, null);
});

test("item() reads one-element tensors of any rank and refuses larger ones", () => {
  assert.equal(tensor(4).item(), 4);
  assert.equal(tensor([[4]]).item(), 4);
  assert.equal(tensor([1, 7]).max().item(), 7);
  assert.throws(() => tensor([1, 2]).item(), /item: only one-element tensors can be converted to a number; this tensor has shape \[2\]/);
  assert.throws(() => tensor([]).item(), /this tensor has shape \[0\]/);
});

test("toArray and toTypedArray of views (transpose, expand, reshape) read the viewed values", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual(x.transpose(0, 1).toArray(), [[1, 4], [2, 5], [3, 6]]);
  assert.deepEqual(tensor([1, 2]).expand([2, 2]).toArray(), [[1, 2], [1, 2]]);
  assert.deepEqual([...x.reshape([3, 2]).toTypedArray()], [1, 2, 3, 4, 5, 6]);
  assert.equal(x.sum().toArray(), 21);
});

test("detach shares data but not the graph; clone copies and is differentiable", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  const d = x.detach();
  assert.equal(d.requiresGrad, false);
  assert.deepEqual(d.toArray(), [1, 2]);
  const c = x.clone();
  assert.equal(c.requiresGrad, true);
  c.mul(3).sum().backward();
  assertClose(x.grad!, [3, 3]);
  noGrad(() => c.copy_(tensor([9, 9])));
  assert.deepEqual(x.toArray(), [1, 2], "clone has its own storage");
});

test("copy_ writes in place (broadcasting the source) and refuses leaves that require grad while recording", () => {
  const x = tensor([[1, 2], [3, 4]]);
  x.copy_(tensor([7, 8]));
  assert.deepEqual(x.toArray(), [[7, 8], [7, 8]]);
  x.copy_(tensor([[1, 2], [3, 4]], { dtype: "float64" }));
  assert.equal(x.dtype, "float32");
  assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  const w = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.copy_(tensor([0, 0])), /copy_: a leaf tensor that requires grad cannot be modified in place while recording/);
  noGrad(() => w.copy_(tensor([5, 6])));
  assert.deepEqual(w.toArray(), [5, 6]);
  assert.throws(() => x.copy_(tensor([1, 2, 3])), /copy_: cannot copy \[3\] into \[2,2\]/);
});

test("methods take numbers as operands and allow negative dims", () => {
  const x = tensor([[1, 2], [3, 4]]);
  assert.deepEqual(x.add(1).sub(2).mul(3).div(2).toArray(), [[0, 1.5], [3, 4.5]]);
  assert.deepEqual(x.pow(2).toArray(), [[1, 4], [9, 16]]);
  assert.deepEqual(x.sum(-1).toArray(), [3, 7]);
  assert.deepEqual(x.mean(-2, true).toArray(), [[2, 3]]);
  assert.deepEqual(x.argmax(-1).toArray(), [1, 1]);
  assert.deepEqual(x.max(-2).values.toArray(), [3, 4]);
  assert.deepEqual(x.unsqueeze(-1).shape, [2, 2, 1]);
  assert.deepEqual(x.softmax(-1).shape, [2, 2]);
});

test("argmax returns the first maximum; max shares its gradient among ties", () => {
  assert.deepEqual(tensor([[1, 5, 5], [7, 7, 2]]).argmax(1).toArray(), [1, 0]);
  assert.equal(tensor([[1, 5], [5, 2]]).argmax().item(), 1);
  const x = tensor([3, 1, 3], { requiresGrad: true });
  x.max().backward();
  assertClose(x.grad!, [0.5, 0, 0.5]);
});

test("toString prints like PyTorch: values, then a dtype other than float32, then requiresGrad", () => {
  assert.equal(tensor([1, 2], { requiresGrad: true }).toString(), "tensor([1., 2.], requiresGrad=true)");
  assert.equal(tensor([0.5, 2], { dtype: "float64" }).toString(), "tensor([0.5000, 2.0000], dtype=float64)");
});

test("reductions return fresh tensors, even of a 0-d input", () => {
  const scalar = tensor(3);
  for (const reduced of [scalar.sum(), scalar.max(), scalar.sum(0), scalar.max(0).values]) {
    noGrad(() => reduced.copy_(tensor(5)));
    assert.equal(scalar.item(), 3);
  }
});

test("sum and mean over an empty dim list reduce every dim, as in PyTorch", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  assert.equal(x.sum([]).item(), 21);
  assert.deepEqual(x.sum([], true).toArray(), [[21]]);
  assert.equal(x.mean([]).item(), 3.5);
  x.mean([]).backward();
  assertClose(x.grad!, [[1 / 6, 1 / 6, 1 / 6], [1 / 6, 1 / 6, 1 / 6]]);
});
