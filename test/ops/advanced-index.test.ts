import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, compile, tensor, type Tensor } from "../../src/index.js";

// Values and gradients against PyTorch are in views-vs-torch.test.ts (the indexAdvanced cases of
// test/fixtures/views.json); here: what those cannot show.

test("advanced indexing copies: writing into the result leaves the input alone, unlike a basic view", () => {
  const x = arange(6).reshape([2, 3]);
  x.index(":", [0, 2]).fill_(-1);
  assert.deepEqual(x.toArray(), [[0, 1, 2], [3, 4, 5]]);
  x.index(":", "0:3:2").fill_(-1);
  assert.deepEqual(x.toArray(), [[-1, 1, -1], [-1, 4, -1]]);
});

test("index(rows) with an int32 tensor picks what indexSelect picks; probs[range(n), y] picks one entry per row", () => {
  const x = arange(12).reshape([4, 3]);
  const rows = tensor([3, 1, 3], { dtype: "int32" });
  assert.deepEqual(x.index(rows).toArray(), x.indexSelect(0, rows).toArray());
  assert.deepEqual(x.index(arange(4).to("int32"), tensor([2, 0, 1, 2], { dtype: "int32" })).toArray(), [2, 3, 7, 11]);
});

test("a compiled function takes index tensors as inputs: each replay picks by its own values, negative ones included", () => {
  const x = arange(6).reshape([2, 3]);
  const pick = compile((t: Tensor, i: Tensor) => t.index(":", i));
  const expected: Record<string, number[][]> = { "0,1": [[0, 1], [3, 4]], "2,-1": [[2, 2], [5, 5]], "-3,2": [[0, 2], [3, 5]] };
  for (const [key, want] of Object.entries(expected)) assert.deepEqual(pick(x, tensor(key.split(",").map(Number), { dtype: "int32" })).toArray(), want, key);
  assert.equal(pick.stats.replays, 1);
});

test("a bool mask tensor inside a compiled function is an error at trace time (its count is data-dependent)", () => {
  const x = arange(6).reshape([2, 3]);
  const masked = compile((t: Tensor) => t.index(t.gt(2)));
  assert.throws(() => masked(x), /^Error: compile: a host read reads tensor data while the compiled function is traced/);
});

test("nonzero: row-major coordinates as int32 [count, ndim]; NaN counts as nonzero; a 0-d tensor gives [count, 0]", () => {
  const positions = tensor([[0, 2], [Number.NaN, 0]]).nonzero();
  assert.equal(positions.dtype, "int32");
  assert.deepEqual(positions.toArray(), [[0, 1], [1, 0]]);
  assert.deepEqual(tensor(3).nonzero().shape, [1, 0]);
  assert.deepEqual(tensor(0).nonzero().shape, [0, 0]);
  assert.deepEqual(tensor([false, false]).nonzero().shape, [0, 1]);
});

test("bad advanced indices get errors naming index, the position and the offending values or shapes", () => {
  const x = arange(6).reshape([2, 3]);
  const cube = arange(210).reshape([5, 6, 7]);
  const cases: [() => unknown, RegExp][] = [
    [() => x.index(tensor([0.5])), /^Error: index: the tensor at position 0 is float32; tensors used as indices must be int32 or bool/],
    [() => x.index([1.5]), /^Error: index: the array at position 0 holds 1\.5 at 0, not an integer$/],
    [() => x.index(":", [7]), /^Error: index: index 7 is out of range for dim 1 of size 3 in \[2,3\] \(expected an integer in \[-3, 2\]\)$/],
    [() => x.index([-3]), /^Error: index: index -3 is out of range for dim 0 of size 2/],
    [() => cube.index(0, ":", [9]), /^Error: index: index 9 is out of range for dim 2 of size 7 in \[5,6,7\]/],
    [() => x.index([true, false, true]), /^Error: index: the bool mask \[3\] at position 0 does not match the indexed tensor \[2,3\] at its dims 0–0 \[2\]$/],
    [() => x.index(tensor(true)), /^Error: index: the 0-d bool tensor at position 0 is not supported/],
    [() => x.index([0], [0], [0]), /^Error: index: too many indices for a tensor of 2 dimensions \[2,3\]: 3 given$/],
    [() => x.index([0, 1], [0, 1, 2]), /^Error: index: cannot broadcast \[2\] with \[3\]$/],
    [() => x.index([[true], [true, false]]), /^Error: index: the bool array at position 0 is ragged/],
    // as many booleans as a [3, 2] mask holds, but ragged
    [() => cube.index([[true, false], [true], [false, true, true]]), /^Error: index: the bool array at position 0 is ragged or mixed \(ragged nested array at \[1\]/],
    [() => x.index([[0], [0, 1]]), /^Error: index: the array at position 0 is ragged or mixed/],
    [() => x.index([3e9]), /^Error: index: the array at position 0 holds 3000000000 at 0, beyond any dim's size$/],
  ];
  for (const [run, message] of cases) assert.throws(run, message);
});
