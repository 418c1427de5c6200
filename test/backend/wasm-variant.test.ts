import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { instantiateKernels } from "../../src/backend/wasm/wasm-module.js";

test("the relaxed-SIMD build is chosen unless NABLA_RELAXED_SIMD=0 asks for the plain one", () => {
  // on Node 20 the backend turns V8's relaxed-SIMD flag on itself, so the relaxed build validates
  assert.equal(new WasmBackend(0).variant, process.env.NABLA_RELAXED_SIMD === "0" ? "simd" : "relaxed-simd");
});

test("each build is compiled once per process: later instances share its module, each over a memory of its own", () => {
  for (const shared of [false, true]) {
    const first = instantiateKernels(shared);
    const second = instantiateKernels(shared);
    assert.equal(second.module, first.module);
    assert.notEqual(second.memory, first.memory);
    assert.equal(second.variant, first.variant);
  }
  assert.notEqual(instantiateKernels(true).module, instantiateKernels(false).module);
  // the two instances compute apart: a write into one memory (past its static data) is not seen by the other
  const [a, b] = [instantiateKernels(false), instantiateKernels(false)];
  const at = a.kernels.heapBase() >> 2;
  const before = new Float32Array(b.memory.buffer)[at];
  new Float32Array(a.memory.buffer)[at] = 7;
  assert.equal(new Float32Array(b.memory.buffer)[at], before);
});

for (const [setting, variant] of [["1", "relaxed-simd"], ["0", "simd"]] as const) {
  test(`with NABLA_RELAXED_SIMD=${setting} the ${variant} build runs in a fresh process and computes the same product`, () => {
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
    const env: NodeJS.ProcessEnv = { ...process.env, NABLA_RELAXED_SIMD: setting };
    delete env.NODE_TEST_CONTEXT;
    const result = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { encoding: "utf8", timeout: 30_000, env });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout.trim(), `${variant} ok`);
  });
}
