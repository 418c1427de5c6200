import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor, zeros } from "../../src/index.js";

// Bad input gets an error naming the op and the offending shapes or values: never a NaN,
// a silently wrong shape or a crash deep inside a kernel.
const cases: [string, () => unknown, RegExp][] = [
  ["matmul shapes", () => zeros([2, 3]).matmul(zeros([4, 5])), /^matmul: cannot multiply \[2,3\] by \[4,5\]$/],
  ["matmul vectors", () => zeros([3]).matmul(zeros([4])), /^matmul: cannot multiply \[3\] by \[4\]$/],
  ["matmul batch", () => zeros([2, 2, 3]).matmul(zeros([3, 3, 4])), /^matmul: cannot multiply \[2,2,3\] by \[3,3,4\]$/],
  ["matmul 0-d", () => tensor(2).matmul(zeros([1])), /^matmul: both arguments need at least 1 dimension, got \[\] and \[1\]$/],
  ["add broadcast", () => zeros([2, 3]).add(zeros([4])), /^add: cannot broadcast \[2,3\] with \[4\]$/],
  ["mul broadcast", () => zeros([2, 3]).mul(zeros([4])), /^mul: cannot broadcast \[2,3\] with \[4\]$/],
  ["maximum broadcast", () => zeros([3, 1]).maximum(zeros([2, 2])), /^maximum: cannot broadcast \[3,1\] with \[2,2\]$/],
  ["sum dim", () => zeros([2, 3]).sum(2), /^sum: dim 2 is out of range for a tensor of 2 dimensions \(expected an integer in \[-2, 1\]\)$/],
  ["sum repeated dim", () => zeros([2, 3]).sum([1, -1]), /^sum: dim 1 appears more than once in \[1,-1\]$/],
  ["mean fractional dim", () => zeros([2, 3]).mean(0.5), /^mean: dim 0.5 is out of range/],
  ["max dim", () => zeros([2, 3]).max(-3), /^max: dim -3 is out of range/],
  ["argmax dim", () => zeros([2, 3]).argmax(2), /^argmax: dim 2 is out of range/],
  ["softmax dim", () => zeros([2, 3]).softmax(2), /^softmax: dim 2 is out of range/],
  ["logSoftmax dim", () => zeros([4]).logSoftmax(1), /^logSoftmax: dim 1 is out of range for a tensor of 1 dimension /],
  ["transpose dim", () => zeros([2, 3]).transpose(0, 2), /^transpose: dim 2 is out of range/],
  ["permute repeat", () => zeros([2, 3]).permute([0, 0]), /^permute: \[0,0\] is not a permutation of the 2 dims of \[2,3\]$/],
  ["permute length", () => zeros([2, 3]).permute([1]), /^permute: \[1\] is not a permutation/],
  ["unsqueeze dim", () => zeros([2, 3]).unsqueeze(3), /^unsqueeze: dim 3 is out of range/],
  ["squeeze dim", () => zeros([2, 3]).squeeze(-3), /^squeeze: dim -3 is out of range/],
  ["reshape size", () => zeros([2, 3]).reshape([4, 2]), /^reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,2\]$/],
  ["reshape two -1", () => zeros([2, 3]).reshape([-1, -1]), /^reshape: invalid shape \[-1,-1\]/],
  ["reshape -1", () => zeros([2, 3]).reshape([4, -1]), /^reshape: cannot reshape \[2,3\] \(6 elements\) into \[4,-1\]$/],
  ["expand size", () => zeros([3]).expand([2, 4]), /^expand: cannot expand \[3\] to \[2,4\]$/],
  ["expand -1 on a new dim", () => zeros([3]).expand([-1, 3]), /^expand: invalid shape \[-1,3\] for \[3\]/],
  ["expand negative", () => zeros([1]).expand([-2]), /^expand: invalid shape \[-2\] for \[1\]/],
  ["item of many", () => zeros([2]).item(), /^item: only one-element tensors can be converted to a number; this tensor has shape \[2\]$/],
  ["gather 1.5", () => zeros([2, 3]).gather(1, [[1.5], [0]]), /^gather: index 1.5 at position 0 is not an integer$/],
  ["gather NaN", () => zeros([2, 3]).gather(1, tensor([[0], [NaN]])), /^gather: index NaN at position 1 is not an integer$/],
  ["gather range", () => zeros([2, 3]).gather(1, [[3], [0]]), /^gather: index 3 at position 0 is out of range \[0, 3\)$/],
  ["gather negative", () => zeros([2, 3]).gather(0, [[-1, 0, 0]]), /^gather: index -1 at position 0 is out of range \[0, 2\)$/],
  ["gather index larger", () => zeros([2, 3]).gather(1, [[1], [1], [0]]), /^gather: index \[3,1\] is larger than the input \[2,3\] in dim 0 \(it may only be smaller, except in dim 1\)$/],
  ["gather index dims", () => zeros([2, 3]).gather(1, [1]), /^gather: index \[1\] must have as many dims as the input \[2,3\]$/],
  ["gather dim", () => zeros([2, 3]).gather(2, [[1], [0]]), /^gather: dim 2 is out of range/],
  ["clamp with a NaN bound", () => zeros([2]).clamp(Number.NaN, 0), /^clamp: invalid bounds min=NaN, max=0 \(a bound is NaN\)$/],
  ["clamp without bounds", () => zeros([2]).clamp(), /^clamp: at least one of min and max must be given$/],
  ["clamp with null bounds", () => zeros([2]).clamp(null, null), /^clamp: at least one of min and max must be given$/],
];

for (const [name, run, message] of cases) {
  test(`error: ${name}`, () => {
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, message);
      return true;
    });
  });
}
