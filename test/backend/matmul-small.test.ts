import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { bothBuilds } from "./kernel-builds.js";
import { JsBackend } from "../../src/backend/js-backend.js";

// The unpacked small-product kernel (assembly/matmul-small.ts) runs the same multiply-add chain
// per element as the packed one, so it must give the packed kernel's results bit for bit, on
// every transpose combination, batched and broadcast, in f32 and f64; and both match the TS
// backend to rounding. The packed kernel's f32 tile is 6×8 in the relaxed-SIMD build and 4×8 in
// the plain one, the small kernel's 4×8 in both: each build is checked, on row counts that end
// in a part strip (64 = 10·6 + 4) and cross the 72-row blocks of A (148).

const builds = bothBuilds();
for (const { memory } of builds) memory.grow(256); // seven regions of 2 MB (the largest output is 64·64·64 f64)
const { kernels } = builds[0]!;
const js = new JsBackend();
const [A, B, OUT_SMALL, OUT_PACKED, PACK_A, PACK_B, TILE] = [1, 2, 3, 4, 5, 6, 7].map((i) => i * (1 << 21));

for (const { kernels, memory, variant } of builds) {
  for (const f64 of [false, true]) {
    for (const [batch, m, k, n] of [[64, 64, 16, 64], [3, 8, 5, 16], [2, 4, 1, 8], [5, 12, 32, 8], [1, 64, 20, 64], [2, 148, 24, 16]] as const) {
      for (const [transA, transB] of [[false, false], [true, false], [false, true], [true, true]] as const) {
        const name = `${variant} ${f64 ? "f64" : "f32"} ${batch}×[${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""}`;
        test(`small product ${name} equals the packed kernel bit for bit and the TS backend to rounding`, () => {
          const small = f64 ? kernels.smallProductF64(m, k, n) : kernels.smallProductF32(m, k, n);
          assert.equal(small, 1, "the kernel serves this shape");
          const view = (at: number, length: number): Float32Array | Float64Array => (f64 ? new Float64Array(memory.buffer, at, length) : new Float32Array(memory.buffer, at, length));
          const a = Array.from({ length: batch * m * k }, (_, i) => Math.sin(i * 0.37) * 2);
          const b = Array.from({ length: k * n }, (_, i) => Math.cos(i * 0.11)); // one B for every batch (stride 0)
          view(A, a.length).set(a);
          view(B, b.length).set(b);
          (f64 ? kernels.matmulSmallF64 : kernels.matmulSmallF32)(A, B, OUT_SMALL, batch, m, k, n, transA, transB, m * k, 0, PACK_B);
          (f64 ? kernels.matmulF64 : kernels.matmulF32)(A, B, OUT_PACKED, batch, m, k, n, transA, transB, m * k, 0, PACK_A, PACK_B, TILE);
          const size = batch * m * n;
          const smallOut = Array.from(view(OUT_SMALL, size));
          assert.deepEqual(smallOut, Array.from(view(OUT_PACKED, size)));
          const dtype = f64 ? "float64" : "float32";
          const out = js.allocate(size, dtype);
          js.matmul(js.fromValues(a, dtype), js.fromValues(b, dtype), { batch, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: 0 }, out);
          const expected = js.read(out);
          const tolerance = f64 ? 1e-12 : 1e-4;
          for (let i = 0; i < size; i++) assert.ok(Math.abs(smallOut[i]! - expected[i]!) <= tolerance * (1 + Math.abs(expected[i]!)), `${name}: element ${i} ${smallOut[i]} vs ${expected[i]}`);
        });
      }
    }
  }
}

test("shapes outside the small kernel (ragged tiles, long k, large operands) are refused", () => {
  assert.equal(kernels.smallProductF32(6, 16, 64), 0); // rows not a multiple of 4
  assert.equal(kernels.smallProductF32(64, 16, 12), 0); // columns not a multiple of 8
  assert.equal(kernels.smallProductF32(64, 64, 16), 0); // k past 32: packing pays there
  assert.equal(kernels.smallProductF32(1024, 16, 64), 0); // A past 16K elements
  assert.equal(kernels.smallProductF64(8, 16, 4), 1); // f64 tiles are 4 columns wide
});
