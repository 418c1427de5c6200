import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { DataRef } from "../../src/backend/backend.js";
import { Storage } from "../../src/tensor/storage.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

/** A typed-array backend that pretends its buffers need explicit release, counting releases. */
class CountingBackend extends JsBackend {
  readonly needsFree = true;
  freed = 0;
  override free(): void {
    this.freed++;
  }
}

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
}

test("buffers of a backend that needs free() are released once their storage is unreachable", async () => {
  const backend = new CountingBackend();
  for (let i = 0; i < 100; i++) new Storage(backend, backend.allocate(10, "float32"));
  await collect();
  assert.ok(backend.freed > 0, "no buffer was released after garbage collection");
});

test("typed-array buffers are not held by a finalizer, so the collector frees them inside a synchronous loop", async () => {
  for (const backend of [new JsBackend(), new WasmBackend()]) {
    const ref = new WeakRef<DataRef>(backend.allocate(1 << 20, "float32"));
    new Storage(backend, ref.deref()!);
    await new Promise((resolve) => setImmediate(resolve)); // a new job: the WeakRef no longer pins its target
    gc(); // and no finalizer callback can run before the check below
    assert.equal(ref.deref(), undefined, `${backend.name}: the buffer outlived its storage`);
  }
});
