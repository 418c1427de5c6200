import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, arange, manualSeed } from "../../src/index.js";

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
