import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { RELAXED_SIMD_KERNELS } from "../../src/backend/wasm/generated/kernels.js";

test("the relaxed-SIMD build is chosen exactly when the engine validates it", () => {
  const accepts = WebAssembly.validate(Buffer.from(RELAXED_SIMD_KERNELS, "base64"));
  assert.equal(new WasmBackend(0).variant, accepts ? "relaxed-simd" : "simd");
});

test("with relaxed SIMD enabled the relaxed build runs and computes the same product", () => {
  const script = `
    import { WasmBackend } from "./src/backend/wasm/wasm-backend.ts";
    const backend = new WasmBackend(0);
    const n = 67, a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i)), b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
    const out = backend.allocate(n * n, "float32");
    backend.matmul(backend.fromValues(a, "float32"), backend.fromValues(b, "float32"), { batch: 1, m: n, k: n, n, transA: false, transB: true, batchStrideA: 0, batchStrideB: 0 }, out);
    const c = backend.read(out);
    let worst = 0;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < n; p++) s += a[i * n + p] * b[j * n + p];
      worst = Math.max(worst, Math.abs(c[i * n + j] - s));
    }
    console.log(backend.variant, worst < 1e-4 ? "ok" : "error " + worst);
  `;
  const env = { ...process.env };
  delete env.NODE_TEST_CONTEXT;
  const result = spawnSync(process.execPath, ["--experimental-wasm-relaxed-simd", "--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000, env });
  if (/bad option/.test(result.stderr)) return; // an engine without the flag: relaxed SIMD is on or absent
  assert.equal(result.status, 0, result.stderr);
  assert.equal(result.stdout.trim(), "relaxed-simd ok");
});
