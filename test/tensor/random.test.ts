import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, manualSeed, rand, randn } from "../../src/index.js";

test("manualSeed makes rand and randn reproducible; different seeds differ", () => {
  manualSeed(42);
  const a = [rand([5]).toArray(), randn([2, 3]).toArray()];
  manualSeed(42);
  const b = [rand([5]).toArray(), randn([2, 3]).toArray()];
  assert.deepEqual(a, b);
  manualSeed(43);
  assert.notDeepEqual(rand([5]).toArray(), a[0]);
  assert.throws(() => manualSeed(NaN), /manualSeed: seed must be a finite number, got NaN/);
});

test("consecutive draws differ; a generator option leaves the default stream alone", () => {
  manualSeed(1);
  const first = rand([4]).toArray();
  assert.notDeepEqual(rand([4]).toArray(), first);
  manualSeed(1);
  rand([3], { generator: new Generator(9) });
  assert.deepEqual(rand([4]).toArray(), first);
  assert.deepEqual(randn([3], { generator: new Generator(9) }).toArray(), randn([3], { generator: new Generator(9) }).toArray());
});

test("rand is uniform on [0, 1): range, mean 1/2, variance 1/12", () => {
  manualSeed(0);
  const x = Array.from(rand([20_000], { dtype: "float64" }).toTypedArray());
  assert.ok(x.every((v) => v >= 0 && v < 1));
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  // 5 standard errors: sd(mean) = sqrt(1/12/n) ≈ 0.002
  assert.ok(Math.abs(mean - 0.5) < 0.01, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1 / 12) < 0.005, `variance ${variance}`);
});

test("randn is standard normal: mean 0, variance 1, ~68% within one sd", () => {
  manualSeed(0);
  const x = Array.from(randn([20_000], { dtype: "float64" }).toTypedArray());
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  const within = x.filter((v) => Math.abs(v) < 1).length / x.length;
  assert.ok(Math.abs(mean) < 0.04, `mean ${mean}`);
  assert.ok(Math.abs(variance - 1) < 0.05, `variance ${variance}`);
  assert.ok(Math.abs(within - 0.6827) < 0.02, `within one sd ${within}`);
  assert.equal(randn([2, 3]).dtype, "float32");
  assert.deepEqual(randn([2, 3]).shape, [2, 3]);
});

test("Generator.permutation is a reproducible shuffle of 0…n−1", () => {
  const p = new Generator(5).permutation(50);
  assert.deepEqual([...p].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(new Generator(5).permutation(50), p);
  assert.notDeepEqual(p, Array.from({ length: 50 }, (_, i) => i));
  const g = new Generator(3);
  for (let i = 0; i < 1000; i++) {
    const k = g.integer(7);
    assert.ok(Number.isInteger(k) && k >= 0 && k < 7);
  }
});

test("rand stays below 1 in float32 even for the largest draw (which rounds up to 1.0)", () => {
  class Extreme extends Generator {
    override uniform(): number {
      return 1 - 2 ** -32; // the largest value nextUint32() / 2^32 can give
    }
  }
  assert.equal(Math.fround(1 - 2 ** -32), 1, "float32 rounding alone would give 1");
  const x = rand([3], { generator: new Extreme() }).toTypedArray();
  assert.ok(x.every((v) => v < 1), `got ${[...x]}`);
  assert.ok(rand([1], { generator: new Extreme(), dtype: "float64" }).item() < 1);
});
