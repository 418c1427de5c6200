import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsBackend } from "../../src/backend/js-backend.js";
import { LAYER_NORM_OPS, SOFTMAX_OPS } from "../../src/backend/op-table.js";
import type { DataRef, SoftmaxOp } from "../../src/backend/backend.js";
import type { KernelInstance } from "../../src/backend/wasm/wasm-module.js";
import { LAYER_NORM_SCRATCH_BYTES } from "../../src/backend/wasm/wasm-norm.js";
import { bothBuilds } from "./kernel-builds.js";

// The float32 layer-norm and softmax kernels, which run four entries a vector (layer norm
// widened to f64x2: assembly/layer-norm-f32.ts; softmax: assembly/softmax-row.ts), against the
// TS kernels (the reference) on row lengths around the vector width (a row's last 1 to 3
// entries take a partial vector), 0, 1 and 7 rows, causal masks that end at every position, and
// in both kernel builds (the relaxed one fuses multiply-adds). Called on the kernels directly:
// these sizes would otherwise take the backend's small-op shortcut to TS.

const js = new JsBackend();
const builds = bothBuilds();
const FEATURES = [1, 3, 5, 63, 64, 65, 257];
const ROWS = [0, 1, 7];
const SOFTMAX_TOLERANCE = 4e-6; // softmax-kernels.test.ts's float32 tolerance

/** Values spread over a few units around `offset`, rounded to float32 (what the kernels read). */
function values(size: number, seed: number, scale = 3, offset = 0): number[] {
  return Array.from({ length: size }, (_, i) => Math.fround(Math.sin(i * 0.37 + seed) * scale + ((i * 7 + seed) % 5) - 2 + offset));
}

/** got within `tolerance`·max(1, |want|) of want, or the same non-finite value. */
function close(got: ArrayLike<number>, want: ArrayLike<number>, tolerance: number, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (!Number.isFinite(w)) assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}: element ${i} is ${g}, expected ${w}`);
    else assert.ok(Math.abs(g - w) <= tolerance * Math.max(1, Math.abs(w)), `${what}: element ${i} is ${g}, expected ${w}`);
  }
}

/** got within one or two float32 roundings of want, relative to want itself: what computing in f64 and rounding once leaves. */
function sameRounding(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    assert.ok(Object.is(g, w) || Math.abs(g - w) <= 2 ** -22 * Math.abs(w), `${what}: element ${i} is ${g}, expected ${w}`);
  }
}

/** Float32 buffers in an instance's memory from its heap base, 64-byte aligned, each followed by a guard of 16 entries set to a sentinel. */
function place(instance: KernelInstance, lengths: number[]): number[] {
  let at = (instance.kernels.heapBase() + 63) & ~63;
  const addresses = lengths.map((n) => {
    const here = at;
    at = (at + (n + 16) * 4 + 63) & ~63;
    return here;
  });
  const missing = at - instance.memory.buffer.byteLength;
  if (missing > 0) instance.memory.grow(Math.ceil(missing / 65536));
  addresses.forEach((address, k) => new Float32Array(instance.memory.buffer, address, lengths[k]! + 16).fill(12345));
  return addresses;
}

const view = (instance: KernelInstance, at: number, n: number): Float32Array => new Float32Array(instance.memory.buffer, at, n);

/** The kernel's output for x (and dy for the gradients), and the guard past it (must stay the sentinel). */
function wasmSoftmax(instance: KernelInstance, op: SoftmaxOp, x: number[], dy: number[] | null, rows: number, n: number, causal: number): { out: Float32Array; guard: Float32Array } {
  const size = rows * n;
  const [xAt, dyAt, outAt] = place(instance, [size, size, size]);
  view(instance, xAt!, size).set(x);
  if (dy !== null) view(instance, dyAt!, size).set(dy);
  instance.kernels.softmaxF32(SOFTMAX_OPS.indexOf(op), xAt!, dy === null ? 0 : dyAt!, rows, n, 1, outAt!, causal);
  return { out: view(instance, outAt!, size).slice(), guard: view(instance, outAt! + size * 4, 16).slice() };
}

function jsSoftmax(op: SoftmaxOp, x: number[], dy: number[] | null, rows: number, n: number, causal: number): Float32Array {
  const out = js.allocate(rows * n, "float32");
  js.softmax(op, js.fromValues(x, "float32"), dy === null ? null : js.fromValues(dy, "float32"), rows, n, 1, out, causal);
  return Float32Array.from(js.read(out));
}

/** The forward op and its gradient (fed the reference's forward output, so both kernels see the same y) in both builds. */
function checkSoftmax(forward: "softmax" | "logSoftmax", x: number[], rows: number, n: number, causal: number, what: string): void {
  const y = jsSoftmax(forward, x, null, rows, n, causal);
  const grad = forward === "softmax" ? "softmaxGrad" : "logSoftmaxGrad";
  const dy = values(rows * n, 2.5, 0.3);
  const dx = jsSoftmax(grad, [...y], dy, rows, n, 0);
  builds.forEach((instance, b) => {
    const forwardRun = wasmSoftmax(instance, forward, x, null, rows, n, causal);
    close(forwardRun.out, y, SOFTMAX_TOLERANCE, `${forward} ${what}, build ${b}`);
    const gradRun = wasmSoftmax(instance, grad, [...y], dy, rows, n, 0);
    close(gradRun.out, dx, SOFTMAX_TOLERANCE, `${grad} ${what}, build ${b}`);
    for (const guard of [forwardRun.guard, gradRun.guard]) assert.ok(guard.every((v) => v === 12345), `${what}, build ${b}: written past the output`);
  });
}

for (const forward of ["softmax", "logSoftmax"] as const) {
  test(`float32 ${forward} and its gradient on rows of ${FEATURES.join(", ")} entries (${ROWS.join(", ")} rows) match the TS kernel in both builds`, () => {
    for (const n of FEATURES) for (const rows of ROWS) checkSoftmax(forward, values(rows * n, n), rows, n, 0, `[${rows}, ${n}]`);
  });

  test(`float32 ${forward} with a causal mask ending at every position of rows of ${FEATURES.join(", ")} matches the TS kernel in both builds; masked scores (NaN here) are never read`, () => {
    for (const n of FEATURES) {
      for (const [rows, causal] of [[7, 7], [2 * Math.min(n, 70), Math.min(n, 70)], [n + 3, n + 3]]) {
        const x = values(rows! * n, n).map((v, k) => ((k % n) > ((Math.floor(k / n) % causal!)) ? Number.NaN : v));
        checkSoftmax(forward, x, rows!, n, causal!, `[${rows}, ${n}], causal ${causal}`);
      }
    }
  });

  test(`float32 ${forward} keeps the reference's NaN, ±∞ and −∞ rows at every position of rows of 5, 63, 64 and 65, in both builds`, () => {
    for (const n of [5, 63, 64, 65]) {
      const rows = 3;
      const x = values(rows * n, 1);
      for (const at of [0, 1, n - 4, n - 3, n - 1].filter((j) => j >= 0)) {
        for (const special of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38, -3e38]) {
          const withSpecial = [...x];
          withSpecial[n + at] = special; // in the middle row
          checkSoftmax(forward, withSpecial, rows, n, 0, `[${rows}, ${n}], ${special} at ${at}`);
          checkSoftmax(forward, withSpecial, rows, n, rows, `[${rows}, ${n}], causal, ${special} at ${at}`);
        }
      }
      const allNegativeInfinity = x.map((v, k) => (Math.floor(k / n) === 1 ? Number.NEGATIVE_INFINITY : v));
      checkSoftmax(forward, allNegativeInfinity, rows, n, 0, `[${rows}, ${n}], a row of −∞`);
    }
  });
}

test("float32 logSoftmaxGrad on long rows keeps the reference's values for any y, not only a log-softmax's output (y > 87, +∞, far below 0), in both builds", () => {
  for (const n of [8, 63, 64, 65]) {
    const rows = 2;
    const y = values(rows * n, n).map((v) => Math.fround(v - 6));
    // multiples of 1/64: Σ dy is exact in f32 lanes as in the reference's doubles, so e^88.5 does not magnify a rounding of the sum
    const dy = values(rows * n, 7, 0.5).map((v) => Math.round(v * 64) / 64);
    for (const at of [0, n - 1, n + 5]) {
      for (const special of [88.5, 1e3, Number.POSITIVE_INFINITY, -200, Number.NaN]) {
        const withSpecial = [...y];
        withSpecial[at] = special;
        const want = jsSoftmax("logSoftmaxGrad", withSpecial, dy, rows, n, 0);
        builds.forEach((instance, b) => close(wasmSoftmax(instance, "logSoftmaxGrad", withSpecial, dy, rows, n, 0).out, want, SOFTMAX_TOLERANCE, `[${rows}, ${n}], y ${special} at ${at}, build ${b}`));
      }
    }
  }
});

/** The layer norm forward and gradient on x (weight and bias where affine) by a kernel `run`: [mean, variance, y, dx, dweight, dbias]. */
type LayerNormRun = (x: number[], dy: number[], weight: number[] | null, bias: number[] | null, rows: number, features: number) => Float32Array[];

const jsLayerNorm: LayerNormRun = (x, dy, weight, bias, rows, features) => {
  const put = (v: number[] | null): DataRef | null => (v === null ? null : js.fromValues(v, "float32"));
  const [mean, variance, y, dx, dweight, dbias] = [rows, rows, rows * features, rows * features, features, features].map((n) => js.allocate(n, "float32")) as DataRef[];
  const [xRef, weightRef] = [put(x)!, put(weight)];
  js.layerNorm("layerNorm", { x: xRef, dy: null, weight: weightRef, bias: put(bias), mean: mean!, variance: variance!, out: y!, dweight: null, dbias: null }, rows, features, 1e-5);
  js.layerNorm("layerNormGrad", { x: xRef, dy: put(dy), weight: weightRef, bias: null, mean: mean!, variance: variance!, out: dx!, dweight: dweight!, dbias: dbias! }, rows, features, 1e-5);
  return [mean, variance, y, dx, dweight, dbias].map((ref) => Float32Array.from(js.read(ref!)));
};

function wasmLayerNorm(instance: KernelInstance): LayerNormRun {
  return (x, dy, weight, bias, rows, features) => {
    const size = rows * features;
    const lengths = [size, size, features, features, rows, rows, size, size, features, features, (features * LAYER_NORM_SCRATCH_BYTES) / 4];
    const [xAt, dyAt, weightAt, biasAt, meanAt, varianceAt, yAt, dxAt, dweightAt, dbiasAt, scratchAt] = place(instance, lengths) as number[];
    view(instance, xAt!, size).set(x);
    view(instance, dyAt!, size).set(dy);
    if (weight !== null) view(instance, weightAt!, features).set(weight);
    if (bias !== null) view(instance, biasAt!, features).set(bias);
    const [w, b] = [weight === null ? 0 : weightAt!, bias === null ? 0 : biasAt!];
    const k = instance.kernels;
    k.layerNormF32(LAYER_NORM_OPS.indexOf("layerNorm"), xAt!, 0, w, b, meanAt!, varianceAt!, yAt!, 0, 0, rows, features, 1e-5, scratchAt!);
    k.layerNormF32(LAYER_NORM_OPS.indexOf("layerNormGrad"), xAt!, dyAt!, w, 0, meanAt!, varianceAt!, dxAt!, dweightAt!, dbiasAt!, rows, features, 1e-5, scratchAt!);
    const written = [[meanAt, rows], [varianceAt, rows], [yAt, size], [dxAt, size], [dweightAt, features], [dbiasAt, features]] as const;
    for (const [at, n] of written) assert.ok(view(instance, at! + n * 4, 16).every((v) => v === 12345), `layerNorm [${rows}, ${features}]: written past an output`);
    return written.map(([at, n]) => view(instance, at!, n).slice());
  };
}

const LAYER_NORM_NAMES = ["mean", "variance", "y", "dx", "dweight", "dbias"];

/** Every output of both builds within one or two float32 roundings of the reference's (which computes in doubles and rounds once). */
function checkLayerNorm(x: number[], weight: number[] | null, bias: number[] | null, rows: number, features: number, what: string): void {
  const dy = values(rows * features, 4.5, 0.7);
  const want = jsLayerNorm(x, dy, weight, bias, rows, features);
  builds.forEach((instance, b) => {
    const got = wasmLayerNorm(instance)(x, dy, weight, bias, rows, features);
    want.forEach((values, k) => sameRounding(got[k]!, values, `${LAYER_NORM_NAMES[k]} ${what}, build ${b}`));
  });
}

for (const affine of [true, false]) {
  test(`float32 layerNorm and its gradient${affine ? " (affine)" : ""} on rows of ${FEATURES.join(", ")} (${ROWS.join(", ")} rows) stay within a rounding or two of the TS kernel in both builds`, () => {
    for (const features of FEATURES) {
      const [weight, bias] = affine ? [values(features, 11, 0.4), values(features, 13, 0.5)] : [null, null];
      for (const rows of ROWS) checkLayerNorm(values(rows * features, features), weight, bias, rows, features, `[${rows}, ${features}]`);
    }
  });
}

test("float32 layerNorm keeps f64 statistics: rows around 1000 with a spread of 0.01 (where an f32 mean would be off by a tenth of x̂) and a weight without bias", () => {
  for (const features of [5, 64, 65, 257]) {
    const rows = 7;
    // 1000 + k/128 is exact in float32; an f32 x − mean would carry the mean's rounding, ~3e-5 here, ×100 by invstd
    const x = Array.from({ length: rows * features }, (_, i) => 1000 + (((i * 37) % 11) - 5) / 128 + Math.floor(i / features) / 64);
    checkLayerNorm(x, values(features, 3, 0.4, 1), null, rows, features, `[${rows}, ${features}] near 1000`);
  }
});
