import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data } from "../../src/index.js";

test("makeXor: label 1 exactly where the coordinates' signs differ; both classes about half", () => {
  const { x, y } = data.makeXor({ nSamples: 1000, seed: 2, dtype: "float64" });
  const ys = y.toArray() as number[];
  (x.toArray() as number[][]).forEach(([a, b], i) => {
    assert.ok(Math.abs(a!) <= 1 && Math.abs(b!) <= 1);
    assert.equal(ys[i], a! * b! < 0 ? 1 : 0, `point ${i} (${a}, ${b})`);
  });
  const ones = ys.filter((v) => v === 1).length;
  assert.ok(ones > 440 && ones < 560, `${ones} of 1000 in class 1`);
  assert.notDeepEqual(data.makeXor({ nSamples: 10, seed: 2 }).x.toArray(), data.makeXor({ nSamples: 10, seed: 3 }).x.toArray());
});
