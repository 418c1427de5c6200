import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

test("makeSpiral without noise: arm k at radius r has angle 4k + 4r", () => {
  const { x, y } = data.makeSpiral({ nSamples: 300, nClasses: 3, noise: 0, seed: 0, dtype: "float64" });
  assert.deepEqual(x.shape, [300, 2]);
  const ys = y.toArray() as number[];
  for (let k = 0; k < 3; k++) assert.equal(ys.filter((v) => v === k).length, 100);
  (x.toArray() as number[][]).forEach(([a, b], i) => {
    const radius = Math.hypot(a!, b!);
    if (radius < 1e-9) return;
    const angle = 4 * ys[i]! + 4 * radius;
    assert.ok(Math.abs(a! - radius * Math.sin(angle)) < 1e-9 && Math.abs(b! - radius * Math.cos(angle)) < 1e-9, `point ${i}`);
  });
});

test("makeSpiral: nClasses arms, noise only turns points (radius kept), bad counts are errors", () => {
  const { x, y } = data.makeSpiral({ nSamples: 50, nClasses: 5, seed: 1 });
  assert.deepEqual([...new Set(y.toArray() as number[])].sort(), [0, 1, 2, 3, 4]);
  const clean = data.makeSpiral({ nSamples: 50, nClasses: 5, noise: 0, seed: 1, shuffle: false }).x.toArray() as number[][];
  const noisy = data.makeSpiral({ nSamples: 50, nClasses: 5, seed: 1, shuffle: false }).x.toArray() as number[][];
  clean.forEach((p, i) => assert.ok(Math.abs(Math.hypot(p[0]!, p[1]!) - Math.hypot(noisy[i]![0]!, noisy[i]![1]!)) < 1e-6));
  assert.notDeepEqual(clean, noisy);
  assert.equal(x.shape[0], 50);
  assert.throws(() => data.makeSpiral({ nSamples: 2, nClasses: 3 }), /makeSpiral: nSamples must be an integer ≥ 3, got 2/);
  assert.throws(() => data.makeSpiral({ nClasses: 0 }), /makeSpiral: nClasses must be an integer ≥ 1, got 0/);
});
