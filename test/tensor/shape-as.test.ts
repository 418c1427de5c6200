import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, tensor } from "../../src/index.js";

// movedim's values and gradients against PyTorch are in views-vs-torch.test.ts (views.json)

test("expandAs, viewAs and reshapeAs take the other tensor's shape; numel counts the elements", () => {
  const x = arange(6).reshape([2, 3]);
  assert.deepEqual(tensor([[1], [2]]).expandAs(x).toArray(), [[1, 1, 1], [2, 2, 2]]);
  assert.deepEqual(x.viewAs(arange(6)).toArray(), [0, 1, 2, 3, 4, 5]);
  assert.equal(x.viewAs(arange(6)).storage, x.storage);
  assert.deepEqual(x.t().reshapeAs(arange(6)).toArray(), [0, 3, 1, 4, 2, 5]);
  assert.equal(x.numel(), 6);
  assert.equal(tensor(3).numel(), 1);
});

test("movedim moves one or several dims and keeps the others in order; bad dims are errors naming movedim", () => {
  const x = arange(120).reshape([2, 3, 4, 5]);
  assert.deepEqual(x.movedim(1, -1).shape, [2, 4, 5, 3]);
  assert.deepEqual(x.movedim([0, 3], [2, 0]).shape, [5, 3, 2, 4]);
  assert.equal(x.movedim(1, -1).storage, x.storage);
  assert.throws(() => x.movedim([0, 1], [2]), /^Error: movedim: source \[0,1\] and destination \[2\] must name as many dims$/);
  assert.throws(() => x.movedim([0, 0], [1, 2]), /^Error: movedim: source \[0,0\] and destination \[1,2\] must not repeat a dim$/);
  assert.throws(() => x.movedim(4, 0), /^Error: movedim: dim 4 is out of range/);
});
