import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { arange, noGrad, tensor, type IndexItem, type NestedArray } from "../../src/index.js";

interface IndexPutCase {
  shape: number[];
  items: unknown[];
  values: number | NestedArray;
  accumulate: boolean;
  extras: NestedArray[];
  masks: number[];
  out: number[];
}

// made by scripts/fixtures/make_index_put_fixtures.py (PyTorch's x[items] = values, index_put_)
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/index-put.json", import.meta.url), "utf8")) as { cases: IndexPutCase[] }).cases;

for (const dtype of ["float64", "float32"] as const) {
  test(`indexPut_ writes (and accumulates) where PyTorch's x[items] = values and index_put_ do, ${dtype}`, () => {
    for (const c of CASES) {
      const x = arange(c.out.length, undefined, 1, { dtype }).reshape(c.shape);
      const items = c.items.map((item) => {
        if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
        const k = (item as { extra: number }).extra;
        return tensor(c.extras[k]!, { dtype: c.masks.includes(k) ? "bool" : "int32" });
      }) as IndexItem[];
      const values = typeof c.values === "number" ? c.values : tensor(c.values, { dtype });
      assert.equal(x.indexPut_(items, values, { accumulate: c.accumulate }), x, "returns its target");
      assert.deepEqual(x.reshape([-1]).toArray(), c.out, `${JSON.stringify(c.items)} = ${JSON.stringify(c.values)}${c.accumulate ? " (accumulate)" : ""}`);
    }
  });
}

test("indexPut_ writes through a view into the tensor it views, and bumps its version", () => {
  const x = arange(12).reshape([3, 4]);
  const column = x.index(":", 1); // a strided view
  const before = x.storage.version;
  column.indexPut_([[0, 2]], -5);
  assert.deepEqual(x.toArray(), [[0, -5, 2, 3], [4, 5, 6, 7], [8, -5, 10, 11]]);
  assert.ok(x.storage.version > before);
  // transposed: offsets follow the strides
  x.t().indexPut_([[3], [0, 2]], tensor([100, 200], { dtype: "int32" }));
  assert.deepEqual(x.toArray(), [[0, -5, 2, 100], [4, 5, 6, 7], [8, -5, 10, 200]]);
});

test("indexPut_: bad values, targets and indices are errors naming indexPut_", () => {
  const x = arange(6).reshape([2, 3]).to("float32");
  assert.throws(() => x.indexPut_([[0, 1]], tensor([1, 2])), /^Error: indexPut_: values \[2\] do not broadcast to the selection \[2,3\] of \[2,3\]$/);
  // PyTorch's positional accumulate=True, and a misspelt value, are errors, not a silent overwrite
  assert.throws(() => x.indexPut_([[0, 0]], 1, true as never), /^Error: indexPut_: the third argument is an options object such as \{ accumulate: true \}, got true$/);
  assert.throws(() => x.indexPut_([[0, 0]], 1, { accumulate: "yes" } as never), /^Error: indexPut_: accumulate must be true or false, got yes$/);
  assert.throws(() => x.indexPut_([":", [5]], 1), /^Error: indexPut_: index 5 is out of range for dim 1 of size 3 in \[2,3\]/);
  assert.throws(() => x.indexPut_([tensor([0.5])], 1), /^Error: indexPut_: the tensor at position 0 is float32/);
  const w = tensor([1, 2, 3], { requiresGrad: true });
  assert.throws(() => w.indexPut_([[0]], 5), /^Error: indexPut_: a tensor that requires grad cannot be modified in place while recording/);
  noGrad(() => w.indexPut_([[0]], 5));
  assert.deepEqual(w.toArray(), [5, 2, 3]);
  assert.throws(() => tensor([1]).expand([3]).indexPut_([[0]], 2), /^Error: indexPut_: the target \[3\] is an expanded view/);
});
