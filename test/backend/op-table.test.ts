import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { JsBackend } from "../../src/backend/js-backend.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { BINARY_OPS, UNARY_OPS, type BinaryOp, type UnaryOp } from "../../src/backend/op-table.js";
import { instantiateKernels } from "../../src/backend/wasm/wasm-module.js";
import type { Backend, DataRef, StridedRef } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

// Every op of the table runs on every backend and agrees with the reference (TS) backend, on
// sizes that take the WebAssembly kernels' SIMD body and scalar tail (1,003) and the small-op
// shortcut (7), with NaN, ±∞ and ±0 mixed in. The lists come from the table itself: an op
// added there is tested here without editing this file.

const reference = new JsBackend();
const backends: Backend[] = [new WasmBackend(0)];

function values(n: number, seed: number): number[] {
  const out = Array.from({ length: n }, (_, i) => 4 * Math.sin(seed * 13.7 + i * 1.3));
  out[1] = Number.NaN;
  out[2] = Number.POSITIVE_INFINITY;
  out[3] = Number.NEGATIVE_INFINITY;
  out[4] = 0;
  out[5] = -0;
  if (n > 30) {
    out[20] = 2.5; // a tie for round, equal operands for the predicates
    out[21] = -1.5;
    out[22] = 1e-9;
    out[23] = 40; // beyond softplus's threshold, exp's float32 range
    out[24] = -40;
  }
  return out;
}

// Transcendental ops come from different libm ports (V8's and musl's in AssemblyScript): one
// float64 rounding apart, which a float32 result almost always rounds away (not always).
const EXACT = new Set<string>(["neg", "abs", "sign", "relu", "step", "sqrt", "reciprocal", "rsqrt", "floor", "ceil", "round", "trunc", "logicalNot", "leakyRelu", "leakyReluGrad", "add", "sub", "mul", "div", "maximum", "minimum", "gt", "ge", "lt", "le", "eq", "remainder", "floorDivide", "logicalAnd", "logicalOr", "logicalXor"]);
// float32 exp, log, sigmoid and silu run as float32 polynomials in WebAssembly: within 2 ulps
const POLYNOMIAL_F32 = new Set<string>(["exp", "log", "sigmoid", "silu", "siluGrad"]);
// float32 silu' = σ(x)·(1 + x·σ(−x)) cancels near its zero (x ≈ −1.278): within 2 ulps of its
// terms' size, σ(x) + |x·σ(x)·σ(−x)| ≤ 1.1 for every x, not of its value
const CANCELLING_F32 = new Set<string>(["siluGrad"]);
// float32 elu in lanes: e^x − 1 from tanh(x/2) above −0.5, α rounded to float32: within 3 ulps
const ELU_F32 = new Set<string>(["elu", "eluGrad"]);
// float32 gelu and its derivative: a float32 erfc approximation and exp, within 2⁻¹⁹ (transcendental.ts)
const ERFC_F32 = new Set<string>(["gelu", "geluGrad"]);

// formulas of several libm calls, some with cancellation (gelu's derivative for x < 0): a few
// float64 roundings apart
const COMPOSITE = new Set<string>(["erf", "gelu", "geluGrad", "geluTanh", "geluTanhGrad", "silu", "siluGrad", "softplus", "softplusGrad", "elu", "eluGrad", "logSigmoid"]);

function tolerance(op: string, dtype: DType): number {
  if (EXACT.has(op)) return 0;
  if (dtype === "float32") return ERFC_F32.has(op) ? 2 ** -19 : ELU_F32.has(op) ? 2 ** -21 : POLYNOMIAL_F32.has(op) ? 2 ** -22 : 2 ** -23;
  return COMPOSITE.has(op) ? 1e-13 : 4e-16;
}

function same(got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, label: string, atol = 0): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : Object.is(g, w) || (g === w && rtol > 0) || Math.abs(g - w) <= rtol * Math.abs(w) + atol;
    assert.ok(ok, `${label}: element ${i} is ${g}, expected ${w}`);
  }
}

const refOf = (backend: Backend, v: number[], dtype: DType): DataRef => backend.fromValues(v, dtype);
const dense = (ref: DataRef): StridedRef => ({ ref, offset: 0, strides: [1] });

for (const backend of backends) {
  for (const dtype of ["float32", "float64"] as const) {
    for (const n of [1003, 7]) {
      test(`${backend.name}: every unary op of the table agrees with the TS backend (${dtype}, ${n} elements)`, () => {
        const input = values(n, 1);
        for (const op of UNARY_OPS) {
          // parameters that are not the defaults: leakyRelu's slope, elu's alpha, softplus's beta and threshold
          const [alpha, beta] = [0.3, 1.7];
          const [out, want] = [backend.allocate(n, dtype), reference.allocate(n, dtype)];
          backend.unary(op, refOf(backend, input, dtype), out, alpha, beta);
          reference.unary(op, refOf(reference, input, dtype), want, alpha, beta);
          same(backend.read(out), reference.read(want), tolerance(op, dtype), `${op} ${dtype}`, dtype === "float32" && CANCELLING_F32.has(op) ? 2 * 1.1 * 2 ** -23 : 0);
        }
      });

      test(`${backend.name}: every binary op of the table agrees with the TS backend, tensor and number operands (${dtype}, ${n} elements)`, () => {
        const [a, b] = [values(n, 2), values(n, 3)];
        const numbers = [2.5, -1.5, 0, Number.NaN, Number.POSITIVE_INFINITY];
        for (const op of BINARY_OPS) {
          const rtol = tolerance(op, dtype);
          const [out, want] = [backend.allocate(n, dtype), reference.allocate(n, dtype)];
          backend.binary(op, dense(refOf(backend, a, dtype)), dense(refOf(backend, b, dtype)), [n], out);
          reference.binary(op, dense(refOf(reference, a, dtype)), dense(refOf(reference, b, dtype)), [n], want);
          same(backend.read(out), reference.read(want), rtol, `${op} ${dtype}`);
          for (const s of numbers) {
            for (const scalarFirst of [false, true]) {
              backend.binaryScalar(op, dense(refOf(backend, a, dtype)), s, scalarFirst, [n], out);
              reference.binaryScalar(op, dense(refOf(reference, a, dtype)), s, scalarFirst, [n], want);
              same(backend.read(out), reference.read(want), rtol, `${op} ${scalarFirst ? `${s} op x` : `x op ${s}`} ${dtype}`);
            }
          }
        }
      });
    }
  }
}

test("a number operand gives what a filled tensor operand gives, on every backend (x op s and s op x, float32 rounding of s included)", () => {
  for (const backend of [reference, ...backends]) {
    const n = 101;
    const a = values(n, 4);
    for (const op of BINARY_OPS) {
      for (const scalarFirst of [false, true]) {
        const s = 0.1; // not a float32 value: rounds to float32 first, as a float32 tensor holding it would
        const [viaNumber, viaTensor] = [backend.allocate(n, "float32"), backend.allocate(n, "float32")];
        backend.binaryScalar(op, dense(refOf(backend, a, "float32")), s, scalarFirst, [n], viaNumber);
        const filled = { ref: refOf(backend, [s], "float32"), offset: 0, strides: [0] };
        const x = dense(refOf(backend, a, "float32"));
        backend.binary(op, scalarFirst ? filled : x, scalarFirst ? x : filled, [n], viaTensor);
        same(backend.read(viaNumber), backend.read(viaTensor), 0, `${backend.name} ${op} ${scalarFirst}`);
      }
    }
  }
});

test("an op name outside the table throws on every backend instead of running another op", () => {
  for (const backend of [reference, ...backends]) {
    for (const n of [3, 100]) {
      const x = backend.fromValues(values(n, 5), "float32");
      const out = backend.allocate(n, "float32");
      assert.throws(() => backend.unary("bogus" as UnaryOp, x, out), /unknown op "bogus"/, `${backend.name} unary, ${n}`);
      assert.throws(() => backend.binary("bogus" as BinaryOp, dense(x), dense(x), [n], out), /unknown op "bogus"/, `${backend.name} binary, ${n}`);
      assert.throws(() => backend.binaryScalar("bogus" as BinaryOp, dense(x), 1, false, [n], out), /unknown op "bogus"/, `${backend.name} binaryScalar, ${n}`);
    }
  }
});

test("the WebAssembly kernels trap on an opcode past the table instead of computing another op", () => {
  const { kernels } = instantiateKernels(false);
  for (const kernel of [kernels.unaryF32, kernels.unaryF64]) {
    assert.throws(() => kernel(UNARY_OPS.length, 1024, 1024, 8, 0, 0), WebAssembly.RuntimeError);
    assert.throws(() => kernel(-1, 1024, 1024, 8, 0, 0), WebAssembly.RuntimeError);
  }
  for (const kernel of [kernels.binaryF32, kernels.binaryF64]) {
    assert.throws(() => kernel(BINARY_OPS.length, 1024, 0, 1, 1024, 0, 1, 2048, 1, 8), WebAssembly.RuntimeError);
  }
  assert.throws(() => kernels.reduceF32(2, 1024, 1, 4, 1, 2048, 4096), WebAssembly.RuntimeError);
  // and the build knows exactly the table's ops (the WasmBackend checks this when it starts)
  assert.equal(kernels.opCounts() & 1023, UNARY_OPS.length);
  assert.equal((kernels.opCounts() >> 10) & 1023, BINARY_OPS.length);
});
