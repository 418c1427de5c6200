import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, bernoulli, full, manualSeed, multinomial, noGrad, rand, randn, tensor, zeros } from "../../src/index.js";

// Statistical bounds are 5 standard errors or more: a correct sampler fails them about once in
// 3 million runs, and every run here is seeded, so a pass is reproducible.

test("bernoulli: 0 and 1 are exact, the frequency of 1 matches p, the shape and dtype follow probs", () => {
  manualSeed(0);
  const p = tensor([0, 1, 0.3], { dtype: "float64" }).expand([20_000, 3]).contiguous();
  const draws = bernoulli(p);
  assert.equal(draws.dtype, "float64");
  assert.deepEqual(draws.shape, [20_000, 3]);
  const columns = draws.mean(0).toArray() as number[];
  assert.equal(columns[0], 0);
  assert.equal(columns[1], 1);
  // sd of the frequency: sqrt(0.3 · 0.7 / 20000) ≈ 0.0032
  assert.ok(Math.abs(columns[2]! - 0.3) < 0.017, `frequency ${columns[2]}`);
  assert.ok((draws.toTypedArray() as Float64Array).every((v) => v === 0 || v === 1));
  assert.equal(full([3], 0.5).bernoulli().requiresGrad, false);
});

test("bernoulli, multinomial, uniform_ and normal_ follow manualSeed and a generator option", () => {
  const p = tensor([0.2, 0.5, 0.9, 0.4]);
  const runAll = () => [bernoulli(p).toArray(), multinomial(p, 3).toArray(), p.multinomial(5, true).toArray(), zeros([4]).uniform_(-1, 2).toArray(), zeros([4]).normal_(1, 3).toArray()];
  manualSeed(11);
  const first = runAll();
  manualSeed(11);
  assert.deepEqual(runAll(), first);
  manualSeed(12);
  assert.notDeepEqual(runAll(), first);
  // an own generator gives its own stream and leaves the default one where it was
  manualSeed(11);
  bernoulli(p, { generator: new Generator(1) });
  zeros([4]).normal_(0, 1, { generator: new Generator(1) });
  assert.deepEqual(runAll(), first);
  assert.deepEqual(multinomial(p, 4, false, { generator: new Generator(2) }).toArray(), multinomial(p, 4, false, { generator: new Generator(2) }).toArray());
});

test("normal_ draws randn's sequence; uniform_ stays in [from, to), rand's for [0, 1)", () => {
  manualSeed(4);
  const expected = randn([5]).toArray();
  manualSeed(4);
  assert.deepEqual(zeros([5]).normal_().toArray(), expected);
  manualSeed(4);
  const uniform = rand([5], { dtype: "float64" }).toArray();
  manualSeed(4);
  assert.deepEqual(zeros([5], { dtype: "float64" }).uniform_().toArray(), uniform);
  manualSeed(0);
  const x = Array.from(zeros([20_000], { dtype: "float64" }).uniform_(-2, 6).toTypedArray());
  assert.ok(x.every((v) => v >= -2 && v < 6));
  const mean = x.reduce((s, v) => s + v, 0) / x.length;
  const variance = x.reduce((s, v) => s + (v - mean) ** 2, 0) / x.length;
  // mean 2, variance 64/12; sd(mean) = sqrt(64/12/20000) ≈ 0.016
  assert.ok(Math.abs(mean - 2) < 0.09, `mean ${mean}`);
  assert.ok(Math.abs(variance - 64 / 12) < 0.2, `variance ${variance}`);
  const y = Array.from(zeros([20_000], { dtype: "float64" }).normal_(3, 0.5).toTypedArray());
  const m = y.reduce((s, v) => s + v, 0) / y.length;
  const sd = Math.sqrt(y.reduce((s, v) => s + (v - m) ** 2, 0) / y.length);
  assert.ok(Math.abs(m - 3) < 0.02, `mean ${m}`);
  assert.ok(Math.abs(sd - 0.5) < 0.015, `sd ${sd}`);
  // float32: a draw just below `to` must not round up to it
  assert.ok(Array.from(zeros([50_000]).uniform_(0, 1e-7).toTypedArray()).every((v) => v >= 0 && v < 1e-7));
  assert.deepEqual(zeros([2]).uniform_(3, 3).toArray(), [3, 3]);
});

test("uniform_ and normal_ fill in place and return the tensor; a tensor needing grad needs noGrad", () => {
  const w = zeros([2, 3]);
  assert.equal(w.uniform_(), w);
  assert.equal(w.normal_(), w);
  const leaf = zeros([3], { requiresGrad: true });
  assert.throws(() => leaf.normal_(), /^Error: normal_: a tensor that requires grad cannot be filled in place while recording; wrap the call in noGrad\(\)$/);
  noGrad(() => leaf.uniform_(-1, 1));
  assert.ok(leaf.abs().max().item() < 1);
});

test("multinomial with replacement draws each category with frequency weight / total", () => {
  manualSeed(0);
  const draws = multinomial(tensor([1, 0, 3, 6]), 20_000, true);
  assert.deepEqual(draws.shape, [20_000]);
  assert.equal(draws.dtype, "int32"); // PyTorch: int64
  const counts = [0, 0, 0, 0];
  for (const v of draws.toTypedArray()) counts[v]!++;
  assert.equal(counts[1], 0, "a zero weight is never drawn");
  [0.1, 0, 0.3, 0.6].forEach((p, i) => {
    const sd = Math.sqrt((p * (1 - p)) / 20_000);
    assert.ok(Math.abs(counts[i]! / 20_000 - p) <= 5 * sd + 1e-12, `category ${i}: ${counts[i]}`);
  });
});

test("multinomial without replacement gives distinct indices, the heavy ones first more often", () => {
  manualSeed(1);
  const rows = multinomial(tensor([[5, 1, 1, 1, 1, 1], [0, 0, 1, 1, 0, 1]]), 3);
  assert.deepEqual(rows.shape, [2, 3]);
  const [first, second] = rows.toArray() as number[][];
  assert.equal(new Set(first).size, 3);
  assert.deepEqual([...second!].sort(), [2, 3, 5]);
  // every category of a uniform row once: a permutation
  assert.deepEqual(Array.from(multinomial(full([50], 1), 50).toTypedArray()).sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  // P(first draw = 0) = 5/10 for weights [5, 1, 1, 1, 1, 1]; sd over 4000 draws ≈ 0.008
  let zeroFirst = 0;
  const weights = tensor([5, 1, 1, 1, 1, 1]);
  for (let i = 0; i < 4000; i++) if (multinomial(weights, 2).toTypedArray()[0] === 0) zeroFirst++;
  assert.ok(Math.abs(zeroFirst / 4000 - 0.5) < 0.04, `first draw 0 in ${zeroFirst} of 4000`);
});

const errors: [string, () => unknown, RegExp][] = [
  ["bernoulli p > 1", () => bernoulli(tensor([0.5, 1.5])), /^bernoulli: probability 1.5 at position 1 is not in \[0, 1\]$/],
  ["bernoulli negative p", () => tensor([-0.1]).bernoulli(), /^bernoulli: probability -0.10000000149011612 at position 0 is not in \[0, 1\]$/],
  ["bernoulli NaN", () => bernoulli(tensor([NaN])), /^bernoulli: probability NaN at position 0 is not in \[0, 1\]$/],
  ["multinomial negative", () => multinomial(tensor([1, -1]), 1), /^multinomial: weight -1 at row 0, category 1 is not a finite non-negative number$/],
  ["multinomial NaN", () => multinomial(tensor([[1, 1], [NaN, 1]]), 1), /^multinomial: weight NaN at row 1, category 0 is not a finite non-negative number$/],
  ["multinomial infinite", () => multinomial(tensor([Infinity, 1]), 1), /^multinomial: weight Infinity at row 0, category 0/],
  ["multinomial all zero", () => multinomial(tensor([0, 0]), 1, true), /^multinomial: the weights of row 0 sum to 0; at least one must be positive$/],
  ["multinomial too many", () => multinomial(tensor([1, 1]), 3), /^multinomial: cannot draw 3 samples from 2 categories without replacement$/],
  ["multinomial too few non-zero", () => multinomial(tensor([1, 0, 1]), 3), /^multinomial: row 0 has 2 non-zero weights, too few to draw 3 samples without replacement$/],
  ["multinomial numSamples", () => multinomial(tensor([1, 1]), 0), /^multinomial: numSamples must be a positive integer, got 0$/],
  ["multinomial 3-d", () => multinomial(zeros([1, 1, 2]), 1), /^multinomial: probs must be 1-d or 2-d, got shape \[1,1,2\]$/],
  ["multinomial no categories", () => multinomial(zeros([0]), 1, true), /^multinomial: probs \[0\] has no categories$/],
  ["bernoulli of int32", () => bernoulli(tensor([0, 1], { dtype: "int32" })), /^bernoulli: expected a floating-point tensor \(float32 or float64\), got int32/],
  ["multinomial of bool", () => multinomial(tensor([true, true]), 1), /^multinomial: expected a floating-point tensor \(float32 or float64\), got bool/],
  ["uniform_ of int32", () => zeros([2], { dtype: "int32" }).uniform_(), /^uniform_: expected a floating-point tensor \(float32 or float64\), got int32/],
  ["normal_ of bool", () => tensor([true]).normal_(), /^normal_: expected a floating-point tensor \(float32 or float64\), got bool/],
  ["uniform_ range", () => zeros([2]).uniform_(1, 0), /^uniform_: expects a range from ≤ to of finite numbers, got from=1, to=0$/],
  ["normal_ std", () => zeros([2]).normal_(0, -1), /^normal_: expects a finite mean and std ≥ 0, got mean=0, std=-1$/],
];
for (const [name, run, message] of errors) {
  test(`error: ${name}`, () => {
    assert.throws(run, (error: unknown) => error instanceof Error && message.test(error.message));
  });
}
