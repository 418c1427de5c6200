import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { cat, ones, pad, stack, tensor, where, type DType, type NestedArray, type Tensor } from "../../src/index.js";

// PyTorch 1.13 keeps the input's dtype through tril/triu and every rearranging, joining, selecting
// and gathering op below, bool and int32 included (checked with /usr/bin/python3: e.g.
// torch.ones(3, 3, dtype=torch.bool).tril().dtype is torch.bool).

const DTYPES: readonly DType[] = ["float32", "int32", "bool"];

/** Values that survive every dtype: 0/1 for bool, small integers otherwise. */
function sample(shape: readonly number[], dtype: DType): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (dtype === "bool" ? (i * 7 + 3) % 3 === 0 : ((i * 5 + 2) % 9) - 3));
  return tensor(values as number[] | boolean[], { dtype }).reshape(shape);
}

/** The triangle computed element by element from the definition (column − row against diagonal). */
function expectedTriangle(x: Tensor, diagonal: number, lower: boolean): NestedArray {
  const keep = (i: number, j: number): boolean => (lower ? j - i <= diagonal : j - i >= diagonal);
  const zero = x.dtype === "bool" ? false : 0;
  const visit = (node: NestedArray, depth: number): NestedArray => {
    if (!Array.isArray(node)) return node;
    if (depth === x.ndim - 2) return node.map((r, i) => (r as NestedArray[]).map((v, j) => (keep(i, j) ? v : zero)) as NestedArray);
    return node.map((child) => visit(child, depth + 1));
  };
  return visit(x.toArray(), 0);
}

for (const dtype of DTYPES) {
  test(`tril and triu keep ${dtype} and zero the right elements, at diagonals −2…2, on contiguous and transposed inputs`, () => {
    const inputs: [string, Tensor][] = [
      ["[3, 4]", sample([3, 4], dtype)],
      ["[4, 3] transposed", sample([4, 3], dtype).t()],
      ["[2, 3, 4] permuted", sample([4, 2, 3], dtype).permute([1, 2, 0])],
    ];
    for (const [name, x] of inputs) {
      for (let diagonal = -2; diagonal <= 2; diagonal++) {
        for (const lower of [true, false]) {
          const op = lower ? "tril" : "triu";
          const y = lower ? x.tril(diagonal) : x.triu(diagonal);
          assert.equal(y.dtype, dtype, `${op}(${diagonal}) of ${dtype} ${name}`);
          assert.deepEqual(y.shape, x.shape, `${op}(${diagonal}) of ${name} shape`);
          assert.deepEqual(y.toArray(), expectedTriangle(x, diagonal, lower), `${op}(${diagonal}) of ${dtype} ${name}`);
        }
      }
    }
  });
}

test("ones([3, 3], { dtype: 'bool' }).tril() is a bool mask", () => {
  const mask = ones([3, 3], { dtype: "bool" }).tril();
  assert.equal(mask.dtype, "bool");
  assert.deepEqual(mask.toArray(), [[true, false, false], [true, true, false], [true, true, true]]);
});

/** Ops that rearrange, join, select or gather: the result keeps the input's dtype. */
const KEEPING: [string, (x: Tensor) => Tensor][] = [
  ["flip", (x) => x.flip([0, 1])],
  ["roll", (x) => x.roll([1, -1], [0, 1])],
  ["repeat", (x) => x.repeat([2, 1, 2])],
  ["tile", (x) => x.tile([2])],
  ["pad constant", (x) => pad(x, [1, 2, 0, 1], "constant", 1)],
  ["cat", (x) => cat([x, x.flip(0)], 1)],
  ["stack", (x) => stack([x, x.t().t()], 0)],
  ["where", (x) => where(x.eq(0), x.flip(1), x)],
  ["maskedFill", (x) => x.maskedFill(x.eq(0), 1)],
  ["narrow", (x) => x.narrow(1, 1, 2)],
  ["select", (x) => x.select(0, 2)],
  ["slice", (x) => x.slice(1, 0, null, 2)],
  ["gather", (x) => x.gather(1, tensor([[0, 3], [2, 2], [1, 0]], { dtype: "int32" }))],
  ["indexSelect", (x) => x.indexSelect(1, tensor([3, 0, 3], { dtype: "int32" }))],
  ["clone of transposed", (x) => x.t().clone()],
];

for (const dtype of ["int32", "bool"] as const) {
  test(`rearranging, joining, selecting and gathering ops keep ${dtype}, with the float32 op's values`, () => {
    const x = sample([3, 4], dtype);
    for (const [name, op] of KEEPING) {
      const y = op(x);
      assert.equal(y.dtype, dtype, `${name} of ${dtype}`);
      // the same op on the float32 copy, brought back to the dtype, gives the same values
      assert.deepEqual(y.toArray(), op(x.float()).to(dtype).toArray(), `${name} of ${dtype} values`);
    }
  });
}
