import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, DataRef, StridedRef } from "../../src/backend/backend.js";
import { activeBackend } from "../../src/backend/registry.js";
import { contiguousStrides } from "../../src/backend/strides.js";
import { elementwiseChunk } from "../../src/backend/wasm/wasm-chunks.js";

// binary and binaryScalar compute out[shape] from views: the wasm backend copies in only the
// elements a view reaches (a slice of a long buffer), makes a view that skips most of its span
// dense first (a column of a wide matrix), and copies back the shape's elements. Checked
// against values computed here on small calls, on calls large enough to run in pieces
// (wasm-chunks.ts), on a transposed view of a slice and on columns, on the backend under test.

const backend = activeBackend() as Backend;

/** A float32 buffer of `size` values, i·0.25 − 3 + seed. */
function buffer(size: number, seed: number): DataRef {
  return backend.fromValues(Array.from({ length: size }, (_, i) => i * 0.25 - 3 + seed), "float32");
}
const read = (ref: DataRef): Float32Array => backend.read(ref) as Float32Array;

for (const size of [100, elementwiseChunk.minimum + 3 * 64 + 5]) {
  test(`binary and binaryScalar over ${size} elements, dense and repeated operands`, () => {
    const a = buffer(size, 0);
    const b = buffer(size, 1);
    const dense = (ref: DataRef): StridedRef => ({ ref, offset: 0, strides: [1] });
    const calls: [string, (out: DataRef) => void, (i: number, x: Float32Array, y: Float32Array) => number][] = [
      ["add", (out) => backend.binary("add", dense(a), dense(b), [size], out), (i, x, y) => x[i]! + y[i]!],
      ["mul by a repeated value", (out) => backend.binary("mul", dense(a), { ref: b, offset: 3, strides: [0] }, [size], out), (i, x, y) => x[i]! * y[3]!],
      ["sub a number", (out) => backend.binaryScalar("sub", dense(a), 0.5, false, [size], out), (i, x) => x[i]! - 0.5],
      ["a number divided", (out) => backend.binaryScalar("div", dense(a), 2, true, [size], out), (i, x) => 2 / x[i]!],
    ];
    const [x, y] = [read(a), read(b)];
    for (const [name, run, expected] of calls) {
      const out = buffer(size, 5);
      run(out);
      const got = read(out);
      for (let i = 0; i < size; i++) assert.equal(got[i], Math.fround(expected(i, x, y)), `${name}: element ${i}`);
    }
  });
}

test("binary and binaryScalar over a transposed view of a slice of a longer buffer", () => {
  const [rows, columns] = [12, 10]; // over the wasm backend's SMALL, so its kernels run
  const a = buffer(rows * columns + 40, 0); // the view reads a slice of it
  const b = buffer(rows * columns, 2);
  const x = read(a);
  const y = read(b);
  // a's [rows, columns] slice at offset 17, read transposed as [columns, rows]; b dense
  const transposed: StridedRef = { ref: a, offset: 17, strides: [1, columns] };
  const shape = [columns, rows];
  const denseB: StridedRef = { ref: b, offset: 0, strides: contiguousStrides(shape) };
  const out = buffer(rows * columns, 5);
  backend.binary("sub", transposed, denseB, shape, out);
  const scaled = buffer(rows * columns, 5);
  backend.binaryScalar("mul", transposed, 3, false, shape, scaled);
  const [got, gotScaled] = [read(out), read(scaled)];
  for (let c = 0; c < columns; c++) {
    for (let r = 0; r < rows; r++) {
      const i = c * rows + r;
      assert.equal(got[i], Math.fround(x[17 + r * columns + c]! - y[i]!), `sub, element [${c}, ${r}]`);
      assert.equal(gotScaled[i], Math.fround(x[17 + r * columns + c]! * 3), `mul by 3, element [${c}, ${r}]`);
    }
  }
});

test("binary and binaryScalar over columns of a wide matrix (views that skip most of what they span)", () => {
  const [rows, width] = [300, 64];
  const wide = buffer(rows * width, 0);
  const x = read(wide);
  const column = (c: number): StridedRef => ({ ref: wide, offset: c, strides: [width] });
  const dense = buffer(rows, 7);
  const y = read(dense);
  const calls: [string, (out: DataRef) => void, (r: number) => number][] = [
    ["column + dense", (out) => backend.binary("add", column(3), { ref: dense, offset: 0, strides: [1] }, [rows], out), (r) => x[r * width + 3]! + y[r]!],
    ["dense − column", (out) => backend.binary("sub", { ref: dense, offset: 0, strides: [1] }, column(5), [rows], out), (r) => y[r]! - x[r * width + 5]!],
    ["column · column", (out) => backend.binary("mul", column(1), column(62), [rows], out), (r) => x[r * width + 1]! * x[r * width + 62]!],
    ["column ÷ a number", (out) => backend.binaryScalar("div", column(9), 4, false, [rows], out), (r) => x[r * width + 9]! / 4],
    ["a number − column", (out) => backend.binaryScalar("sub", column(0), 1.5, true, [rows], out), (r) => 1.5 - x[r * width]!],
  ];
  for (const [name, run, expected] of calls) {
    const out = buffer(rows, 5);
    run(out);
    const got = read(out);
    for (let r = 0; r < rows; r++) assert.equal(got[r], Math.fround(expected(r)), `${name}: row ${r}`);
  }
  // the wide matrix itself is unchanged (a densified operand goes to out or a temporary)
  assert.deepEqual(read(wide), x);
});
