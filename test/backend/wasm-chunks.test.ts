import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { BinaryOp, DataRef, StridedRef, UnaryOp } from "../../src/backend/backend.js";
import { BINARY_OPS, SOFTMAX_OPS, UNARY_OPS } from "../../src/backend/op-table.js";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { elementwiseChunk } from "../../src/backend/wasm/wasm-chunks.js";
import type { DType } from "../../src/tensor/dtype.js";

// Large element-wise calls run in pieces (wasm-chunks.ts) and must compute every element as one
// call over all of them does: the same bits, for every op, in both builds and both float dtypes,
// at a size that is no whole number of pieces or vectors. Each call runs twice, in pieces and
// (elements = Infinity) whole, on fresh outputs.

const n = 3 * elementwiseChunk.elements + 4 * 64 + 13;
/** Operand values of every kind the kernels branch on: signs, zeros, large, tiny, NaN, ±∞. */
function values(seed: number): number[] {
  const special = [0, -0, 1, -1, 1e-40, -1e30, 88.8, -104, Infinity, -Infinity, NaN, 0.5, -2.5];
  return Array.from({ length: n }, (_, i) => (i % 97 < special.length ? special[i % 97]! : Math.sin(seed * 3.7 + i * 0.61) * (i % 5 === 0 ? 40 : 3)));
}

function backends(): [string, WasmBackend][] {
  const saved = process.env.NABLA_RELAXED_SIMD;
  const selected = new WasmBackend(0);
  process.env.NABLA_RELAXED_SIMD = "0";
  try {
    const plain = new WasmBackend(0);
    return plain.variant === selected.variant ? [[selected.variant, selected]] : [[selected.variant, selected], [plain.variant, plain]];
  } finally {
    if (saved === undefined) delete process.env.NABLA_RELAXED_SIMD;
    else process.env.NABLA_RELAXED_SIMD = saved;
  }
}

/**
 * `run`'s outputs in pieces and whole: the first index where they differ (in bits, so −0 and 0
 * differ; any NaN matches any NaN, since WebAssembly leaves a NaN's sign and payload to the
 * engine, and V8's baseline and optimized code give different ones), or -1.
 */
function firstDifference(backend: WasmBackend, dtype: DType, run: (out: DataRef) => void, size = n): number {
  const results = [elementwiseChunk.elements, Infinity].map((elements) => {
    const saved = elementwiseChunk.elements;
    elementwiseChunk.elements = elements;
    try {
      const out = backend.allocate(size, dtype);
      run(out);
      return backend.read(out) as Float32Array | Float64Array;
    } finally {
      elementwiseChunk.elements = saved;
    }
  });
  const [pieces, whole] = results as [Float32Array | Float64Array, Float32Array | Float64Array];
  return pieces.findIndex((value, i) => !Object.is(value, whole[i]) && !(Number.isNaN(value) && Number.isNaN(whole[i]!)));
}

const dense = (ref: DataRef, offset = 0): StridedRef => ({ ref, offset, strides: [1] });
const repeated = (ref: DataRef, offset: number): StridedRef => ({ ref, offset, strides: [0] });
/** Binary ops whose result is a float (comparisons and logical ops give bools, on the TS kernels). */
const ARITHMETIC = BINARY_OPS.filter((op) => !["gt", "ge", "lt", "le", "eq", "logicalAnd", "logicalOr", "logicalXor"].includes(op));

for (const [variant, backend] of backends()) {
  for (const dtype of ["float32", "float64"] as const) {
    const a = backend.fromValues(values(1), dtype);
    const b = backend.fromValues(values(2), dtype);

    test(`${variant} ${dtype}: every unary op, clamp and axpby in pieces give the bits of one call`, () => {
      for (const op of UNARY_OPS) assert.equal(firstDifference(backend, dtype, (out) => backend.unary(op as UnaryOp, a, out, 0.1, 1.5)), -1, op);
      assert.equal(firstDifference(backend, dtype, (out) => backend.clamp(a, -2, 3, out)), -1, "clamp");
      assert.equal(firstDifference(backend, dtype, (out) => backend.axpby(0.9, a, -0.1, b, out)), -1, "axpby");
      assert.equal(firstDifference(backend, dtype, (out) => backend.axpby(0.9, a, -0.1, a, out)), -1, "axpby of x with itself");
    });

    test(`${variant} ${dtype}: every arithmetic binary op in pieces, dense, offset, repeated and shared operands, gives the bits of one call`, () => {
      const shorter = n - 40; // operands read at an offset: the views of a slice
      for (const op of ARITHMETIC) {
        const binary = (x: StridedRef, y: StridedRef, size = n) => (out: DataRef) => backend.binary(op as BinaryOp, x, y, [size], out);
        assert.equal(firstDifference(backend, dtype, binary(dense(a), dense(b))), -1, `${op} dense`);
        assert.equal(firstDifference(backend, dtype, binary(dense(a), dense(a))), -1, `${op} of x with itself`);
        assert.equal(firstDifference(backend, dtype, binary(dense(a), repeated(b, 7))), -1, `${op} by one value`);
        assert.equal(firstDifference(backend, dtype, binary(repeated(a, 3), dense(b))), -1, `${op} of one value`);
        assert.equal(firstDifference(backend, dtype, binary(dense(a, 40), dense(a, 0), shorter), shorter), -1, `${op} of two offsets into one buffer`);
        for (const scalarFirst of [false, true]) {
          assert.equal(firstDifference(backend, dtype, (out) => backend.binaryScalar(op as BinaryOp, dense(a, 5), -1.75, scalarFirst, [n - 5], out), n - 5), -1, `${op} with a number ${scalarFirst ? "first" : "second"}`);
        }
      }
    });
  }
}

test("binary ops written over an operand's buffer: in pieces at the output's own positions, whole where a piece would read an earlier piece's result", () => {
  const backend = new WasmBackend(0);
  const [x, y] = [values(4), values(5)];
  const fresh = (v: number[]): DataRef => backend.fromValues(v, "float32");
  /** `run` on fresh buffers, in pieces and whole: the bits of the buffer it writes over. */
  const over = (run: (target: DataRef, other: DataRef) => void): [string[], string[]] => {
    const results = [elementwiseChunk.elements, Infinity].map((elements) => {
      const saved = elementwiseChunk.elements;
      elementwiseChunk.elements = elements;
      try {
        const [target, other] = [fresh(x), fresh(y)];
        run(target, other);
        return bitsOf(backend.read(target));
      } finally {
        elementwiseChunk.elements = saved;
      }
    });
    return results as [string[], string[]];
  };
  // out = out + other, other + out, out · out, out − 3: pieces (add_, backward's accumulation)
  for (const [name, run] of [
    ["target + other", (t: DataRef, o: DataRef) => backend.binary("add", dense(t), dense(o), [n], t)],
    ["other − target", (t: DataRef, o: DataRef) => backend.binary("sub", dense(o), dense(t), [n], t)],
    ["target · target", (t: DataRef) => backend.binary("mul", dense(t), dense(t), [n], t)],
    ["target − 3", (t: DataRef) => backend.binaryScalar("sub", dense(t), 3, false, [n], t)],
    // other views of the target's buffer run whole (a repeated value would be overwritten by the first piece)
    ["target[i + 1] + target[i]", (t: DataRef) => backend.binary("add", dense(t, 1), dense(t), [n - 1], t)],
    ["target + target[7] (one value)", (t: DataRef) => backend.binary("add", dense(t), repeated(t, 7), [n], t)],
  ] as const) {
    const [pieces, whole] = over(run);
    assert.deepEqual(pieces, whole, name);
  }
  // and whole is right: out[i] = x[i + 1] + x[i] from the values before the call
  const target = fresh(x);
  backend.binary("add", dense(target, 1), dense(target), [n - 1], target);
  const got = backend.read(target);
  for (let i = 0; i < n - 1; i += 997) assert.equal(got[i], Math.fround(Math.fround(x[i + 1]!) + Math.fround(x[i]!)), `shifted sum at ${i}`);
});

test("an op written over its own operand's buffer in pieces reads each element before it writes it", () => {
  const backend = new WasmBackend(0);
  const x = values(3);
  const data = backend.fromValues(x, "float32");
  backend.unary("exp", data, data); // in place, as exp_ runs it
  const expected = backend.allocate(n, "float32");
  backend.unary("exp", backend.fromValues(x, "float32"), expected);
  assert.deepEqual(backend.read(data), backend.read(expected));
});

/** The values of an array, NaN as one value (see firstDifference) and −0 apart from 0. */
function bitsOf(data: ArrayLike<number>): string[] {
  return Array.from(data, (value) => (Object.is(value, -0) ? "-0" : String(value)));
}

/** `run`'s outputs (as bitsOf gives them) in pieces of whole images and whole. */
function bothWays(run: () => ArrayLike<number>[]): [string[][], string[][]] {
  const saved = elementwiseChunk.elements;
  try {
    const pieces = run().map(bitsOf);
    elementwiseChunk.elements = Infinity;
    return [pieces, run().map(bitsOf)];
  } finally {
    elementwiseChunk.elements = saved;
  }
}

for (const [variant, backend] of backends()) {
  // 40 images of 3×40×40: 13 images a piece (whole images of at most 2·elements), the last piece one image
  for (const [name, window] of [
    ["3×3 windows, stride 2, padding 1", { kernelH: 3, kernelW: 3, strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outH: 20, outW: 20 }],
    ["2×2 windows, stride 2", { kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outH: 20, outW: 20 }],
  ] as const) {
    test(`${variant}: pooling over ${name} in pieces of whole images gives the bits (and indices) of one call`, () => {
      const spec = { batch: 40, channels: 3, height: 40, width: 40, ...window };
      const [inSize, outSize] = [40 * 3 * 40 * 40, 40 * 3 * 20 * 20];
      assert.ok(inSize >= elementwiseChunk.minimum && Math.floor((2 * elementwiseChunk.elements) / (3 * 40 * 40)) < spec.batch, "the call runs in several pieces");
      for (const dtype of ["float32", "float64"] as const) {
        const x = backend.fromValues(values(4).slice(0, inSize).concat(values(5)).slice(0, inSize), dtype);
        const dy = backend.fromValues(values(6).slice(0, outSize), dtype);
        const divisors = backend.fromValues(Array.from({ length: 400 }, (_, i) => 9 - (i % 3)), dtype);
        const [pieces, whole] = bothWays(() => {
          const [out, indices, dx, average, averageGrad] = [backend.allocate(outSize, dtype), backend.allocate(outSize, "int32"), backend.allocate(inSize, dtype), backend.allocate(outSize, dtype), backend.allocate(inSize, dtype)];
          backend.maxPool2d(x, spec, out, indices);
          backend.maxPool2dGrad(dy, indices, spec, dx);
          backend.pool2d("avgPool2d", x, divisors, spec, average);
          backend.pool2d("avgPool2dGrad", dy, divisors, spec, averageGrad);
          return [out, indices, dx, average, averageGrad].map((ref) => backend.read(ref));
        });
        ["max", "indices", "max's gradient", "average", "average's gradient"].forEach((what, i) => assert.deepEqual(pieces[i], whole[i], `${dtype} ${what}`));
      }
    });
  }
}

for (const [variant, backend] of backends()) {
  test(`${variant}: reductions and softmaxes in pieces of whole slices give the bits of one call`, () => {
    for (const dtype of ["float32", "float64"] as const) {
      const x = backend.fromValues(values(7), dtype);
      const dy = backend.fromValues(values(8), dtype);
      // [outer, axisSize, inner] layouts of n elements: long rows, short rows (four at a time in the kernel), and inner > 1
      for (const [outer, axisSize, inner] of [[n / 83 - 0, 83, 1], [n / 13, 13, 1], [n / (7 * 11), 7, 11]].map(([o, a, i]) => [Math.floor(o!), a!, i!])) {
        const size = outer * axisSize * inner;
        assert.ok(size >= elementwiseChunk.minimum && size < n, "the call runs in several pieces");
        for (const op of ["sum", "max"] as const) {
          assert.equal(firstDifference(backend, dtype, (out) => backend.reduce(op, x, outer, axisSize, inner, out), outer * inner), -1, `${op} over [${outer}, ${axisSize}, ${inner}]`);
        }
        for (const op of SOFTMAX_OPS) {
          const gradient = op.endsWith("Grad") ? dy : null;
          assert.equal(firstDifference(backend, dtype, (out) => backend.softmax(op, x, gradient, outer, axisSize, inner, out), size), -1, `${op} over [${outer}, ${axisSize}, ${inner}]`);
        }
      }
      // attention scores under a causal mask: [blocks of 6 rows, 6]; pieces of whole blocks (and of four rows)
      const rows = Math.floor(n / 6 / 12) * 12;
      for (const op of ["softmax", "logSoftmax"] as const) {
        assert.equal(firstDifference(backend, dtype, (out) => backend.softmax(op, x, null, rows, 6, 1, out, 6), rows * 6), -1, `${op} under a causal mask`);
      }
    }
  });
}
