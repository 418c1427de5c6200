import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmArena } from "../../src/backend/wasm/wasm-arena.js";

test("the arena hands out aligned, disjoint scratch and starts over after reset", () => {
  const arena = new WasmArena(new WebAssembly.Memory({ initial: 1 }), 1000);
  const first = arena.allocate(10);
  const second = arena.allocate(100);
  assert.equal(first % 64, 0);
  assert.ok(second >= first + 10 && second % 64 === 0);
  arena.reset();
  assert.equal(arena.allocate(10), first);
});

test("the arena grows the memory on demand and round-trips values", () => {
  const arena = new WasmArena(new WebAssembly.Memory({ initial: 1 }), 0);
  const values = Float64Array.from({ length: 100_000 }, (_, i) => i / 3);
  const ptr = arena.put(values);
  assert.ok(arena.capacity >= 800_000);
  const out = new Float64Array(values.length);
  arena.take(ptr, out);
  assert.deepEqual(out, values);
});

test("scratch beyond the memory's maximum is a clear error", () => {
  const arena = new WasmArena(new WebAssembly.Memory({ initial: 1, maximum: 2 }), 0);
  assert.throws(() => arena.allocate(1 << 20), /wasm backend: out of memory: a kernel call needs 1048576 bytes/);
});
