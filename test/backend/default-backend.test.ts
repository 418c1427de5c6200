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

test("backendInfo reports the backend and its threads: one until the workers that the first big product starts have booted", () => {
  const script = `
    import { backendInfo, setBackend, tensor } from "./src/index.ts";
    const before = backendInfo();
    const a = tensor(new Float32Array(256 * 256).fill(1), { shape: [256, 256] });
    a.matmul(a);
    // the product did not wait for the worker to boot (tens of milliseconds)
    const deadline = Date.now() + 10_000;
    while (backendInfo().threads < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 5));
    const after = backendInfo();
    setBackend("js");
    console.log(JSON.stringify([before, after, backendInfo()]));
  `;
  const env: NodeJS.ProcessEnv = { ...process.env, NABLA_THREADS: "2" };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000, env });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(JSON.parse(result.stdout), [{ name: "wasm", threads: 1 }, { name: "wasm", threads: 2 }, { name: "js", threads: 1 }]);
});
