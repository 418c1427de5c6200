import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

test("makeMoons without noise: class 0 on the upper unit half circle, class 1 on the lower one shifted to (1, 0.5)", () => {
  const { x, y } = data.makeMoons({ nSamples: 101, seed: 3, dtype: "float64" });
  const xs = x.toArray() as number[][];
  const ys = y.toArray() as number[];
  assert.deepEqual(x.shape, [101, 2]);
  assert.equal(ys.filter((v) => v === 0).length, 50);
  assert.equal(ys.filter((v) => v === 1).length, 51);
  xs.forEach(([a, b], i) => {
    if (ys[i] === 0) {
      assert.ok(Math.abs(a! ** 2 + b! ** 2 - 1) < 1e-12 && b! >= -1e-12, `point ${i} (${a}, ${b})`);
    } else {
      assert.ok(Math.abs((a! - 1) ** 2 + (b! - 0.5) ** 2 - 1) < 1e-12 && b! <= 0.5 + 1e-12, `point ${i} (${a}, ${b})`);
    }
  });
});

test("makeMoons: noise moves points off the curves by about its standard deviation; seeded", () => {
  const clean = data.makeMoons({ nSamples: 2000, seed: 4, shuffle: false }).x.toTypedArray();
  const noisy = data.makeMoons({ nSamples: 2000, noise: 0.1, seed: 4, shuffle: false }).x.toTypedArray();
  let squares = 0;
  for (let i = 0; i < clean.length; i++) squares += (noisy[i]! - clean[i]!) ** 2;
  assert.ok(Math.abs(Math.sqrt(squares / clean.length) - 0.1) < 0.01);
  assert.deepEqual(data.makeMoons({ nSamples: 30, noise: 0.2, seed: 9 }).x.toArray(), data.makeMoons({ nSamples: 30, noise: 0.2, seed: 9 }).x.toArray());
  assert.throws(() => data.makeMoons({ noise: Number.NaN }), /makeMoons: noise must be a finite number ≥ 0, got NaN/);
  assert.throws(() => data.makeMoons({ nSamples: 1 }), /makeMoons: nSamples must be an integer ≥ 2, got 1/);
});
