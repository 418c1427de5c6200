import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmHeap, sizeClass } from "../../src/backend/wasm/wasm-heap.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";

test("size classes cover the request, are 64-byte aligned and waste at most 1/8 above 4 KiB", () => {
  for (const bytes of [0, 1, 63, 64, 65, 4095, 4096, 4097, 10_000, 1 << 20, (1 << 20) + 1, 123_456_789]) {
    const size = sizeClass(bytes);
    assert.ok(size >= bytes && size % 64 === 0, `sizeClass(${bytes}) = ${size}`);
    if (bytes > 4096) assert.ok(size <= bytes * 1.125, `sizeClass(${bytes}) = ${size} wastes too much`);
  }
});

test("released buffers are reused for the same size class instead of growing the heap", () => {
  const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1 }), 1024);
  const first = heap.allocate(1000);
  const second = heap.allocate(1000);
  assert.notEqual(first, second);
  heap.release(first, 1000);
  assert.equal(heap.allocate(1000), first);
  assert.equal(heap.liveBytes, 2 * sizeClass(1000));
});

test("the heap grows the memory on demand and keeps earlier data", () => {
  const backend = new WasmBackend();
  const kept = backend.fromValues([1, 2, 3], "float32");
  const before = backend.heap.capacity;
  const big = backend.allocate(before, "float64"); // 8× the current capacity
  backend.fill(big, 2);
  assert.ok(backend.heap.capacity > before);
  assert.deepEqual([...backend.read(kept)], [1, 2, 3]);
  const values = backend.read(big);
  assert.equal(values[0], 2);
  assert.equal(values[values.length - 1], 2);
  backend.free(big);
  backend.free(big); // a second free is ignored rather than corrupting the free list
  const again = backend.allocate(before, "float64");
  const reuse = backend.allocate(before, "float64");
  assert.notEqual(again, reuse);
});

test("an impossible allocation is a clear error", () => {
  const heap = new WasmHeap(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
  assert.throws(() => heap.allocate(1 << 20), /wasm backend: out of memory allocating 1048576 bytes/);
});
