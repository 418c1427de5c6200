import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { BinaryOp, DataRef, StridedRef, UnaryOp } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";
import { UNARY_OPS } from "../../src/backend/op-table.js";
import { instantiateKernels } from "../../src/backend/wasm/wasm-module.js";

// Every WebAssembly kernel against the TS backend on inputs large enough to leave the small-op
// shortcut (1,003 elements: SIMD body plus a scalar tail), with NaN, ±Infinity and ±0 mixed in.
// The ops-vs-PyTorch fixtures cover semantics on both backends; this covers the SIMD paths.

const wasm = new WasmBackend(0);
const js = new JsBackend();
const N = 1003;

function values(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => 3 * Math.sin(seed * 13.7 + i * 1.3));
  out[5] = Number.NaN;
  out[9] = Number.POSITIVE_INFINITY;
  out[14] = Number.NEGATIVE_INFINITY;
  out[20] = 0;
  out[21] = -0;
  out[22] = 2; // equal operands for the comparisons
  return out;
}

function same(got: ArrayLike<number>, want: ArrayLike<number>, label: string, rtol = 0): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= rtol * Math.abs(w);
    assert.ok(ok, `${label}: element ${i} is ${g}, expected ${w}`);
  }
}

function both(values: number[], dtype: DType): [DataRef, DataRef] {
  return [wasm.fromValues(values, dtype), js.fromValues(values, dtype)];
}

const UNARY: UnaryOp[] = ["neg", "exp", "log", "sqrt", "abs", "sign", "relu", "sigmoid", "tanh", "step"];
const BINARY: BinaryOp[] = ["add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq"];

const VECTOR_F32: UnaryOp[] = ["exp", "log", "sigmoid", "tanh"];

test("float32 exp and log are within 1 ulp, sigmoid and tanh within 2, over their whole range", () => {
  const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  const sweeps: [UnaryOp, (v: number) => number, (i: number, n: number) => number, number][] = [
    ["exp", Math.exp, (i, n) => -110 + (200 * i) / n, 1],
    ["log", Math.log, (i, n) => Math.exp(-100 + (190 * i) / n), 1],
    ["log", Math.log, (i, n) => 0.5 + (1.5 * i) / n, 1], // around 1, where ln x is small
    ["sigmoid", sigmoid, (i, n) => -110 + (220 * i) / n, 2],
    ["tanh", Math.tanh, (i, n) => -50 + (100 * i) / n, 2],
    ["tanh", Math.tanh, (i, n) => -1 + (2 * i) / n, 2], // the polynomial, the exp form and the switch at 0.625
    ["tanh", Math.tanh, (i, n) => 1e-6 * (i - n / 2), 2], // near 0, where the exp form would cancel
  ];
  const n = 100_003;
  for (const [op, exact, at, ulps] of sweeps) {
    const inputs = Float32Array.from({ length: n }, (_, i) => at(i, n));
    const out = wasm.allocate(n, "float32");
    wasm.unary(op, wasm.fromValues(inputs, "float32"), out);
    const got = wasm.read(out);
    for (let i = 0; i < n; i++) {
      const want = Math.fround(exact(inputs[i]!));
      const ulp = Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
      assert.ok(got[i] === want || Math.abs(got[i]! - want) <= ulps * ulp, `${op}(${inputs[i]}) is ${got[i]}, expected ${want}`);
    }
  }
});

test("float32 silu is within 2 ulps in lanes, and its derivative within 2 ulps of its terms' size (it cancels near its zero, as PyTorch's float32 form)", () => {
  // silu'(x) = σ(x)·(1 + x·σ(−x)): the lanes take σ(−x) as a quotient of its own, not 1 − σ(x),
  // which float32 rounds to 0 from x ≈ 17 on (then silu' would come out 1 against 1 + x·e^−x,
  // 6 ulps off at x = 17). Near the zero at x ≈ −1.278 the sum cancels, so its error is bounded
  // by the size of σ(x) + |x·σ(x)·σ(−x)| rather than by the value.
  const sigmoid = (v: number): number => (v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v)));
  const silu = (v: number): [number, number] => [v * sigmoid(v), Math.abs(v * sigmoid(v))];
  const siluGrad = (v: number): [number, number] => [sigmoid(v) * (1 + v * sigmoid(-v)), sigmoid(v) + Math.abs(v * sigmoid(v) * sigmoid(-v))];
  const sweeps: [UnaryOp, (v: number) => [number, number], (i: number, n: number) => number][] = [
    ["silu", silu, (i, n) => -100 + (200 * i) / n],
    ["silu", silu, (i, n) => 1e-6 * (i - n / 2)],
    ["siluGrad", siluGrad, (i, n) => -100 + (200 * i) / n],
    ["siluGrad", siluGrad, (i, n) => -2 + (4 * i) / n], // across the zero at −1.278
    ["siluGrad", siluGrad, (i, n) => 10 + (20 * i) / n], // where 1 − σ(x) would round to 0
  ];
  const n = 100_003;
  for (const [op, exact, at] of sweeps) {
    const inputs = Float32Array.from({ length: n }, (_, i) => at(i, n));
    const out = wasm.allocate(n, "float32");
    wasm.unary(op, wasm.fromValues(inputs, "float32"), out);
    const got = wasm.read(out);
    for (let i = 0; i < n; i++) {
      const [want, size] = exact(inputs[i]!);
      assert.ok(Math.abs(got[i]! - want) <= 2 * Math.max(size * 2 ** -23, 2 ** -149), `${op}(${inputs[i]}) is ${got[i]}, expected ${want}`);
    }
  }
});

test("float32 elu is within 3 ulps in lanes and its derivative within 2, for several α, across the switch at −0.5 and where e^x leaves the normal range", () => {
  // above −0.5, e^x − 1 would lose its digits to cancellation: the lanes take 2t/(1 − t) with
  // t = tanh(x/2) there (computing e^x − 1 everywhere fails this near 0)
  const elu = (alpha: number) => (v: number): number => (v > 0 ? v : alpha * Math.expm1(v));
  const eluGrad = (alpha: number) => (v: number): number => (v > 0 ? 1 : alpha * Math.exp(v));
  const ranges: ((i: number, n: number) => number)[] = [(i, n) => -95 + (105 * i) / n, (i, n) => -1 + (2 * i) / n, (i, n) => 1e-6 * (i - n / 2)];
  const n = 50_003;
  for (const alpha of [1, 0.3, 1.7]) {
    for (const [op, exact, ulps] of [["elu", elu(alpha), 3], ["eluGrad", eluGrad(alpha), 2]] as const) {
      for (const at of ranges) {
        const inputs = Float32Array.from({ length: n }, (_, i) => at(i, n));
        const out = wasm.allocate(n, "float32");
        wasm.unary(op, wasm.fromValues(inputs, "float32"), out, alpha);
        const got = wasm.read(out);
        for (let i = 0; i < n; i++) {
          const want = Math.fround(exact(inputs[i]!));
          const ulp = Math.max(Math.abs(want) * 2 ** -23, 2 ** -149);
          assert.ok(got[i] === want || Math.abs(got[i]! - want) <= ulps * ulp, `${op}(${inputs[i]}) with α ${alpha} is ${got[i]}, expected ${want}`);
        }
      }
    }
  }
});

test("float32 exp, log, sigmoid, tanh, gelu and silu keep every element right wherever an out-of-range value sits in the unrolled vector loop", () => {
  // The loops take four groups of four per iteration (two for gelu's derivative) and send a pass
  // holding a lane out of the polynomials' range group by group through the vector or scalar
  // path, then a tail of lone groups and single elements: one such value at each position of
  // each length up to 40 meets every one of those paths. Called on the kernel directly, as
  // these lengths would otherwise take the backend's small-op shortcut.
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const [x, y] = [base, base + 1024];
  const outOfRange: [UnaryOp, number, number][] = [["exp", 100, 2 ** -22], ["log", -1, 2 ** -22], ["sigmoid", -100, 2 ** -22], ["gelu", -5, 2 ** -19], ["geluGrad", 12, 2 ** -19], ["tanh", 50, 2 ** -22], ["silu", -100, 2 ** -21], ["siluGrad", 100, 2 ** -21]];
  for (const [op, far, rtol] of outOfRange) {
    // silu's derivative away from its zero (−1.278), where its relative error is not bounded
    const shift = op === "siluGrad" ? 2 : 0;
    for (let n = 1; n <= 40; n++) {
      const inRange = Array.from({ length: n }, (_, i) => Math.fround(shift + 0.37 + 1.7 * Math.sin(3.1 * i + n)));
      for (let position = 0; position < n; position++) {
        for (const special of [far, Number.NaN]) {
          const input = [...inRange];
          input[position] = special;
          new Float32Array(memory.buffer, x, n).set(input);
          kernels.unaryF32(UNARY_OPS.indexOf(op), x, y, n, 0, 0);
          const want = js.allocate(n, "float32");
          js.unary(op, js.fromValues(input, "float32"), want);
          same(new Float32Array(memory.buffer, y, n), js.read(want), `${op}, ${special} at ${position} of ${n}`, rtol);
        }
      }
    }
  }
});

test("float32 transcendental ops give each element the same bits whatever its neighbours: a value out of the vector form's range takes the scalar path alone", () => {
  // A pass of four groups of four is computed in lanes; each lane out of the polynomials' range
  // (gelu below −3, exp beyond ±87, NaN) is then redone on the scalar path. When its whole group
  // went the scalar way (f64, rounded once), its neighbours' last bits changed with it, so a
  // value's result hung on which values sat beside it in the tensor.
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const [x, y] = [base, base + 1024];
  const n = 37; // two passes of sixteen, a lone group and a scalar tail
  const cases: [UnaryOp, number, (i: number) => number][] = [
    ["exp", 100, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["sigmoid", -100, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["tanh", 50, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["gelu", -5, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["geluGrad", -5, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["silu", -100, (i) => 0.3 + 2.9 * Math.sin(1.7 * i)],
    ["log", -1, (i) => 1.5 + Math.sin(1.7 * i)],
  ];
  const run = (op: UnaryOp, input: number[]): Float32Array => {
    new Float32Array(memory.buffer, x, n).set(input);
    kernels.unaryF32(UNARY_OPS.indexOf(op), x, y, n, 0, 0);
    return new Float32Array(memory.buffer, y, n).slice();
  };
  for (const [op, far, at] of cases) {
    const inRange = Array.from({ length: n }, (_, i) => Math.fround(at(i)));
    const alone = run(op, inRange);
    for (let position = 0; position < 32; position++) {
      for (const special of [far, Number.NaN]) {
        const input = [...inRange];
        input[position] = special;
        const got = run(op, input);
        for (let i = 0; i < n; i++) {
          if (i !== position) assert.ok(Object.is(got[i], alone[i]), `${op}: element ${i} is ${got[i]} beside ${special} at ${position}, ${alone[i]} without it`);
        }
      }
    }
  }
});

test("float32 tanh in lanes keeps the sign of zero and of tiny values, and reaches ±1 exactly far out", () => {
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const input = [-0, 0, -1e-30, 1e-30, 20, -20, 43, -43]; // two groups of four, both in the vector form's range
  new Float32Array(memory.buffer, base, input.length).set(input);
  kernels.unaryF32(UNARY_OPS.indexOf("tanh"), base, base + 64, input.length, 0, 0);
  const got = [...new Float32Array(memory.buffer, base + 64, input.length)];
  assert.ok(Object.is(got[0], -0) && Object.is(got[1], 0), `tanh(∓0) = ${got.slice(0, 2).map((v) => (Object.is(v, -0) ? "-0" : v)).join(", ")}`);
  assert.deepEqual(got.slice(2), [Math.fround(-1e-30), Math.fround(1e-30), 1, -1, 1, -1]);
});

test("sign, leakyRelu, its gradient and rsqrt in lanes give the TS backend's bits (f64 arithmetic rounded once to float32), specials at every position of lengths up to 12", () => {
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const [x, y] = [base, base + 1024];
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -1e-45, 3.4e38, -3.4e38, 0.1];
  const cases: [UnaryOp, number][] = [["sign", 0], ["leakyRelu", 0.01], ["leakyRelu", 1 / 3], ["leakyRelu", -2.5], ["leakyReluGrad", 0.2], ["rsqrt", 0]];
  const show = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));
  for (const dtype of ["float32", "float64"] as const) {
    const f64 = dtype === "float64";
    const view = (at: number, n: number): Float32Array | Float64Array => (f64 ? new Float64Array(memory.buffer, at, n) : new Float32Array(memory.buffer, at, n));
    for (const [op, alpha] of cases) {
      for (let n = 1; n <= 12; n++) {
        for (let position = 0; position < n; position++) {
          for (const special of specials) {
            const input = Array.from({ length: n }, (_, i) => (i === position ? special : 2.7 * Math.sin(1.9 * i + n) * (i % 3 === 0 ? 1e-3 : 1)));
            view(x, n).set(input);
            (f64 ? kernels.unaryF64 : kernels.unaryF32)(UNARY_OPS.indexOf(op), x, y, n, alpha, 0);
            const want = js.allocate(n, dtype);
            js.unary(op, js.fromValues(input, dtype), want, alpha);
            const [got, expected] = [view(y, n), js.read(want)];
            for (let i = 0; i < n; i++) {
              const ok = Object.is(got[i], expected[i]) || (Number.isNaN(got[i]!) && Number.isNaN(expected[i]!));
              assert.ok(ok, `${op}(${show(view(x, n)[i]!)}${alpha === 0 ? "" : `, ${alpha}`}) ${dtype} at ${i} of ${n}: ${show(got[i]!)}, expected ${show(expected[i]!)}`);
            }
          }
        }
      }
    }
  }
});

test("clamp's vector loop gives the scalar rule's bits: NaN through, −0 kept, bounds met exactly, at every position of every length up to 20", () => {
  // x < lo ? lo : x > hi ? hi : x, in lanes and in the tail alike; called on the kernels
  // directly, as these lengths would otherwise take the backend's small-op shortcut
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const [x, y] = [base, base + 1024];
  const specials = [Number.NaN, -0, 0, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, -1, 0.5, 2];
  const bounds: [number, number][] = [[-1, 0.5], [-0, 0], [0, 0], [2, 2], [Number.NEGATIVE_INFINITY, 0.5], [-1, Number.POSITIVE_INFINITY]];
  const rule = (v: number, lo: number, hi: number): number => (v < lo ? lo : v > hi ? hi : v);
  const show = (v: number): string => (Object.is(v, -0) ? "-0" : String(v));
  for (const f64 of [false, true]) {
    const view = (at: number, n: number): Float32Array | Float64Array => (f64 ? new Float64Array(memory.buffer, at, n) : new Float32Array(memory.buffer, at, n));
    for (const [lo, hi] of bounds) {
      for (let n = 1; n <= 20; n++) {
        for (let position = 0; position < n; position++) {
          for (const special of specials) {
            const input = Array.from({ length: n }, (_, i) => (i === position ? special : Math.fround(1.7 * Math.sin(2.3 * i + n))));
            view(x, n).set(input);
            (f64 ? kernels.clampF64 : kernels.clampF32)(x, lo, hi, y, n);
            const got = view(y, n);
            for (let i = 0; i < n; i++) {
              const want = rule(input[i]!, lo, hi);
              assert.ok(Object.is(got[i], want) || (Number.isNaN(want) && Number.isNaN(got[i])), `clamp(${show(input[i]!)}, ${show(lo)}, ${show(hi)}) at ${i} of ${n} (${f64 ? "f64" : "f32"}): ${show(got[i]!)}, expected ${show(want)}`);
            }
          }
        }
      }
    }
  }
});

for (const dtype of ["float32", "float64"] as const) {
  // transcendental functions come from different libm ports: one rounding apart in float64
  const libm = dtype === "float64" ? 1e-15 : 0;

  test(`wasm unary kernels and clamp match the TS backend (${dtype})`, () => {
    const [x, xj] = both(values(N, 1), dtype);
    for (const op of UNARY) {
      const [out, outj] = [wasm.allocate(N, dtype), js.allocate(N, dtype)];
      wasm.unary(op, x, out);
      js.unary(op, xj, outj);
      // float32 exp, log and sigmoid run as float32 polynomials: within 2 ulps (2⁻²² relative)
      const tolerance = dtype === "float32" && VECTOR_F32.includes(op) ? 2 ** -22 : libm;
      same(wasm.read(out), js.read(outj), `${op} ${dtype}`, tolerance);
    }
    const [out, outj] = [wasm.allocate(N, dtype), js.allocate(N, dtype)];
    wasm.clamp(x, -1, 0.5, out);
    js.clamp(xj, -1, 0.5, outj);
    same(wasm.read(out), js.read(outj), `clamp ${dtype}`);
  });

  test(`wasm binary kernels match the TS backend: contiguous, scalar and row broadcasts, permuted views (${dtype})`, () => {
    const [a, aj] = both(values(N, 2), dtype);
    const [b, bj] = both(values(N, 3), dtype);
    const [row, rowj] = both(values(59, 4), dtype);
    const view = (ref: DataRef, strides: number[], offset = 0): StridedRef => ({ ref, offset, strides });
    const cases: [string, number[], (r: [DataRef, DataRef]) => StridedRef[], (r: [DataRef, DataRef]) => StridedRef[]][] = [
      ["contiguous", [N], ([w]) => [view(w, [1])], ([, j]) => [view(j, [1])]],
      ["scalar right", [N], ([w]) => [view(w, [0], 7)], ([, j]) => [view(j, [0], 7)]],
      ["row broadcast [17, 59]", [17, 59], () => [view(row, [0, 1])], () => [view(rowj, [0, 1])]],
      ["permuted [17, 59]", [17, 59], ([w]) => [view(w, [1, 17])], ([, j]) => [view(j, [1, 17])]],
      ["permuted 3-d [3, 17, 19]", [3, 17, 19], ([w]) => [view(w, [1, 57, 3])], ([, j]) => [view(j, [1, 57, 3])]],
    ];
    for (const op of BINARY) {
      for (const [name, shape, right, rightJs] of cases) {
        const size = shape.reduce((p, d) => p * d, 1);
        const left = shape.length === 1 ? view(a, [1]) : view(a, shape.length === 2 ? [59, 1] : [323, 19, 1]);
        const leftJs = { ...left, ref: aj };
        const [out, outj] = [wasm.allocate(size, dtype), js.allocate(size, dtype)];
        wasm.binary(op, left, right([b, bj])[0]!, shape, out);
        js.binary(op, leftJs, rightJs([b, bj])[0]!, shape, outj);
        same(wasm.read(out), js.read(outj), `${op} ${name} ${dtype}`, op === "pow" ? libm : 0);
        // and with the broadcast operand on the left
        wasm.binary(op, right([b, bj])[0]!, left, shape, out);
        js.binary(op, rightJs([b, bj])[0]!, leftJs, shape, outj);
        same(wasm.read(out), js.read(outj), `${op} ${name} swapped ${dtype}`, op === "pow" ? libm : 0);
      }
    }
  });

  test(`wasm axpby matches the TS backend and rounds each product like a multiply then an add (${dtype})`, () => {
    const [x, xj] = both(values(N, 6), dtype);
    const [y, yj] = both(values(N, 7), dtype);
    for (const [alpha, beta] of [[0.9, 1], [1, -0.05], [0.3, 0.7]] as const) {
      const [out, outj] = [wasm.allocate(N, dtype), js.allocate(N, dtype)];
      wasm.axpby(alpha, x, beta, y, out);
      js.axpby(alpha, xj, beta, yj, outj);
      const got = wasm.read(out);
      same(got, js.read(outj), `axpby ${alpha} ${beta} ${dtype}`);
      // the reference: alpha·x and beta·y rounded to the dtype, then added and rounded
      const [vx, vy] = [wasm.read(x), wasm.read(y)];
      const round = dtype === "float32" ? Math.fround : (v: number) => v;
      same(got, Array.from(vx, (v, i) => round(round(round(alpha) * v) + round(round(beta) * vy[i]!))), `axpby reference ${alpha} ${beta} ${dtype}`);
    }
    // in place, as optimizers call it (out is x)
    const [z, zj] = both(values(N, 8), dtype);
    wasm.axpby(0.5, z, 2, y, z);
    js.axpby(0.5, zj, 2, yj, zj);
    same(wasm.read(z), js.read(zj), `axpby in place ${dtype}`);
  });

  test(`wasm reductions, argmax, gather and scatterAdd match the TS backend (${dtype})`, () => {
    const finite = values(N + 1, 5).map((v) => (Number.isFinite(v) ? v : 1));
    const [x, xj] = both(finite.slice(0, 4 * 251), dtype);
    for (const [outer, axis, inner] of [[4, 251, 1], [1, 4, 251], [2, 2, 251], [4, 251, 1]] as const) {
      for (const op of ["sum", "max"] as const) {
        const [out, outj] = [wasm.allocate(outer * inner, dtype), js.allocate(outer * inner, dtype)];
        wasm.reduce(op, x, outer, axis, inner, out);
        js.reduce(op, xj, outer, axis, inner, outj);
        // the f64 accumulators may add in another order: last-bit differences in float64
        same(wasm.read(out), js.read(outj), `${op} [${outer}, ${axis}, ${inner}] ${dtype}`, dtype === "float64" ? 1e-14 : 0);
      }
      const [out, outj] = [wasm.allocate(outer * inner, "float32"), js.allocate(outer * inner, "float32")];
      wasm.argmax(x, outer, axis, inner, out);
      js.argmax(xj, outer, axis, inner, outj);
      same(wasm.read(out), js.read(outj), `argmax [${outer}, ${axis}, ${inner}] ${dtype}`);
    }
    const index = Array.from({ length: 4 * 60 }, (_, i) => (i * 37) % 251);
    const [idx, idxj] = both(index, dtype);
    const [out, outj] = [wasm.allocate(240, dtype), js.allocate(240, dtype)];
    wasm.gather(x, idx, 4, 251, 60, 1, out);
    js.gather(xj, idxj, 4, 251, 60, 1, outj);
    same(wasm.read(out), js.read(outj), `gather ${dtype}`);
    const [dx, dxj] = [wasm.allocate(4 * 251, dtype), js.allocate(4 * 251, dtype)];
    wasm.fill(dx, 0.5);
    js.fill(dxj, 0.5);
    wasm.scatterAdd(out, idx, 4, 251, 60, 1, dx);
    js.scatterAdd(outj, idxj, 4, 251, 60, 1, dxj);
    same(wasm.read(dx), js.read(dxj), `scatterAdd ${dtype}`);
  });
}

for (const dtype of ["float32", "float64"] as const) {
  test(`wasm column sums (inner > 1, f64 lanes over adjacent columns) equal the TS backend's bit for bit, NaN and ±Infinity included (${dtype})`, () => {
    // each column is added in row order from 0, as the TS loop adds it: eight columns per pass,
    // then pairs, then a lone column; magnitudes from 1e-3 to 1e9 make any other order show
    for (let inner = 2; inner <= 19; inner++) {
      for (const [outer, axis] of [[1, 37], [3, 20]] as const) {
        const size = outer * axis * inner;
        const input = Array.from({ length: size }, (_, i) => Math.sin(i * 0.71) * 10 ** ((i * 7) % 13 - 3));
        if (inner > 5) [input[inner + 3], input[2 * inner + 4], input[3 * inner + 5]] = [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY];
        const [x, xj] = both(input, dtype);
        const [out, outj] = [wasm.allocate(outer * inner, dtype), js.allocate(outer * inner, dtype)];
        wasm.reduce("sum", x, outer, axis, inner, out);
        js.reduce("sum", xj, outer, axis, inner, outj);
        const [got, want] = [wasm.read(out), js.read(outj)];
        for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]), `sum [${outer}, ${axis}, ${inner}] ${dtype}: element ${i} is ${got[i]}, expected ${want[i]}`);
      }
    }
  });
}

for (const dtype of ["float32", "float64"] as const) {
  test(`wasm logsumexp (composed of SIMD max, sub, exp and sum passes) matches the TS backend, NaN and ±Infinity included (${dtype})`, () => {
    const mixed = values(4 * 251, 7);
    mixed.fill(Number.NEGATIVE_INFINITY, 251, 502); // a whole row of −∞
    const [x, xj] = both(mixed, dtype);
    for (const [outer, axis, inner] of [[4, 251, 1], [1, 4, 251], [2, 2, 251]] as const) {
      const [out, outj] = [wasm.allocate(outer * inner, dtype), js.allocate(outer * inner, dtype)];
      wasm.logsumexp(x, outer, axis, inner, out);
      js.logsumexp(xj, outer, axis, inner, outj);
      // SIMD exp is within an ulp or two of Math.exp; the sums then agree to about that
      same(wasm.read(out), js.read(outj), `logsumexp [${outer}, ${axis}, ${inner}] ${dtype}`, dtype === "float64" ? 1e-13 : 1e-6);
    }
  });
}

test("wasm gather and scatterAdd with an int32 index (compile's replay) match the TS kernels, and report the first index out of range having written nothing", () => {
  const { kernels, memory } = instantiateKernels(false);
  const base = Math.ceil(kernels.heapBase() / 64) * 64;
  const [xAt, indexAt, outAt] = [base, base + 8192, base + 16384];
  for (const dtype of ["float32", "float64"] as const) {
    const Data = dtype === "float32" ? Float32Array : Float64Array;
    const [gather, scatterAdd] = dtype === "float32" ? [kernels.gatherIndexI32F32, kernels.scatterAddIndexI32F32] : [kernels.gatherIndexI32F64, kernels.scatterAddIndexI32F64];
    // [outer, axisSize, indexAxis, inner]: one pick per row (the flat loop), several, and inner > 1
    for (const [outer, axisSize, indexAxis, inner] of [[200, 2, 1, 1], [7, 5, 3, 1], [3, 4, 6, 5], [1, 9, 2, 1]] as const) {
      const xValues = values(outer * axisSize * inner, 3).slice(0, outer * axisSize * inner); // values() writes its specials up to position 22
      const index = Array.from({ length: outer * indexAxis * inner }, (_, i) => (i * 7 + (i >> 2)) % axisSize);
      new Data(memory.buffer, xAt, xValues.length).set(xValues);
      new Int32Array(memory.buffer, indexAt, index.length).set(index);
      const shape = `[${outer}, ${axisSize}, ${indexAxis}, ${inner}] ${dtype}`;
      assert.equal(gather(xAt, indexAt, outer, axisSize, indexAxis, inner, outAt), -1, `gather ${shape}`);
      const want = js.allocate(index.length, dtype);
      js.gather(js.fromValues(xValues, dtype), js.fromValues(index, "int32"), outer, axisSize, indexAxis, inner, want);
      same(new Data(memory.buffer, outAt, index.length), js.read(want), `gather ${shape}`);
      // scatterAdd adds into what out holds: x's values
      const dy = values(index.length, 4).slice(0, index.length).map((v) => (Number.isFinite(v) ? v : 1));
      new Data(memory.buffer, outAt, index.length).set(dy);
      assert.equal(scatterAdd(outAt, indexAt, outer, axisSize, indexAxis, inner, xAt), -1, `scatterAdd ${shape}`);
      const accumulated = js.fromValues(xValues, dtype);
      js.scatterAdd(js.fromValues(dy, dtype), js.fromValues(index, "int32"), outer, axisSize, indexAxis, inner, accumulated);
      same(new Data(memory.buffer, xAt, xValues.length), js.read(accumulated), `scatterAdd ${shape}`);
      // a bad index anywhere: its position comes back and nothing was written
      for (const bad of [-1, axisSize, 2 ** 31 - 1]) {
        const at = index.length - 1 - (index.length >> 1);
        const withBad = [...index];
        withBad[at] = bad;
        new Int32Array(memory.buffer, indexAt, index.length).set(withBad);
        new Data(memory.buffer, outAt, index.length).fill(7);
        const before = new Data(memory.buffer, xAt, xValues.length).slice();
        assert.equal(gather(xAt, indexAt, outer, axisSize, indexAxis, inner, outAt), at, `gather ${shape}, ${bad} at ${at}`);
        assert.ok(new Data(memory.buffer, outAt, index.length).every((v) => v === 7), `gather ${shape} wrote with a bad index`);
        assert.equal(scatterAdd(outAt, indexAt, outer, axisSize, indexAxis, inner, xAt), at, `scatterAdd ${shape}, ${bad} at ${at}`);
        assert.deepEqual(new Data(memory.buffer, xAt, xValues.length), before, `scatterAdd ${shape} wrote with a bad index`);
      }
    }
  }
});
