// Issue 11: tensors of 2^31 elements and beyond hung for tens of seconds or exhausted memory.
// They are refused at once, naming the shape and the limit.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { arange, eye, ones, randn, zeros, tensor } from "../../src/index.js";

const TOO_LARGE = /a tensor of shape \[[\d,]+\] would have [\d,]+ elements; the limit is 2,147,483,647 \(2\^31 − 1\)/;

test("creating or computing a tensor beyond 2^31 − 1 elements is refused before allocating", () => {
  const cases: [string, () => unknown][] = [
    ["zeros([2^31])", () => zeros([2 ** 31])],
    ["randn([50000, 50000])", () => randn([50000, 50000])],
    ["ones([65536, 65536])", () => ones([65536, 65536])],
    ["an outer product of 65536 × 65536", () => ones([65536, 1]).matmul(ones([1, 65536]))],
    ["expand then contiguous", () => ones([1, 1]).expand([65536, 65536]).contiguous()],
    ["a broadcast sum", () => ones([65536, 1]).add(ones([1, 65536]))],
    ["tensor(data, { shape })", () => tensor([1], { shape: [2 ** 16, 2 ** 16] })],
    ["arange(3e9)", () => arange(3e9)],
    ["eye(65536)", () => eye(65536)],
  ];
  for (const [what, run] of cases) {
    const started = performance.now();
    assert.throws(run, TOO_LARGE, what);
    assert.ok(performance.now() - started < 1000, `${what} fails at once`);
  }
});

test("the largest sizes below the limit are not refused by the check itself", () => {
  // a view of 2^31 − 1 elements costs nothing: expand never allocates
  assert.deepEqual(ones([1]).expand([2 ** 31 - 1]).shape, [2 ** 31 - 1]);
});
