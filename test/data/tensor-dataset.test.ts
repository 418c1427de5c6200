import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, tensor, arange } from "../../src/index.js";

test("TensorDataset: items are rows of every tensor, batches copy the rows in the given order", () => {
  const x = arange(24, undefined, 1, { dtype: "float64" }).reshape([4, 3, 2]);
  const y = tensor([10, 11, 12, 13]);
  const dataset = new data.TensorDataset(x, y);
  assert.equal(dataset.length, 4);
  const [xb, yb] = dataset.getBatch([3, 1, 3]);
  assert.deepEqual(xb!.shape, [3, 3, 2]);
  assert.equal(xb!.dtype, "float64");
  assert.deepEqual(xb!.toArray(), [(x.toArray() as number[][])[3], (x.toArray() as number[][])[1], (x.toArray() as number[][])[3]]);
  assert.deepEqual(yb!.toArray(), [13, 11, 13]);
  const [row, label] = dataset.get(2);
  assert.deepEqual(row!.shape, [3, 2]);
  assert.deepEqual(label!.shape, []);
  assert.equal(label!.item(), 12);
  // a batch is a copy: writing into it leaves the dataset alone
  xb!.copy_(xb!.mul(0));
  assert.deepEqual(dataset.getBatch([3])[0]!.toArray(), [(x.toArray() as number[][])[3]]);
  // the rows are picked at each fetch, so (as in PyTorch) a change to the tensors shows in later batches
  y.copy_(tensor([20, 21, 22, 23]));
  assert.deepEqual(dataset.getBatch([1, 0])[1]!.toArray(), [21, 20]);
});

test("TensorDataset: a batch of int32 labels stays int32, and a dataset that requires gradients gives batches outside the graph", () => {
  const x = tensor([[1, 2], [3, 4], [5, 6]], { requiresGrad: true });
  const labels = tensor([2, 0, 1], { dtype: "int32" });
  const [xb, yb] = new data.TensorDataset(x, labels).getBatch([2, 2, 0]);
  assert.equal(yb!.dtype, "int32");
  assert.deepEqual(yb!.toArray(), [1, 1, 2]);
  assert.equal(xb!.requiresGrad, false);
  assert.deepEqual(xb!.toArray(), [[5, 6], [5, 6], [1, 2]]);
});

test("TensorDataset: mismatched first dimensions, 0-d tensors and bad indices are errors", () => {
  assert.throws(() => new data.TensorDataset(tensor([[1], [2]]), tensor([1, 2, 3])), /TensorDataset: tensors must share their first dimension, got shapes \[2,1\], \[3\]/);
  assert.throws(() => new data.TensorDataset(tensor(1)), /TensorDataset: tensor 0 is 0-d/);
  assert.throws(() => new data.TensorDataset(), /TensorDataset: needs at least one tensor/);
  const dataset = new data.TensorDataset(tensor([1, 2]));
  assert.throws(() => dataset.getBatch([2]), /TensorDataset: index 2 is out of range \[0, 2\)/);
  assert.throws(() => dataset.getBatch([0.5]), /TensorDataset: index 0.5 is out of range/);
});
