import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { ones, tensor, zeros } from "../../src/index.js";

test("float32 is the default dtype; float64 is kept by every op", () => {
  assert.equal(tensor([1, 2]).dtype, "float32");
  assert.equal(zeros([2]).dtype, "float32");
  const x = tensor([[1, 2], [3, 4]], { dtype: "float64" });
  for (const y of [x.add(1), x.exp(), x.matmul(x), x.sum(0), x.softmax(1), x.transpose(0, 1), x.max(), x.gather(1, [[0], [1]])]) {
    assert.equal(y.dtype, "float64");
  }
});

test("float32 values are rounded to float32; float64 keeps full precision", () => {
  assert.equal(tensor([0.1]).toTypedArray()[0], Math.fround(0.1));
  assert.equal(tensor([0.1], { dtype: "float64" }).toTypedArray()[0], 0.1);
  assert.ok(tensor([1, 2]).toTypedArray() instanceof Float32Array);
  assert.ok(tensor([1, 2], { dtype: "float64" }).toTypedArray() instanceof Float64Array);
});

test("float32 with float64 promotes to float64 (PyTorch), for tensors of equal standing", () => {
  const a = ones([3]);
  const b = ones([3], { dtype: "float64" });
  assert.equal(a.add(b).dtype, "float64");
  assert.equal(b.mul(a).dtype, "float64");
  assert.equal(a.matmul(b).dtype, "float64");
  assert.equal(tensor(1).add(tensor(2, { dtype: "float64" })).dtype, "float64");
});

test("a number or a 0-d tensor does not widen a tensor with dimensions (PyTorch)", () => {
  const a = tensor([1, 2, 3]);
  assert.equal(a.add(0.1).dtype, "float32");
  const scale = tensor(0.5, { dtype: "float64", requiresGrad: true });
  const x = tensor([1, 2, 3], { requiresGrad: true });
  const y = x.mul(scale);
  assert.equal(y.dtype, "float32");
  assert.equal(scale.mul(x).dtype, "float32");
  y.sum().backward();
  assert.equal(scale.grad!.dtype, "float64");
  assertClose(scale.grad!, 6);
  assertClose(x.grad!, [0.5, 0.5, 0.5]);
  assert.equal(tensor([1, 2], { dtype: "float64" }).add(tensor(1)).dtype, "float64");
});

test("to() converts, is differentiable, and returns the same tensor for the same dtype", () => {
  const x = tensor([1.5, 2.5], { requiresGrad: true });
  assert.equal(x.to("float32"), x);
  const y = x.to("float64");
  assert.equal(y.dtype, "float64");
  y.mul(y).sum().backward();
  assert.equal(x.grad!.dtype, "float32");
  assertClose(x.grad!, [3, 5]);
});

test("an unknown dtype is rejected by name", () => {
  // @ts-expect-error: checking the runtime guard for untyped callers
  assert.throws(() => tensor([1], { dtype: "int64" }), /tensor: unsupported dtype "int64"/);
  // @ts-expect-error: as above
  assert.throws(() => zeros([1], { dtype: "float16" }), /full: unsupported dtype "float16"/);
});
