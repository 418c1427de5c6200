import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsBackend } from "../../src/backend/js-backend.js";
import { SOFTMAX_OPS } from "../../src/backend/op-table.js";
import type { SoftmaxOp } from "../../src/backend/backend.js";
import { instantiateKernels } from "../../src/backend/wasm/wasm-module.js";

// The float32 softmax kernel on rows of fewer than eight entries (inner = 1), which it runs four
// rows at a time in f32x4 lanes (assembly/softmax-short.ts; rows of two by their own shuffles),
// against the TS kernel (the reference): every row count from 1 to 9 (full groups of four and a
// partial one), every length from 1 to 9 (8 and 9 take the long-row path), and a NaN, ±∞ or a
// value near float32's limits at every position, so in every lane of every group. Called on the
// kernel directly: these sizes would otherwise take the backend's small-op shortcut to TS.

const js = new JsBackend();
const { kernels, memory } = instantiateKernels(false);
const base = Math.ceil(kernels.heapBase() / 64) * 64;
const [xAt, dyAt, outAt] = [base, base + 1024, base + 2048];
const TOLERANCE = 4e-6; // softmax-kernels.test.ts's float32 tolerance

function close(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  assert.equal(got.length, want.length, what);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    if (!Number.isFinite(w)) assert.ok(Object.is(g, w) || (Number.isNaN(g) && Number.isNaN(w)), `${what}: element ${i} is ${g}, expected ${w}`);
    else assert.ok(Math.abs(g - w) <= TOLERANCE * Math.max(1, Math.abs(w)), `${what}: element ${i} is ${g}, expected ${w}`);
  }
}

/** The WebAssembly kernel's output for x (and dy for the gradients), `out` at x's address when in place. */
function wasmSoftmax(op: SoftmaxOp, x: number[], dy: number[] | null, rows: number, n: number, inPlace = false): Float32Array {
  const size = rows * n;
  new Float32Array(memory.buffer, xAt, size).set(x);
  if (dy !== null) new Float32Array(memory.buffer, dyAt, size).set(dy);
  const out = inPlace ? xAt : outAt;
  if (!inPlace) new Float32Array(memory.buffer, outAt, size).fill(12345); // stale values must not survive
  kernels.softmaxF32(SOFTMAX_OPS.indexOf(op), xAt, dy === null ? 0 : dyAt, rows, n, 1, out, 0);
  return new Float32Array(memory.buffer, out, size).slice();
}

function jsSoftmax(op: SoftmaxOp, x: number[], dy: number[] | null, rows: number, n: number): Float32Array {
  const out = js.allocate(rows * n, "float32");
  js.softmax(op, js.fromValues(x, "float32"), dy === null ? null : js.fromValues(dy, "float32"), rows, n, 1, out);
  return Float32Array.from(js.read(out));
}

/** Scores spread over a few units, rounded to float32 (what the kernel reads). */
function scores(size: number, seed: number): number[] {
  return Array.from({ length: size }, (_, i) => Math.fround(Math.sin(i * 0.37 + seed) * 6 + (i % 5) - 2));
}

/** The forward op and its gradient on x, the gradient fed the reference's forward output (so both kernels see the same y). */
function checkBoth(forward: "softmax" | "logSoftmax", x: number[], rows: number, n: number, what: string): void {
  const y = jsSoftmax(forward, x, null, rows, n);
  close(wasmSoftmax(forward, x, null, rows, n), y, `${forward} ${what}`);
  const grad = forward === "softmax" ? "softmaxGrad" : "logSoftmaxGrad";
  const dy = scores(rows * n, 2.5).map((v) => Math.fround(v / 3));
  close(wasmSoftmax(grad, [...y], dy, rows, n), jsSoftmax(grad, [...y], dy, rows, n), `${grad} ${what}`);
}

const SPECIALS = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 3e38, -3e38];

for (const forward of ["softmax", "logSoftmax"] as const) {
  test(`float32 ${forward} and its gradient on 1 to 9 rows of 1 to 9 entries match the TS kernel, a NaN, ±∞ or ±3e38 in every lane`, () => {
    for (let n = 1; n <= 9; n++) {
      for (let rows = 1; rows <= 9; rows++) {
        const x = scores(rows * n, n + rows);
        checkBoth(forward, x, rows, n, `[${rows}, ${n}]`);
        for (let at = 0; at < rows * n; at++) {
          for (const special of SPECIALS) {
            const withSpecial = [...x];
            withSpecial[at] = special;
            checkBoth(forward, withSpecial, rows, n, `[${rows}, ${n}], ${special} at ${at}`);
          }
        }
        // a row of −∞ only (NaN, as 0/0), and one with −∞ beside finite scores
        const masked = [...x];
        for (let j = 0; j < n; j++) masked[(rows - 1) * n + j] = Number.NEGATIVE_INFINITY;
        if (rows > 1) for (let j = 1; j < n; j++) masked[j] = Number.NEGATIVE_INFINITY;
        checkBoth(forward, masked, rows, n, `[${rows}, ${n}], −∞ rows`);
      }
    }
  });
}

test("float32 softmax kernels on short rows: large score gaps underflow to 0 where the reference does, and each row of softmax sums to 1", () => {
  for (let n = 1; n <= 7; n++) {
    const rows = 6;
    // gaps of 0 to 200 between entries: e^−200 underflows, e^−20 does not
    const x = Array.from({ length: rows * n }, (_, i) => Math.fround(((i * 7) % 11) * 20 - 100));
    checkBoth("softmax", x, rows, n, `gaps, [${rows}, ${n}]`);
    checkBoth("logSoftmax", x, rows, n, `gaps, [${rows}, ${n}]`);
    const y = wasmSoftmax("softmax", scores(rows * n, 1), null, rows, n);
    for (let r = 0; r < rows; r++) {
      let sum = 0;
      for (let j = 0; j < n; j++) sum += y[r * n + j]!;
      assert.ok(Math.abs(sum - 1) < 1e-6, `row ${r} of [${rows}, ${n}] sums to ${sum}`);
    }
  }
});

test("float32 logSoftmaxGrad on short rows keeps the reference's values for any y, not only a log-softmax's output (y > 87, +∞, far below 0)", () => {
  // the lane path's exp covers y ≤ 87 (a forward's y is ≤ 0); a column with a larger y takes the
  // scalar formula. (The long-row path, 8 entries on, checks each row's largest y once:
  // norm-softmax-lanes.test.ts.)
  for (let n = 1; n <= 7; n++) {
    for (let rows = 1; rows <= 9; rows++) {
      const y = scores(rows * n, n).map((v) => Math.fround(v - 4));
      const dy = scores(rows * n, 7).map((v) => Math.fround(v / 5));
      for (let at = 0; at < rows * n; at++) {
        for (const special of [88.5, 1e3, Number.POSITIVE_INFINITY, -200, Number.NaN]) {
          const withSpecial = [...y];
          withSpecial[at] = special;
          close(wasmSoftmax("logSoftmaxGrad", withSpecial, dy, rows, n), jsSoftmax("logSoftmaxGrad", withSpecial, dy, rows, n), `logSoftmaxGrad [${rows}, ${n}], y ${special} at ${at}`);
        }
      }
    }
  }
});

test("float32 softmax kernels on short rows may write their output over their input, as on the long-row path", () => {
  for (const n of [1, 2, 3, 5, 7]) {
    const rows = 9;
    const x = scores(rows * n, 3);
    const dy = scores(rows * n, 4);
    for (const op of ["softmax", "logSoftmax"] as const) {
      assert.deepEqual(wasmSoftmax(op, x, null, rows, n, true), wasmSoftmax(op, x, null, rows, n), `${op} [${rows}, ${n}] in place`);
    }
    const y = [...jsSoftmax("logSoftmax", x, null, rows, n)];
    for (const op of ["softmaxGrad", "logSoftmaxGrad"] as const) {
      assert.deepEqual(wasmSoftmax(op, y, dy, rows, n, true), wasmSoftmax(op, y, dy, rows, n), `${op} [${rows}, ${n}] in place`);
    }
  }
});
