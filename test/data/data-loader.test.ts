import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, arange, manualSeed, tensor, type Tensor } from "../../src/index.js";

function epoch(loader: data.DataLoader): number[][] {
  return [...loader].map(([x]) => x!.toArray() as number[]);
}

test("DataLoader: batches in order, last one short unless dropLast; length counts batches", () => {
  const dataset = new data.TensorDataset(arange(7), arange(7).mul(10));
  const loader = new data.DataLoader(dataset, { batchSize: 3 });
  assert.equal(loader.length, 3);
  assert.deepEqual(epoch(loader), [[0, 1, 2], [3, 4, 5], [6]]);
  const [, y] = [...loader][1]!;
  assert.deepEqual(y!.toArray(), [30, 40, 50]);
  const dropping = new data.DataLoader(dataset, { batchSize: 3, dropLast: true });
  assert.equal(dropping.length, 2);
  assert.deepEqual(epoch(dropping), [[0, 1, 2], [3, 4, 5]]);
  assert.deepEqual(epoch(new data.DataLoader(dataset)).length, 7);
});

test("DataLoader shuffle: each pass a permutation of every item, a new order per pass, reproducible from the seed", () => {
  const dataset = new data.TensorDataset(arange(20));
  const loader = new data.DataLoader(dataset, { batchSize: 6, shuffle: true, seed: 3 });
  const first = epoch(loader);
  const second = epoch(loader);
  assert.deepEqual(first.map((b) => b.length), [6, 6, 6, 2]);
  assert.deepEqual(first.flat().sort((a, b) => a - b), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(first.flat(), Array.from({ length: 20 }, (_, i) => i));
  assert.notDeepEqual(first, second);
  const again = new data.DataLoader(dataset, { batchSize: 6, shuffle: true, seed: 3 });
  assert.deepEqual(epoch(again), first);
  assert.deepEqual(epoch(again), second);
  // without a seed the default generator (manualSeed) decides
  manualSeed(11);
  const a = epoch(new data.DataLoader(dataset, { batchSize: 20, shuffle: true }));
  manualSeed(11);
  assert.deepEqual(epoch(new data.DataLoader(dataset, { batchSize: 20, shuffle: true })), a);
});

test("DataLoader: bad batchSize or seed is an error", () => {
  const dataset = new data.TensorDataset(arange(3));
  assert.throws(() => new data.DataLoader(dataset, { batchSize: 0 }), /DataLoader: batchSize must be an integer ≥ 1, got 0/);
  assert.throws(() => new data.DataLoader(dataset, { batchSize: 2.5 }), /DataLoader: batchSize must be an integer ≥ 1, got 2.5/);
  assert.throws(() => new data.DataLoader(dataset, { seed: Number.NaN }), /DataLoader: seed must be a finite number, got NaN/);
});

test("DataLoader over a dataset with only length and get(index): items stacked along a new first dim", () => {
  const squares = {
    length: 5,
    get: (index: number): Tensor[] => [tensor([[index, index * index]], { dtype: "float64" }), tensor(index % 2)],
  };
  const [x, y] = [...new data.DataLoader(squares, { batchSize: 3 })][1]!;
  assert.deepEqual(x!.shape, [2, 1, 2]);
  assert.equal(x!.dtype, "float64");
  assert.deepEqual(x!.toArray(), [[[3, 9]], [[4, 16]]]);
  assert.deepEqual(y!.toArray(), [1, 0]);
  const ragged = { length: 2, get: (index: number): Tensor[] => [arange(index + 1)] };
  assert.throws(() => [...new data.DataLoader(ragged, { batchSize: 2 })], /DataLoader: cannot stack field 0: item 1 has shape \[2\], item 0 has \[1\]/);
  const uneven = { length: 2, get: (index: number): Tensor[] => (index === 0 ? [arange(1), arange(1)] : [arange(1)]) };
  assert.throws(() => [...new data.DataLoader(uneven, { batchSize: 2 })], /DataLoader: item 1 is not an array of 2 tensors like item 0/);
});
