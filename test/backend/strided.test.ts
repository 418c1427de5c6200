import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { collapseAxes, twoLoops } from "../../src/backend/wasm/wasm-strided.js";
import { stridedCopyF32, stridedCopyF64 } from "../../src/backend/wasm/strided-copy.js";
import { arange, tensor } from "../../src/index.js";

test("collapseAxes merges axes every operand walks through as one", () => {
  assert.deepEqual(collapseAxes([2, 3, 4], [[12, 4, 1]]), { shape: [24], strides: [[1]] });
  // a bias row broadcast over a batch: two loops
  assert.deepEqual(collapseAxes([5, 3], [[3, 1], [0, 1]]), { shape: [5, 3], strides: [[3, 1], [0, 1]] });
  // a repeated scalar against a contiguous block: one loop
  assert.deepEqual(collapseAxes([2, 3, 4], [[12, 4, 1], [0, 0, 0]]), { shape: [24], strides: [[1], [0]] });
  // axes of extent 1 vanish; a transpose does not merge
  assert.deepEqual(collapseAxes([1, 3, 1, 2], [[6, 1, 6, 3]]), { shape: [3, 2], strides: [[1, 3]] });
});

test("twoLoops is collapseAxes for two operands: the same loops, or null beyond two", () => {
  const cases: [number[], number[], number[]][] = [
    [[2, 3, 4], [12, 4, 1], [12, 4, 1]],
    [[5, 3], [3, 1], [0, 1]],
    [[5, 3], [3, 1], [1, 0]],
    [[2, 3, 4], [12, 4, 1], [0, 0, 0]],
    [[1, 3, 1, 2], [6, 1, 6, 3], [6, 2, 6, 1]],
    [[1, 1], [1, 1], [0, 0]],
    [[4, 2, 3], [1, 12, 4], [0, 1, 0]],
    [[6, 5, 4], [20, 4, 1], [0, 4, 1]],
  ];
  for (const [shape, sa, sb] of cases) {
    const plan = collapseAxes(shape, [sa, sb]);
    const loops = twoLoops(shape, sa, sb);
    if (plan.shape.length > 2) {
      assert.equal(loops, null, JSON.stringify(shape));
      continue;
    }
    const inner = plan.shape.length - 1;
    const [a, b] = plan.strides as [number[], number[]];
    const expected = {
      n0: inner >= 1 ? plan.shape[0] : 1, n1: inner >= 0 ? plan.shape[inner] : 1,
      sa0: inner >= 1 ? a[0] : 0, sa1: inner >= 0 ? a[inner] : 0,
      sb0: inner >= 1 ? b[0] : 0, sb1: inner >= 0 ? b[inner] : 0,
    };
    assert.deepEqual(loops, expected, JSON.stringify([shape, sa, sb]));
  }
});

test("binary ops on views with three irregular axes (permuted, broadcast) match the element-wise definition", () => {
  const x = arange(24).reshape([2, 3, 4]).permute([2, 0, 1]); // [4, 2, 3], no two axes merge
  const y = tensor([[1], [10]]).reshape([1, 2, 1]); // broadcast over axes 0 and 2
  const got = x.add(y).mul(x);
  const xs = x.toArray() as number[][][];
  const expected = xs.map((plane) => plane.map((row, j) => row.map((v) => (v + (j === 0 ? 1 : 10)) * v)));
  assertClose(got, expected, 0, 0);
});

test("contiguous copies of permuted and expanded views", () => {
  const x = arange(6).reshape([2, 3]);
  assertClose(x.t().contiguous(), [[0, 3], [1, 4], [2, 5]], 0, 0);
  assertClose(tensor([1, 2]).expand([3, 2]).contiguous(), [[1, 2], [1, 2], [1, 2]], 0, 0);
  assertClose(arange(24).reshape([2, 3, 4]).permute([1, 2, 0]).contiguous().flatten().sum(), 276, 0, 0);
});

test("stridedCopyF32/F64 with rows contiguous on both sides (any length, offsets) match an element-by-element copy", () => {
  for (const [ArrayType, copy] of [[Float32Array, stridedCopyF32], [Float64Array, stridedCopyF64]] as const) {
    for (const row of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17]) {
      // a head's slice of a packed projection: [2, 3, 5, row] read from rows of 3·row·… with an offset
      const shape = [2, 3, 5, row];
      const xStrides = [3 * 5 * 3 * row + 1, 3 * row, 5 * 3 * row + 2, 1].map((s, i) => (i === 1 ? row : s));
      const outStrides = [3 * 5 * row, 5 * row, row, 1];
      const x = new ArrayType(4000).map((_, i) => i * 0.5 - 7);
      const out = new ArrayType(2 * 3 * 5 * row + 3).fill(-1);
      copy(x as never, 5, out as never, 2, shape, xStrides, outStrides);
      const expected = new ArrayType(out.length).fill(-1);
      for (let a = 0; a < 2; a++) for (let b = 0; b < 3; b++) for (let c = 0; c < 5; c++) for (let d = 0; d < row; d++) {
        expected[2 + a * outStrides[0]! + b * outStrides[1]! + c * outStrides[2]! + d] = x[5 + a * xStrides[0]! + b * xStrides[1]! + c * xStrides[2]! + d]!;
      }
      assert.deepEqual(Array.from(out), Array.from(expected), `${ArrayType.name} row ${row}`);
    }
  }
});

test("a column broadcast along the last axis copies out row by row for every dtype (an expanded index, a repeated bias)", () => {
  // the TS backend's copy fills such rows in one call each; 16 values or more per row take that path
  for (const width of [3, 16, 65]) {
    const ints = tensor([[3], [-7], [2147483647], [0]], { dtype: "int32" });
    assert.deepEqual(ints.expand([4, width]).contiguous().toArray(), [3, -7, 2147483647, 0].map((v) => new Array(width).fill(v)));
    const floats = tensor([[1.5], [Number.NaN], [Number.NEGATIVE_INFINITY], [-0]]);
    const got = floats.expand([4, width]).contiguous().toArray() as number[][];
    assert.deepEqual(got, [1.5, Number.NaN, Number.NEGATIVE_INFINITY, -0].map((v) => new Array(width).fill(v)), `float32, rows of ${width}`);
    assert.ok(Object.is(got[3]![width - 1], -0), "−0 stays −0");
    const flags = tensor([[true], [false]]);
    assert.deepEqual(flags.expand([2, width]).contiguous().toArray(), [new Array(width).fill(true), new Array(width).fill(false)]);
    // a broadcast row inside more axes, with an offset: [2, 3, width] from a [2, 3] slice of a larger tensor
    const table = arange(0, 24, 1, { dtype: "int32" }).reshape([4, 6]).slice(1, 2, 5).slice(0, 1, 3);
    const want = (table.toArray() as number[][]).map((row) => row.map((v) => new Array(width).fill(v)));
    assert.deepEqual(table.unsqueeze(2).expand([2, 3, width]).contiguous().toArray(), want, `int32 [2, 3, ${width}] from an offset view`);
  }
});
