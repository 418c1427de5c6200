import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { Backend, DataRef, StridedRef } from "../../src/backend/backend.js";
import { activeBackend } from "../../src/backend/registry.js";
import { contiguousStrides } from "../../src/backend/strides.js";
import { elementwiseChunk } from "../../src/backend/wasm/wasm-chunks.js";

// binary and binaryScalar compute out[shape] from views: the wasm backend copies in only the
// elements a view reaches (a slice of a long buffer) and copies back the shape's elements.
// Checked against values computed here on small calls, on calls large enough to run in pieces
// (wasm-chunks.ts), and on a transposed view of a slice, on the backend under test.

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
