import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { activeBackend } from "../../src/backend/registry.js";

// The data-movement kernels behind views, cat, pad and where, on the backend under test,
// against their definitions written out by hand.
const backend = activeBackend();
const read = (ref: Parameters<typeof backend.read>[0]): number[] => Array.from(backend.read(ref));

test("copyInto writes a strided view into a strided region, negative strides included", () => {
  const x = backend.fromValues([1, 2, 3, 4, 5, 6], "float32"); // [[1, 2, 3], [4, 5, 6]]
  const out = backend.fromValues(new Array<number>(12).fill(0), "float32"); // [3, 4]
  // the transpose of x, read backwards along its rows, into out[0:3, 1:3]
  backend.copyInto({ ref: x, offset: 2, strides: [-1, 3] }, [3, 2], { ref: out, offset: 1, strides: [4, 1] });
  assert.deepEqual(read(out), [0, 3, 6, 0, 0, 2, 5, 0, 0, 1, 4, 0]);
  // a scalar through zero strides fills a column; a 0-d copy writes one element
  backend.copyInto({ ref: backend.fromValues([9], "float32"), offset: 0, strides: [0] }, [3], { ref: out, offset: 3, strides: [4] });
  backend.copyInto({ ref: x, offset: 5, strides: [] }, [], { ref: out, offset: 0, strides: [] });
  assert.deepEqual(read(out), [6, 3, 6, 9, 0, 2, 5, 9, 0, 1, 4, 9]);
  // nothing to copy: nothing written
  backend.copyInto({ ref: x, offset: 0, strides: [1, 1] }, [0, 3], { ref: out, offset: 0, strides: [3, 1] });
  assert.equal(read(out)[0], 6);
});

test("copyInto of dense runs (a part placed into a concatenation) writes only its region, at both offsets, in both float dtypes", () => {
  for (const dtype of ["float32", "float64"] as const) {
    const values = Array.from({ length: 300 }, (_, i) => i * 0.5 - 7);
    const x = backend.fromValues(values, dtype);
    const out = backend.fromValues(new Array<number>(500).fill(-1), dtype);
    // x[20 : 20 + 2·120] as [2, 120], a dense run once merged, into out[100 : 340]
    backend.copyInto({ ref: x, offset: 20, strides: [120, 1] }, [2, 120], { ref: out, offset: 100, strides: [120, 1] });
    const got = read(out);
    for (let i = 0; i < 500; i++) assert.equal(got[i], i >= 100 && i < 340 ? values[i - 80] : -1, `${dtype} element ${i}`);
  }
});

test("where selects through strides, numbers as scalars, any nonzero (NaN too) as true", () => {
  const cond = backend.fromValues([1, 0, Number.NaN], "float64");
  const a = backend.fromValues([10, 20], "float64"); // a column [2, 1] broadcast over 3 columns
  const out = backend.allocate(6, "float64");
  backend.where({ ref: cond, offset: 0, strides: [0, 1] }, { ref: a, offset: 0, strides: [1, 0] }, -1, [2, 3], out);
  assert.deepEqual(read(out), [10, -1, 10, 20, -1, 20]);
  backend.where({ ref: cond, offset: 0, strides: [1] }, 5, { ref: a, offset: 1, strides: [0] }, [3], out);
  assert.deepEqual(read(out).slice(0, 3), [5, 20, 5]);
});

test("scatter writes src at the index along the middle axis, the last of repeated positions winning; scatterAdd accumulates", () => {
  // out [2, 3, 1], src and index [2, 2, 1]
  const out = backend.fromValues([0, 0, 0, 0, 0, 0], "float32");
  const src = backend.fromValues([1, 2, 3, 4], "float32");
  const index = backend.fromValues([2, 0, 1, 1], "float32");
  backend.scatter(src, index, 2, 3, 2, 1, out);
  assert.deepEqual(read(out), [2, 0, 1, 0, 4, 0]);
  backend.scatterAdd(src, index, 2, 3, 2, 1, out);
  assert.deepEqual(read(out), [4, 0, 2, 0, 11, 0]);
});
