import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// The default is chosen on first use, so each case runs in a fresh process (this one has
// already picked the backend under test).
function firstBackend(prelude: string): string {
  const script = `
    import { registerBackend } from "./src/backend/registry.ts";
    import { getBackend, tensor } from "./src/index.ts";
    ${prelude}
    const sum = tensor([1, 2, 3]).sum().item();
    console.log(getBackend(), sum);
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000, env });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout.trim();
}

test("without setBackend the WebAssembly backend is the default where the engine runs it", () => {
  assert.equal(firstBackend(""), "wasm 6");
});

test("the TS backend is the fallback when the WebAssembly backend cannot start", () => {
  assert.equal(firstBackend(`registerBackend("wasm", () => { throw new Error("wasm backend: this engine lacks WebAssembly SIMD"); });`), "js 6");
});
