import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { accuracy, tensor } from "../../src/index.js";

test("accuracy: arg-max of each row for [N, C]; threshold for one output per sample", () => {
  assert.equal(accuracy(tensor([[0.1, 0.7, 0.2], [3, 1, 2], [0, 0, 1], [5, 6, 7]]), tensor([1, 0, 0, 2])), 0.75);
  assert.equal(accuracy(tensor([[0.1, 0.7]]), [1]), 1);
  assert.equal(accuracy(tensor([0.6, 0.4, 0.51]), tensor([1, 0, 0])), 2 / 3);
  assert.equal(accuracy(tensor([[0.6], [0.4]]), tensor([[0], [0]])), 0.5);
  assert.equal(accuracy(tensor([-0.1, 0.2]), tensor([0, 1]), { threshold: 0 }), 1);
});

test("accuracy: shapes that do not fit are errors", () => {
  assert.throws(() => accuracy(tensor([[1, 2]]), tensor([0, 1])), /accuracy: expected output \[N, C\] or \[N\] \/ \[N, 1\] with N ≥ 1 and one target per sample; got output \[1,2\] and target \[2\]/);
  assert.throws(() => accuracy(tensor([[[1]]]), tensor([0])), /accuracy: expected output/);
});
