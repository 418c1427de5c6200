import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { activeBackend } from "../../src/backend/registry.js";
import type { MatmulSpec } from "../../src/backend/backend.js";
import { Generator } from "../../src/index.js";
import type { DType } from "../../src/index.js";

// The backend under test's matmul kernel against a float64 triple loop, on sizes that fall off
// every edge of the packing (1, 3, 17, 129 are not multiples of the 4×8 or 6×8 tile; 300 and 520
// cross the k and n blocks, 150 the 72-row blocks of A), with each operand stored transposed and
// with batches.

function randomValues(size: number, seed: number): Float64Array {
  const generator = new Generator(seed);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = generator.uniform() * 2 - 1;
  return out;
}

function reference(a: Float64Array, b: Float64Array, spec: MatmulSpec): Float64Array {
  const { batch, m, k, n, transA, transB, batchStrideA, batchStrideB } = spec;
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) {
          const x = a[t * batchStrideA + (transA ? p * m + i : i * k + p)]!;
          const y = b[t * batchStrideB + (transB ? j * k + p : p * n + j)]!;
          s += x * y;
        }
        out[t * m * n + i * n + j] = s;
      }
  return out;
}

function check(dtype: DType, m: number, k: number, n: number, transA: boolean, transB: boolean, batch = 1, broadcastB = false): void {
  const backend = activeBackend();
  const spec: MatmulSpec = { batch, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: broadcastB ? 0 : k * n };
  const a = randomValues(batch * m * k, m * 1000 + k);
  const b = randomValues((broadcastB ? 1 : batch) * k * n, n * 1000 + k + 7);
  const out = backend.allocate(batch * m * n, dtype);
  backend.fill(out, Number.NaN); // every element must be written
  backend.matmul(backend.fromValues(a, dtype), backend.fromValues(b, dtype), spec, out);
  const got = backend.read(out);
  const want = reference(dtype === "float32" ? Float64Array.from(Float32Array.from(a)) : a, dtype === "float32" ? Float64Array.from(Float32Array.from(b)) : b, spec);
  const tolerance = dtype === "float32" ? 2e-6 * Math.sqrt(k + 1) : 1e-13 * (k + 1);
  const label = `${backendUnderTest} ${dtype} [${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""} batch ${batch}${broadcastB ? " (B broadcast)" : ""}`;
  for (let i = 0; i < want.length; i++) {
    const error = Math.abs(got[i]! - want[i]!);
    assert.ok(error <= tolerance * (1 + Math.abs(want[i]!)), `${label}: element ${i} is ${got[i]}, expected ${want[i]}`);
  }
}

const SIZES = [1, 3, 17, 129];

for (const dtype of ["float32", "float64"] as const) {
  test(`matmul ${dtype}: odd sizes, every transpose combination`, () => {
    for (const m of SIZES)
      for (const n of SIZES)
        for (const k of [1, 3, 17])
          for (const transA of [false, true]) for (const transB of [false, true]) check(dtype, m, k, n, transA, transB);
  });
  test(`matmul ${dtype}: products crossing the k, n and row blocks`, () => {
    check(dtype, 5, 300, 520, false, false);
    check(dtype, 150, 40, 20, false, false);
    check(dtype, 150, 40, 20, true, true);
    check(dtype, 70, 300, 9, true, false);
    check(dtype, 66, 257, 13, false, true);
    check(dtype, 129, 129, 129, true, true);
  });
  test(`matmul ${dtype}: batches, with and without a broadcast right operand`, () => {
    check(dtype, 3, 17, 5, false, false, 4);
    check(dtype, 17, 3, 9, true, true, 3);
    check(dtype, 6, 7, 9, false, true, 5, true);
  });
  test(`matmul ${dtype}: an empty inner dimension gives zeros`, () => {
    check(dtype, 3, 0, 5, false, false);
  });
}
