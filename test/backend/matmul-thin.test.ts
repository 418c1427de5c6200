import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { KernelInstance } from "../../src/backend/wasm/wasm-module.js";
import { bothBuilds } from "./kernel-builds.js";
import { JsBackend } from "../../src/backend/js-backend.js";

// The thin-product kernel (assembly/matmul-thin.ts) serves every shape with m or n under 4, and
// some with a short side up to 16 where it measured faster (thinProductF32/F64), with the long side
// as vector lanes: lanes loaded whole (transposed A, plain B) or transposed from
// rows in registers, the edge lanes gathered, columns in pairs, k in the packed kernel's blocks.
// Each element is the packed kernel's chain of madds, so the two must agree bit for bit on every
// path (checked in both builds: the relaxed one fuses, the plain one does not), and both match
// the TS backend to rounding, NaN and ±Inf included.

const builds = bothBuilds();
for (const { memory } of builds) memory.grow(128); // six regions of 1 MB
const js = new JsBackend();
const [A, B, OUT_THIN, OUT_PACKED, PACK_A, PACK_B, TILE] = [1, 2, 3, 4, 5, 6, 7].map((i) => i * (1 << 20));
const transposes = [[false, false], [true, false], [false, true], [true, true]] as const;

interface Case {
  batch: number;
  m: number;
  k: number;
  n: number;
  /** Elements between batch entries of A and B (B's 0: one B for every entry). */
  strideA: number;
  strideB: number;
}

/** Runs one case on both kernels of `build`; returns the thin kernel's output and the TS backend's. */
function run(build: KernelInstance, f64: boolean, c: Case, transA: boolean, transB: boolean, a: number[], b: number[]): { thin: number[]; packed: number[]; expected: number[] } {
  const { kernels, memory } = build;
  const { batch, m, k, n, strideA, strideB } = c;
  const view = (at: number, length: number): Float32Array | Float64Array => (f64 ? new Float64Array(memory.buffer, at, length) : new Float32Array(memory.buffer, at, length));
  view(A, a.length).set(a);
  view(B, b.length).set(b);
  const size = batch * m * n;
  view(OUT_THIN, size).fill(12345); // written over, including k = 0's zeros
  (f64 ? kernels.matmulThinF64 : kernels.matmulThinF32)(A, B, OUT_THIN, batch, m, k, n, transA, transB, strideA, strideB);
  (f64 ? kernels.matmulF64 : kernels.matmulF32)(A, B, OUT_PACKED, batch, m, k, n, transA, transB, strideA, strideB, PACK_A, PACK_B, TILE);
  const dtype = f64 ? "float64" : "float32";
  const out = js.allocate(size, dtype);
  js.matmul(js.fromValues(a, dtype), js.fromValues(b, dtype), { batch, m, k, n, transA, transB, batchStrideA: strideA, batchStrideB: strideB }, out);
  return { thin: Array.from(view(OUT_THIN, size)), packed: Array.from(view(OUT_PACKED, size)), expected: Array.from(js.read(out)) };
}

function assertClose(name: string, f64: boolean, actual: number[], expected: number[]): void {
  const tolerance = f64 ? 1e-12 : 1e-4;
  for (let i = 0; i < expected.length; i++) {
    const [x, y] = [actual[i]!, expected[i]!];
    if (!Number.isFinite(y)) assert.ok(Object.is(x, y) || (Number.isNaN(x) && Number.isNaN(y)), `${name}: element ${i} ${x} vs ${y}`);
    else assert.ok(Math.abs(x - y) <= tolerance * (1 + Math.abs(y)), `${name}: element ${i} ${x} vs ${y}`);
  }
}

/** Operands of a case: A and B filled over their whole batch extent. */
function operands(c: Case): { a: number[]; b: number[] } {
  const lengthA = (c.batch - 1) * c.strideA + c.m * c.k;
  const lengthB = (c.batch - 1) * c.strideB + c.k * c.n;
  return {
    a: Array.from({ length: lengthA }, (_, i) => Math.sin(i * 0.37 + c.m) * 2),
    b: Array.from({ length: lengthB }, (_, i) => Math.cos(i * 0.11 + c.n)),
  };
}

function check(label: string, cases: readonly Case[]): void {
  for (const build of builds) {
    for (const f64 of [false, true]) {
      test(`thin product ${label} (${build.variant} ${f64 ? "f64" : "f32"}) equals the packed kernel bit for bit and the TS backend to rounding`, () => {
        for (const c of cases) {
          const { a, b } = operands(c);
          for (const [transA, transB] of transposes) {
            const name = `${c.batch}×[${c.m}×${c.k}]${transA ? "ᵀ" : ""}·[${c.k}×${c.n}]${transB ? "ᵀ" : ""}`;
            const { thin, packed, expected } = run(build, f64, c, transA, transB, a, b);
            assert.deepEqual(thin, packed, `${name}: thin vs packed`);
            assertClose(name, f64, thin, expected);
          }
        }
      });
    }
  }
}

// every m up to 9 and n up to 5 (both orientations, both edges of the lane groups), k around the 4×4 blocks
const grid: Case[] = [];
for (let m = 1; m <= 9; m++)
  for (let n = 1; n <= 5; n++)
    for (const k of [0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]) grid.push({ batch: 1, m, k, n, strideA: m * k, strideB: k * n });
check("m 1–9, n 1–5, k 0–33", grid);

// W1's products (an MLP 2-16-16-2 on 200 points), long sides past one lane group, and k past one block (256)
check("W1's shapes and long sides", [
  { batch: 1, m: 200, k: 16, n: 2, strideA: 0, strideB: 0 },
  { batch: 1, m: 16, k: 200, n: 2, strideA: 0, strideB: 0 },
  { batch: 1, m: 2, k: 200, n: 16, strideA: 0, strideB: 0 },
  { batch: 1, m: 200, k: 2, n: 1, strideA: 0, strideB: 0 },
  { batch: 1, m: 3, k: 21, n: 45, strideA: 0, strideB: 0 },
  { batch: 1, m: 37, k: 300, n: 3, strideA: 0, strideB: 0 },
  { batch: 1, m: 2, k: 513, n: 19, strideA: 0, strideB: 0 },
  { batch: 1, m: 200, k: 16, n: 5, strideA: 0, strideB: 0 },
  { batch: 1, m: 200, k: 16, n: 7, strideA: 0, strideB: 0 },
  { batch: 1, m: 16, k: 200, n: 16, strideA: 0, strideB: 0 },
  { batch: 1, m: 6, k: 40, n: 203, strideA: 0, strideB: 0 },
]);

// batched: A's entries apart by more than one matrix, B broadcast (stride 0) or strided
check("batched with strides", [
  { batch: 3, m: 9, k: 5, n: 2, strideA: 9 * 5 + 7, strideB: 0 },
  { batch: 4, m: 2, k: 17, n: 11, strideA: 2 * 17, strideB: 17 * 11 + 3 },
  { batch: 2, m: 33, k: 8, n: 3, strideA: 33 * 8, strideB: 8 * 3 },
]);

test("NaN and ±Inf in either operand reach exactly the elements of C they feed", () => {
  for (const build of builds) {
    for (const f64 of [false, true]) {
      for (const c of [{ batch: 1, m: 21, k: 9, n: 2, strideA: 0, strideB: 0 }, { batch: 1, m: 2, k: 9, n: 21, strideA: 0, strideB: 0 }]) {
        for (const [transA, transB] of transposes) {
          const { a, b } = operands(c);
          a[3] = NaN;
          a[40] = Infinity;
          b[5] = -Infinity;
          const name = `${build.variant} ${f64 ? "f64" : "f32"} [${c.m}×${c.k}]${transA ? "ᵀ" : ""}·[${c.k}×${c.n}]${transB ? "ᵀ" : ""}`;
          const { thin, packed, expected } = run(build, f64, c, transA, transB, a, b);
          assert.ok(expected.some((v) => Number.isNaN(v)) && expected.some((v) => Number.isFinite(v)), `${name}: the case has both`);
          assert.deepEqual(thin, packed, `${name}: thin vs packed`);
          assertClose(name, f64, thin, expected);
        }
      }
    }
  }
});

test("the thin kernel serves a side under 4, and longer ones only where it measured faster", () => {
  const { kernels } = builds[0]!;
  const shapes = [
    [1, 16, 1000, false, false, 1], [1000, 2, 1, false, true, 1], [64, 16, 3, true, true, 1], // a side under 4
    [200, 16, 5, false, true, 1], [200, 16, 7, true, false, 1], [7, 16, 200, false, false, 1], // short sides, lanes loaded whole from 6 on
    [200, 16, 7, false, true, 0], [7, 16, 200, false, true, 0],
    [16, 200, 16, true, false, 1], [16, 200, 16, false, false, 0], // W1's dW2 (16×200ᵀ·200×16), not the same shape with A's rows
    [16, 16, 16, true, false, 0], [4, 16, 64, false, false, 0], // whole tiles of the small kernel
    [200, 16, 16, false, true, 0], [64, 64, 64, true, false, 0],
  ] as const;
  for (const [m, k, n, transA, transB, thin] of shapes) assert.equal(kernels.thinProductF32(m, k, n, transA, transB), thin, `m=${m} k=${k} n=${n} transA=${transA} transB=${transB}`);
});
