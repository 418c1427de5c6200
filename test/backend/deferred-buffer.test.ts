import { test } from "node:test";
import assert from "node:assert/strict";
import { JsBuffer, deferredBuffer, overwrittenArray, recycleArray, setRecycling } from "../../src/backend/js-buffer.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";

// The wasm backend's large float outputs get their arrays from the kernels that write them
// (src/backend/js-buffer.ts): unzeroed when a kernel is about to write all of it, zeroed when
// anything else touches the buffer first, as Backend.allocate promises. A recycled buffer full
// of sevens shows which of the two a buffer got: the same memory, zeroed or not.

const SIZE = 8192; // 32 KB of float32: past the small arrays' slabs, so an array of its own

/** A kept (recycled) buffer of SIZE float32 sevens, and its memory. */
function keptSevens(): ArrayBufferLike {
  const ref = deferredBuffer(SIZE, "float32");
  const array = overwrittenArray(ref).fill(7);
  assert.equal(recycleArray(ref), true, "a kernel output's memory can be recycled");
  return array.buffer;
}

test("a deferred buffer that is read first reads as zeros, even in memory kept from a buffer of sevens", () => {
  setRecycling(true);
  const memory = keptSevens();
  const ref = deferredBuffer(SIZE, "float32");
  assert.equal(ref.deferred, true);
  const data = ref.data;
  assert.equal(data.buffer, memory, "the kept memory was reused");
  assert.ok(data.every((v) => v === 0), "and zeroed");
  assert.equal(ref.deferred, false);
});

test("a kernel output takes kept memory as it is: no zeroing before the kernel writes it whole", () => {
  setRecycling(true);
  const memory = keptSevens();
  const ref = deferredBuffer(SIZE, "float32");
  const array = overwrittenArray(ref);
  assert.equal(array.buffer, memory);
  assert.ok(array.every((v) => v === 7), "left as it was, for the kernel to overwrite");
  assert.equal(overwrittenArray(ref), array, "made once");
  assert.equal(ref.data, array);
});

test("fresh memory for a kernel output is an array of its own, of the buffer's size and dtype, and recyclable", () => {
  setRecycling(false); // nothing kept: fresh memory
  try {
    for (const dtype of ["float32", "float64"] as const) {
      const ref = deferredBuffer(SIZE, dtype);
      const array = overwrittenArray(ref);
      assert.equal(array.length, SIZE);
      assert.ok(dtype === "float32" ? array instanceof Float32Array : array instanceof Float64Array);
      assert.equal(array.byteOffset, 0);
      assert.equal(array.buffer.byteLength, array.byteLength);
    }
  } finally {
    setRecycling(true);
  }
  const untouched = deferredBuffer(SIZE, "float32");
  assert.equal(recycleArray(untouched), false, "a buffer with no array yet has nothing to give back");
  assert.equal(untouched.deferred, true, "and recycling does not make it one");
});

test("small and integer buffers get zeroed arrays at once", () => {
  for (const [size, dtype] of [[16, "float32"], [SIZE, "int32"], [SIZE, "bool"]] as const) {
    const ref = deferredBuffer(size, dtype);
    assert.equal(ref.deferred, false, `${size} ${dtype}`);
    assert.ok(ref.data.every((v) => v === 0));
  }
  assert.equal(new JsBuffer(new Float32Array(SIZE), "float32").deferred, false);
});

test("the wasm backend: outputs a kernel, a strided copy or a fill writes whole, one read unwritten, and one a kernel adds into", () => {
  const backend = new WasmBackend(0);
  const x = backend.fromValues(Float32Array.from({ length: SIZE }, (_, i) => (i % 97) / 50 - 1), "float32");
  const out = backend.allocate(SIZE, "float32");
  assert.equal((out as JsBuffer).deferred, true, "large float outputs wait for their kernel");
  backend.unary("exp", x, out);
  const input = backend.read(x), result = backend.read(out);
  for (let i = 0; i < SIZE; i++) assert.ok(Math.abs(result[i]! - Math.exp(input[i]!)) <= 1e-6 * Math.exp(input[i]!), `exp at ${i}`);
  assert.ok(backend.read(backend.allocate(SIZE, "float32")).every((v) => v === 0), "an allocated buffer nothing wrote reads as zeros");
  // strided copies and fills write all of their output: a transpose, a dense run, a fill
  const transposed = backend.allocate(SIZE, "float32");
  backend.copyStrided({ ref: x, offset: 0, strides: [1, 64] }, [64, SIZE / 64], transposed);
  const moved = backend.read(transposed);
  for (let i = 0; i < SIZE; i++) assert.equal(moved[i], input[(i % (SIZE / 64)) * 64 + Math.floor(i / (SIZE / 64))], `transposed at ${i}`);
  const copied = backend.allocate(SIZE - 100, "float32");
  backend.copyStrided({ ref: x, offset: 100, strides: [1] }, [SIZE - 100], copied);
  assert.deepEqual(backend.read(copied), input.subarray(100));
  const filled = backend.allocate(SIZE, "float32");
  backend.fill(filled, 2.5);
  assert.ok(backend.read(filled).every((v) => v === 2.5));
  // scatterAdd adds into what its output holds: a fresh one must hold zeros
  const count = 1 << 15; // past the TS path's 2¹⁴ values, so the WebAssembly kernel runs
  const dy = backend.fromValues(new Float32Array(count).fill(1), "float32");
  const index = backend.fromValues(Int32Array.from({ length: count }, (_, i) => i % 3), "int32");
  const sums = backend.allocate(SIZE, "float32");
  backend.scatterAdd(dy, index, 1, SIZE, count, 1, sums);
  const summed = backend.read(sums);
  assert.deepEqual([...summed.slice(0, 4)], [10923, 10923, 10922, 0]);
  assert.ok(summed.slice(3).every((v) => v === 0));
});
