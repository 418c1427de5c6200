import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { arange, eye, full, ones, onesLike, tensor, zeros, zerosLike, type NestedArray } from "../../src/index.js";

function assertThrowsMessage(run: () => unknown, message: RegExp): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof Error);
    assert.match(error.message, message);
    return true;
  });
}

test("tensor from a number is 0-d; toArray gives the number back, item too", () => {
  const x = tensor(3.5);
  assert.deepEqual(x.shape, []);
  assert.equal(x.ndim, 0);
  assert.equal(x.size, 1);
  assert.equal(x.toArray(), 3.5);
  assert.equal(x.item(), 3.5);
  assert.equal(tensor(2, { dtype: "float64" }).toArray(), 2);
});

test("tensor from nested arrays keeps shape and row-major order", () => {
  const data = [[[1, 2], [3, 4], [5, 6]], [[7, 8], [9, 10], [11, 12]]];
  const x = tensor(data);
  assert.deepEqual(x.shape, [2, 3, 2]);
  assert.equal(x.ndim, 3);
  assert.equal(x.size, 12);
  assert.deepEqual(x.toArray(), data);
  assert.deepEqual([...x.toTypedArray()], data.flat(2));
  assert.deepEqual(tensor([[]]).shape, [1, 0]);
  assert.deepEqual(tensor([]).shape, [0]);
  assert.deepEqual(tensor([1, 2, 3, 4, 5, 6], { shape: [3, 2] }).toArray(), [[1, 2], [3, 4], [5, 6]]);
});

test("tensor from typed arrays, with shape; the dtype follows the array unless given", () => {
  const f32 = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [2, 3] });
  assert.equal(f32.dtype, "float32");
  assert.deepEqual(f32.toArray(), [[1, 2, 3], [4, 5, 6]]);
  const f64 = tensor(new Float64Array([0.1, 0.2]));
  assert.equal(f64.dtype, "float64");
  assert.deepEqual(f64.shape, [2]);
  assert.equal(f64.toTypedArray()[0], 0.1);
  assert.equal(tensor(new Float64Array([0.1]), { dtype: "float32" }).toTypedArray()[0], Math.fround(0.1));
  const source = new Float32Array([1, 2]);
  const copy = tensor(source);
  source[0] = 100;
  assert.deepEqual(copy.toArray(), [1, 2], "the tensor owns a copy of the data");
});

test("bad data is rejected with the position of the problem", () => {
  assertThrowsMessage(() => tensor([[1, 2], [3]]), /^tensor: ragged nested array at \[1\]: expected 2 elements, got 1$/);
  assertThrowsMessage(() => tensor([[1, 2], 3] as NestedArray), /^tensor: ragged nested array at \[1\]/);
  assertThrowsMessage(() => tensor([1, [2]] as NestedArray), /^tensor: expected a number at \[1\], got an array$/);
  assertThrowsMessage(() => tensor([[1, 2], [3, "x"]] as unknown as NestedArray), /^tensor: expected a number at \[1\]\[1\], got "x"$/);
  assertThrowsMessage(() => tensor(new Float32Array(5), { shape: [2, 2] }), /^tensor: 5 values cannot fill shape \[2,2\]$/);
  assertThrowsMessage(() => tensor([1, 2, 3], { shape: [2, 2] }), /^tensor: 3 values cannot fill shape \[2,2\]$/);
  assertThrowsMessage(() => tensor([1, 2, 3, 4], { shape: [-2, -2] }), /^tensor: invalid shape \[-2,-2\] \(expected an array of non-negative integers\)$/);
  assertThrowsMessage(() => tensor([1, 2], { shape: [0.5, 4] }), /^tensor: invalid shape \[0.5,4\]/);
  assertThrowsMessage(() => tensor(new Float64Array(4), { shape: [-1, -4] }), /^tensor: invalid shape \[-1,-4\]/);
  assertThrowsMessage(() => tensor("12" as unknown as NestedArray), /^tensor: unsupported data 12/);
  assertThrowsMessage(() => tensor(new Uint16Array(2) as unknown as Float32Array), /^tensor: unsupported data/);
});

test("requiresGrad on creation makes a leaf that collects gradients", () => {
  for (const x of [tensor([1, 2], { requiresGrad: true }), zeros([2], { requiresGrad: true }), ones([2], { requiresGrad: true }), full([2], 3, { requiresGrad: true })]) {
    assert.equal(x.requiresGrad, true);
    assert.equal(x.isLeaf, true);
    assert.equal(x.grad, null);
    x.mul(2).sum().backward();
    assertClose(x.grad!, [2, 2]);
  }
  assert.equal(tensor([1]).requiresGrad, false);
});

test("zeros, ones, full, zerosLike, onesLike", () => {
  assert.deepEqual(zeros([2, 3]).toArray(), [[0, 0, 0], [0, 0, 0]]);
  assert.deepEqual(ones([2]).toArray(), [1, 1]);
  assert.deepEqual(full([2, 1], -2.5, { dtype: "float64" }).toArray(), [[-2.5], [-2.5]]);
  assert.equal(full([1], 0.1, { dtype: "float64" }).item(), 0.1);
  assert.equal(zeros([]).toArray(), 0);
  assert.deepEqual(zeros([0, 3]).shape, [0, 3]);
  const like = zerosLike(ones([2, 2], { dtype: "float64" }));
  assert.deepEqual([like.shape, like.dtype, like.toArray()], [[2, 2], "float64", [[0, 0], [0, 0]]]);
  assert.deepEqual(onesLike(tensor([[5, 6, 7]])).toArray(), [[1, 1, 1]]);
  assertThrowsMessage(() => zeros([2, -1]), /^full: invalid shape \[2,-1\]/);
  assertThrowsMessage(() => ones([1.5]), /^full: invalid shape \[1.5\]/);
});

test("arange(start, end?, step?) follows PyTorch: [start, end) by step, ceil((end-start)/step) values", () => {
  assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.deepEqual(arange(2, 5).toArray(), [2, 3, 4]);
  assert.deepEqual(arange(1, 2, 0.25).toArray(), [1, 1.25, 1.5, 1.75]);
  assert.deepEqual(arange(5, 0, -2).toArray(), [5, 3, 1]);
  assert.deepEqual(arange(0, 1, 0.3, { dtype: "float64" }).toArray(), [0, 0.3, 0.6, 0.8999999999999999]);
  assert.deepEqual(arange(0).shape, [0]);
  assert.deepEqual(arange(2, 2).shape, [0]);
  assertThrowsMessage(() => arange(3, 1), /^arange: step=1 never reaches end=1 from start=3$/);
  assertThrowsMessage(() => arange(0, 10, -1), /^arange: step=-1 never reaches end=10 from start=0$/);
  assertThrowsMessage(() => arange(0, 1, 0), /^arange: invalid range start=0, end=1, step=0$/);
  assertThrowsMessage(() => arange(0, Infinity), /^arange: invalid range/);
});

test("eye(n) is the identity", () => {
  assert.deepEqual(eye(3).toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1]]);
  assert.equal(eye(2, { dtype: "float64" }).dtype, "float64");
  assert.deepEqual(eye(0).shape, [0, 0]);
  const m = tensor([[1, 2], [3, 4]]);
  assert.deepEqual(eye(2).matmul(m).toArray(), m.toArray());
  assertThrowsMessage(() => eye(-1), /^eye: n must be a non-negative integer, got -1$/);
  assertThrowsMessage(() => eye(2.5), /^eye: n must be a non-negative integer, got 2.5$/);
});
