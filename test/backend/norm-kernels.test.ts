import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { Backend, DataRef } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

// The WebAssembly batch-norm kernels (training forward and backward, with and without the
// affine transform) against the TS backend's. test/nn/cnn-layers-vs-torch.test.ts checks the
// layer against PyTorch on both backends, and gradcheck the gradients.

const wasm = new WasmBackend(0);
const js = new JsBackend();

function run(backend: Backend, dtype: DType, affine: boolean, outer: number, channels: number, inner: number): Float64Array[] {
  const size = outer * channels * inner;
  const put = (n: number, f: (i: number) => number): DataRef => backend.fromValues(Array.from({ length: n }, (_, i) => f(i)), dtype);
  const x = put(size, (i) => Math.sin(i * 0.73) * 3 + (i % 7));
  const dy = put(size, (i) => Math.cos(i * 0.41));
  const weight = affine ? put(channels, (c) => 0.5 + c) : null;
  const bias = affine ? put(channels, (c) => c - 1) : null;
  const [mean, variance, y, dx] = [channels, channels, size, size].map((n) => backend.allocate(n, dtype)) as [DataRef, DataRef, DataRef, DataRef];
  const [dweight, dbias] = affine ? [backend.allocate(channels, dtype), backend.allocate(channels, dtype)] : [null, null];
  backend.batchNorm("batchNorm", { x, dy: null, weight, bias, mean, variance, out: y, dweight: null, dbias: null }, outer, channels, inner, 1e-5);
  backend.batchNorm("batchNormGrad", { x, dy, weight, bias: null, mean, variance, out: dx, dweight, dbias }, outer, channels, inner, 1e-5);
  return [mean, variance, y, dx, ...(affine ? [dweight!, dbias!] : [])].map((ref) => Float64Array.from(backend.read(ref)));
}

for (const dtype of ["float32", "float64"] as DType[]) {
  for (const affine of [true, false]) {
    for (const [outer, channels, inner] of [[4, 3, 25], [8, 5, 1], [2, 16, 49]]) {
      test(`batchNorm kernels, [${outer}, ${channels}, ${inner}], ${affine ? "affine" : "no affine"}, ${dtype}: WebAssembly matches the TS backend`, () => {
        const got = run(wasm, dtype, affine, outer, channels, inner);
        const want = run(js, dtype, affine, outer, channels, inner);
        const names = ["mean", "variance", "y", "dx", "dweight", "dbias"];
        const tolerance = dtype === "float32" ? 2e-5 : 1e-12;
        want.forEach((values, k) => {
          for (let i = 0; i < values.length; i++) assert.ok(Math.abs(got[k]![i]! - values[i]!) <= tolerance * Math.max(1, Math.abs(values[i]!)), `${names[k]}: element ${i} is ${got[k]![i]}, expected ${values[i]}`);
        });
        // the normalized output has mean 0 per channel (before the shift), and dx sums to 0
        const dx = want[3]!;
        for (let c = 0; c < channels; c++) {
          let s = 0;
          for (let n = 0; n < outer; n++) for (let i = 0; i < inner; i++) s += dx[(n * channels + c) * inner + i]!;
          assert.ok(Math.abs(s) < 1e-3, `dx of channel ${c} sums to ${s}`);
        }
      });
    }
  }
}
