import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, diag, gradcheck, meshgrid, randn, tensor } from "../../src/index.js";

// Values and gradients against PyTorch are in views-vs-torch.test.ts (views.json); here what they cannot show.

test("trace of a tall matrix: its gradient is 1 on the diagonal only (PyTorch 1.13's fills more, so no fixture)", () => {
  const x = randn([4, 2], { dtype: "float64", requiresGrad: true });
  x.trace().backward();
  assert.deepEqual(x.grad!.toArray(), [[1, 0], [0, 1], [0, 0], [0, 0]]);
  assert.equal(gradcheck((t) => t.trace(), [randn([4, 2], { dtype: "float64", requiresGrad: true })]), true);
});

test("diagonal is a view: a write through it shows in the matrix", () => {
  const x = arange(9).reshape([3, 3]);
  x.diagonal().fill_(0);
  assert.deepEqual(x.toArray(), [[0, 1, 2], [3, 0, 5], [6, 7, 0]]);
  assert.deepEqual(diag(tensor([1, 2]), -1).shape, [3, 3]);
});

test("meshgrid's grids are expanded views of their inputs", () => {
  const [gx, gy] = meshgrid([tensor([1, 2, 3]), tensor([4, 5])]);
  assert.deepEqual(gx!.shape, [3, 2]);
  assert.deepEqual(gy!.toArray(), [[4, 5], [4, 5], [4, 5]]);
  assert.deepEqual(gx!.strides, [1, 0]);
});

test("diagonal, diag, trace and meshgrid: bad arguments are errors naming the op and the shape", () => {
  const cases: [() => unknown, RegExp][] = [
    [() => tensor([1, 2]).diagonal(), /^Error: diagonal: needs at least 2 dims, got \[2\]$/],
    [() => arange(4).reshape([2, 2]).diagonal(0, 1, -1), /^Error: diagonal: dim1 and dim2 must differ, both are 1 of \[2,2\]$/],
    [() => arange(4).reshape([2, 2]).diagonal(0.5), /^Error: diagonal: offset must be an integer, got 0.5$/],
    [() => diag(arange(8).reshape([2, 2, 2])), /^Error: diag: expects a 1-d or 2-d tensor, got \[2,2,2\]$/],
    [() => tensor([1, 2]).trace(), /^Error: trace: expects a matrix, got \[2\]$/],
    [() => meshgrid([arange(4).reshape([2, 2])]), /^Error: meshgrid: expects 0-d or 1-d tensors, got \[2,2\] at position 0$/],
    [() => meshgrid([tensor([1])], { indexing: "yx" as never }), /^Error: meshgrid: indexing must be "ij" or "xy", got "yx"$/],
  ];
  for (const [run, message] of cases) assert.throws(run, message);
});
