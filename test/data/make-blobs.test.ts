import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

function rowsOf(x: number[][], y: number[], label: number): number[][] {
  return x.filter((_, i) => y[i] === label);
}

test("makeBlobs: given centres, even class sizes, per-class mean and spread match", () => {
  const centers = [[-3, 1], [4, 4], [0, -5]];
  const { x, y } = data.makeBlobs({ nSamples: 3001, centers, clusterStd: [0.5, 1, 2], seed: 7 });
  assert.deepEqual(x.shape, [3001, 2]);
  assert.deepEqual(y.shape, [3001]);
  assert.equal(x.dtype, "float32");
  const xs = x.toArray() as number[][];
  const ys = y.toArray() as number[];
  centers.forEach((center, label) => {
    const rows = rowsOf(xs, ys, label);
    assert.equal(rows.length, label === 0 ? 1001 : 1000);
    for (let d = 0; d < 2; d++) {
      const mean = rows.reduce((s, r) => s + r[d]!, 0) / rows.length;
      const std = Math.sqrt(rows.reduce((s, r) => s + (r[d]! - mean) ** 2, 0) / rows.length);
      const expectedStd = [0.5, 1, 2][label]!;
      assert.ok(Math.abs(mean - center[d]!) < 4 * expectedStd / Math.sqrt(rows.length), `class ${label} dim ${d} mean ${mean}`);
      assert.ok(Math.abs(std / expectedStd - 1) < 0.08, `class ${label} dim ${d} std ${std}`);
    }
  });
  // shuffled: the first 20 labels are not all one class
  assert.ok(new Set(ys.slice(0, 20)).size > 1);
});

test("makeBlobs: same seed same data, other seed other data; random centres lie in centerBox", () => {
  const a = data.makeBlobs({ nSamples: 50, centers: 3, seed: 1 });
  const b = data.makeBlobs({ nSamples: 50, centers: 3, seed: 1 });
  const c = data.makeBlobs({ nSamples: 50, centers: 3, seed: 2 });
  assert.deepEqual(a.x.toArray(), b.x.toArray());
  assert.deepEqual(a.y.toArray(), b.y.toArray());
  assert.notDeepEqual(a.x.toArray(), c.x.toArray());
  const tight = data.makeBlobs({ nSamples: 40, centers: 4, clusterStd: 0, centerBox: [2, 3], seed: 5 });
  for (const v of tight.x.toTypedArray()) assert.ok(v >= 2 && v <= 3);
  assert.deepEqual([...new Set(tight.y.toArray() as number[])].sort(), [0, 1, 2, 3]);
});

test("makeBlobs: float64 and 3-D centres", () => {
  const { x } = data.makeBlobs({ nSamples: 4, centers: [[1, 2, 3]], clusterStd: 0, dtype: "float64" });
  assert.equal(x.dtype, "float64");
  assert.deepEqual(x.toArray(), [[1, 2, 3], [1, 2, 3], [1, 2, 3], [1, 2, 3]]);
});

test("makeBlobs: bad options are errors naming the option", () => {
  assert.throws(() => data.makeBlobs({ nSamples: 0 }), /makeBlobs: nSamples must be an integer ≥ 1, got 0/);
  assert.throws(() => data.makeBlobs({ centers: 1.5 }), /makeBlobs: centers must be an integer/);
  assert.throws(() => data.makeBlobs({ centers: [[0, 0], [1]] }), /makeBlobs: centre 1 is \[1\]; every centre needs 2 finite coordinates/);
  assert.throws(() => data.makeBlobs({ centers: 2, clusterStd: [1, 2, 3] }), /makeBlobs: clusterStd has 3 values for 2 centres/);
  assert.throws(() => data.makeBlobs({ clusterStd: -1 }), /makeBlobs: clusterStd\[0\] must be a finite number ≥ 0, got -1/);
});
