import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

test("makeCircles without noise: class 0 on radius 1, class 1 on radius factor, evenly spaced", () => {
  const { x, y } = data.makeCircles({ nSamples: 40, factor: 0.3, seed: 0, dtype: "float64" });
  const ys = y.toArray() as number[];
  const radii = (x.toArray() as number[][]).map(([a, b]) => Math.hypot(a!, b!));
  radii.forEach((r, i) => assert.ok(Math.abs(r - (ys[i] === 0 ? 1 : 0.3)) < 1e-12, `point ${i} radius ${r}`));
  assert.equal(ys.filter((v) => v === 1).length, 20);
  const unshuffled = data.makeCircles({ nSamples: 8, shuffle: false, dtype: "float64" }).x.toArray() as number[][];
  // endpoint excluded: four points at 0, 90, 180, 270 degrees
  const expected = [[1, 0], [0, 1], [-1, 0], [0, -1]];
  expected.forEach(([a, b], i) => assert.ok(Math.abs(unshuffled[i]![0]! - a!) < 1e-12 && Math.abs(unshuffled[i]![1]! - b!) < 1e-12));
});

test("makeCircles: factor outside (0, 1) is an error", () => {
  assert.throws(() => data.makeCircles({ factor: 1 }), /makeCircles: factor must be in \(0, 1\), got 1/);
  assert.throws(() => data.makeCircles({ factor: 0 }), /makeCircles: factor must be in \(0, 1\), got 0/);
});
