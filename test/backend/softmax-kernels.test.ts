import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import { layerNormComposed, softmaxComposed } from "../../src/backend/composed-kernels.js";
import type { Backend, DataRef, LayerNormOp, SoftmaxOp } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

// The fused softmax and layer-norm kernels: WebAssembly against the TS backend's (the
// reference), and the composition of element-wise kernels and reductions that the webgpu
// backend runs (composed-kernels.ts, here on the TS backend) against the same reference. The
// ops themselves are checked against PyTorch in test/ops and test/nn (fixtures), by gradcheck,
// and by the W6 loss pins.

const wasm = new WasmBackend(0);
const js = new JsBackend();
const fused = (backend: Backend) => ({
  softmax: (op: SoftmaxOp, x: DataRef, dy: DataRef | null, o: number, a: number, i: number, out: DataRef, causal = 0) => backend.softmax(op, x, dy, o, a, i, out, causal),
  layerNorm: (op: LayerNormOp, refs: Parameters<Backend["layerNorm"]>[1], rows: number, features: number, eps: number) => backend.layerNorm(op, refs, rows, features, eps),
});
const composed = {
  softmax: (op: SoftmaxOp, x: DataRef, dy: DataRef | null, o: number, a: number, i: number, out: DataRef, causal = 0) => softmaxComposed(js, op, x, dy, o, a, i, out, causal),
  layerNorm: (op: LayerNormOp, refs: Parameters<Backend["layerNorm"]>[1], rows: number, features: number, eps: number) => layerNormComposed(js, op, refs, rows, features, eps),
};
type Kernels = ReturnType<typeof fused>;

function close(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (Number.isNaN(w) || !Number.isFinite(w)) assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}: element ${i} is ${g}, expected ${w}`);
    else assert.ok(Math.abs(g - w) <= tolerance * Math.max(1, Math.abs(w)), `${what}: element ${i} is ${g}, expected ${w}`);
  }
}

/** x with a causal mask's −∞ in every slice of length ≥ 4 and, when asked, one slice of NaN and one all −∞. */
function values(outer: number, axisSize: number, inner: number, special: boolean): number[] {
  const x = Array.from({ length: outer * axisSize * inner }, (_, i) => Math.sin(i * 0.37) * 6 + (i % 5));
  for (let o = 0; o < outer; o++) for (let j = 0; j < axisSize; j++) for (let i = 0; i < inner; i++) if (axisSize >= 4 && j > (o % axisSize)) x[(o * axisSize + j) * inner + i] = -Infinity;
  if (special && outer >= 3) {
    for (let j = 0; j < axisSize * inner; j++) x[axisSize * inner + j] = -Infinity;
    x[2 * axisSize * inner + 1] = Number.NaN;
  }
  return x;
}

function runSoftmax(kernels: Kernels, backend: Backend, op: "softmax" | "logSoftmax", dtype: DType, [outer, axisSize, inner]: number[], special: boolean): Float64Array[] {
  const size = outer! * axisSize! * inner!;
  const x = backend.fromValues(values(outer!, axisSize!, inner!, special), dtype);
  const dy = backend.fromValues(Array.from({ length: size }, (_, i) => Math.cos(i * 0.29)), dtype);
  const [y, dx] = [backend.allocate(size, dtype), backend.allocate(size, dtype)];
  kernels.softmax(op, x, null, outer!, axisSize!, inner!, y);
  kernels.softmax(op === "softmax" ? "softmaxGrad" : "logSoftmaxGrad", y, dy, outer!, axisSize!, inner!, dx);
  return [y, dx].map((ref) => Float64Array.from(backend.read(ref)));
}

// rows of 2, 3 and 7 run four rows at a time (softmax-short.ts); 50 and 41 rows leave the small-op shortcut
const softmaxShapes = [[16, 64, 1], [5, 7, 1], [4, 130, 1], [3, 5, 4], [1, 1, 1], [50, 2, 1], [41, 3, 1], [13, 7, 1]];
for (const dtype of ["float32", "float64"] as DType[]) {
  for (const op of ["softmax", "logSoftmax"] as const) {
    for (const shape of softmaxShapes) {
      for (const special of shape[0]! >= 3 ? [false, true] : [false]) {
        test(`${op} kernels [${shape.join(", ")}]${special ? " with NaN and all −∞ slices" : ""}, ${dtype}: WebAssembly and the composed kernels match the TS kernel`, () => {
          const want = runSoftmax(fused(js), js, op, dtype, shape, special);
          const tolerance = dtype === "float32" ? 4e-6 : 1e-13;
          const got = runSoftmax(fused(wasm), wasm, op, dtype, shape, special);
          ["y", "dx"].forEach((name, k) => close(got[k]!, want[k]!, tolerance, `wasm ${name}`));
          const viaPrimitives = runSoftmax(composed, js, op, dtype, shape, special);
          ["y", "dx"].forEach((name, k) => close(viaPrimitives[k]!, want[k]!, dtype === "float32" ? 1e-5 : 1e-12, `composed ${name}`));
          if (!special && op === "softmax") {
            // each slice of y sums to 1 and each slice of dx to 0
            const [outer, axisSize, inner] = shape as [number, number, number];
            for (let o = 0; o < outer; o++) for (let i = 0; i < inner; i++) {
              let [sy, sdx] = [0, 0];
              for (let j = 0; j < axisSize; j++) [sy, sdx] = [sy + want[0]![(o * axisSize + j) * inner + i]!, sdx + want[1]![(o * axisSize + j) * inner + i]!];
              assert.ok(Math.abs(sy - 1) < 1e-5 && Math.abs(sdx) < 1e-5, `slice (${o}, ${i}): Σy = ${sy}, Σdx = ${sdx}`);
            }
          }
        });
      }
    }
  }
}

// a causal mask inside the forward kernels: row i of each [L, S] block sees its first i + 1 scores
for (const dtype of ["float32", "float64"] as DType[]) {
  for (const op of ["softmax", "logSoftmax"] as const) {
    for (const [blocks, L, S] of [[8, 64, 64], [3, 5, 7], [2, 9, 4]] as const) {
      test(`${op} kernels with a causal mask, ${blocks} blocks [${L}, ${S}], ${dtype}: WebAssembly and the composed kernels match the TS kernel, which matches −∞ added before`, () => {
        const outer = blocks * L;
        // NaN in masked places must not leak: those scores are never read
        const input = values(outer, S, 1, false).map((v, k) => ((k % S) > (Math.floor(k / S) % L) ? Number.NaN : v));
        const run = (kernels: Kernels, backend: Backend): Float64Array => {
          const out = backend.allocate(outer * S, dtype);
          kernels.softmax(op, backend.fromValues(input, dtype), null, outer, S, 1, out, L);
          return Float64Array.from(backend.read(out));
        };
        const want = run(fused(js), js);
        // the reference: −∞ added at the masked places, then the plain kernel
        const masked = input.map((v, k) => ((k % S) > (Math.floor(k / S) % L) ? -Infinity : v));
        const plain = js.allocate(outer * S, dtype);
        js.softmax(op, js.fromValues(masked, dtype), null, outer, S, 1, plain);
        close(want, js.read(plain), 0, "TS causal vs −∞ added");
        close(run(fused(wasm), wasm), want, dtype === "float32" ? 4e-6 : 1e-13, "wasm");
        close(run(composed, js), want, dtype === "float32" ? 1e-5 : 1e-12, "composed");
      });
    }
  }
}

function runLayerNorm(kernels: Kernels, backend: Backend, dtype: DType, affine: boolean, rows: number, features: number): Float64Array[] {
  const size = rows * features;
  const put = (n: number, f: (i: number) => number): DataRef => backend.fromValues(Array.from({ length: n }, (_, i) => f(i)), dtype);
  const x = put(size, (i) => Math.sin(i * 0.73) * 3 + (i % 7));
  const dy = put(size, (i) => Math.cos(i * 0.41));
  const weight = affine ? put(features, (j) => 0.5 + j / 7) : null;
  const bias = affine ? put(features, (j) => j / 3 - 1) : null;
  const [mean, variance, y, dx] = [rows, rows, size, size].map((n) => backend.allocate(n, dtype)) as [DataRef, DataRef, DataRef, DataRef];
  const [dweight, dbias] = affine ? [backend.allocate(features, dtype), backend.allocate(features, dtype)] : [null, null];
  kernels.layerNorm("layerNorm", { x, dy: null, weight, bias, mean, variance, out: y, dweight: null, dbias: null }, rows, features, 1e-5);
  kernels.layerNorm("layerNormGrad", { x, dy, weight, bias: null, mean, variance, out: dx, dweight, dbias }, rows, features, 1e-5);
  return [mean, variance, y, dx, ...(affine ? [dweight!, dbias!] : [])].map((ref) => Float64Array.from(backend.read(ref)));
}

for (const dtype of ["float32", "float64"] as DType[]) {
  for (const affine of [true, false]) {
    for (const [rows, features] of [[64, 64], [7, 5], [3, 1]]) {
      test(`layerNorm kernels [${rows}, ${features}], ${affine ? "affine" : "no affine"}, ${dtype}: WebAssembly and the composed kernels match the TS kernel`, () => {
        const want = runLayerNorm(fused(js), js, dtype, affine, rows!, features!);
        const names = ["mean", "variance", "y", "dx", "dweight", "dbias"];
        const got = runLayerNorm(fused(wasm), wasm, dtype, affine, rows!, features!);
        want.forEach((values, k) => close(got[k]!, values, dtype === "float32" ? 2e-5 : 1e-12, `wasm ${names[k]}`));
        const viaPrimitives = runLayerNorm(composed, js, dtype, affine, rows!, features!);
        want.forEach((values, k) => close(viaPrimitives[k]!, values, dtype === "float32" ? 1e-4 : 1e-10, `composed ${names[k]}`));
        // each row of dx sums to 0 (the mean is subtracted)
        for (let r = 0; r < rows!; r++) {
          let s = 0;
          for (let j = 0; j < features!; j++) s += want[3]![r * features! + j]!;
          assert.ok(Math.abs(s) < 1e-4, `dx of row ${r} sums to ${s}`);
        }
      });
    }
  }
}

test("the composed kernels hand every temporary buffer back on a backend that frees buffers (webgpu's kind)", () => {
  const made = new Set<DataRef>();
  const freed = new Set<DataRef>();
  const counting = Object.assign(Object.create(js) as JsBackend, {
    needsFree: true,
    allocate: (size: number, dtype: DType) => {
      const ref = js.allocate(size, dtype);
      made.add(ref);
      return ref;
    },
    fromValues: (values: ArrayLike<number>, dtype: DType) => {
      const ref = js.fromValues(values, dtype);
      made.add(ref);
      return ref;
    },
    free: (ref: DataRef) => void freed.add(ref),
  });
  const [x, dy, y, dx] = [js.fromValues(values(6, 6, 1, false), "float32"), js.fromValues(new Array(36).fill(0.5), "float32"), js.allocate(36, "float32"), js.allocate(36, "float32")];
  softmaxComposed(counting, "softmax", x, null, 6, 6, 1, y, 3);
  softmaxComposed(counting, "softmaxGrad", y, dy, 6, 6, 1, dx);
  const [mean, variance] = [js.allocate(6, "float32"), js.allocate(6, "float32")];
  layerNormComposed(counting, "layerNorm", { x, dy: null, weight: null, bias: null, mean, variance, out: y, dweight: null, dbias: null }, 6, 6, 1e-5);
  layerNormComposed(counting, "layerNormGrad", { x, dy, weight: null, bias: null, mean, variance, out: dx, dweight: null, dbias: null }, 6, 6, 1e-5);
  assert.ok(made.size > 10, `${made.size} temporaries`);
  assert.deepEqual([...made].filter((ref) => !freed.has(ref)), []);
});
