import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, arange } from "../../src/index.js";

test("trainTestSplit: sizes, rows kept together, every row in exactly one set, seeded", () => {
  const x = arange(20).reshape([10, 2]);
  const y = arange(10).mul(100);
  const split = data.trainTestSplit(x, y, { testSize: 0.25, seed: 4 });
  assert.deepEqual(split.xTrain.shape, [7, 2]);
  assert.deepEqual(split.xTest.shape, [3, 2]);
  assert.deepEqual(split.yTrain.shape, [7]);
  const rows = [...(split.xTrain.toArray() as number[][]), ...(split.xTest.toArray() as number[][])];
  const labels = [...(split.yTrain.toArray() as number[]), ...(split.yTest.toArray() as number[])];
  rows.forEach((row, i) => assert.deepEqual(row, [labels[i]! / 50, labels[i]! / 50 + 1]));
  assert.deepEqual(labels.slice().sort((a, b) => a - b), Array.from({ length: 10 }, (_, i) => i * 100));
  assert.deepEqual(data.trainTestSplit(x, y, { testSize: 0.25, seed: 4 }).yTest.toArray(), split.yTest.toArray());
  assert.notDeepEqual(data.trainTestSplit(x, y, { testSize: 0.25, seed: 5 }).yTest.toArray(), split.yTest.toArray());
});

test("trainTestSplit: a count, no shuffle keeps the order, empty sides are errors", () => {
  const x = arange(5);
  const split = data.trainTestSplit(x, x, { testSize: 2, shuffle: false });
  assert.deepEqual(split.xTrain.toArray(), [0, 1, 2]);
  assert.deepEqual(split.xTest.toArray(), [3, 4]);
  assert.throws(() => data.trainTestSplit(x, x, { testSize: 5 }), /trainTestSplit: testSize 5 of 5 items leaves 5 for testing/);
  assert.throws(() => data.trainTestSplit(x, x, { testSize: 0 }), /trainTestSplit: testSize 0 of 5 items/);
  assert.throws(() => data.trainTestSplit(x, arange(4)), /TensorDataset: tensors must share their first dimension/);
});
