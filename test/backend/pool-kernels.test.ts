import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { WindowSpec } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

// The WebAssembly pooling kernels (max: forward with indices, and backward; average: forward
// and its adjoint) against the TS backend's, max pooling element for element, on inputs with ties, NaN and ±Infinity, over windows inside
// the input, padded, dilated, overlapping and cut off at the end (ceilMode's last window).
// test/nn/cnn-layers-vs-torch.test.ts checks the layer against PyTorch on both backends.

const wasm = new WasmBackend(0);
const js = new JsBackend();

function spec(batch: number, channels: number, height: number, width: number, kernel: [number, number], stride: [number, number], pad: [number, number], dilation: [number, number], out: [number, number]): WindowSpec {
  return { batch, channels, height, width, kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1], padH: pad[0], padW: pad[1], dilationH: dilation[0], dilationW: dilation[1], outH: out[0], outW: out[1] };
}

const cases: [string, WindowSpec][] = [
  ["2×2 stride 2 (W5)", spec(2, 3, 28, 28, [2, 2], [2, 2], [0, 0], [1, 1], [14, 14])],
  ["3×3 stride 1, overlapping", spec(2, 2, 7, 6, [3, 3], [1, 1], [0, 0], [1, 1], [5, 4])],
  ["3×2 stride (2, 1), padding (1, 1)", spec(1, 3, 9, 8, [3, 2], [2, 1], [1, 1], [1, 1], [5, 9])],
  ["2×2 dilation 2", spec(2, 2, 7, 7, [2, 2], [1, 2], [0, 0], [2, 2], [5, 3])],
  ["3×3 stride 2, last window cut off (ceilMode)", spec(1, 2, 6, 6, [3, 3], [2, 2], [1, 1], [1, 1], [4, 4])],
];

function values(n: number): number[] {
  const out = Array.from({ length: n }, (_, i) => Math.round(Math.sin(i * 7.31) * 6) / 2); // ties
  for (let i = 17; i < n; i += 97) out[i] = Number.NaN;
  for (let i = 5; i < n; i += 41) out[i] = Number.NEGATIVE_INFINITY;
  for (let i = 11; i < n; i += 53) out[i] = Number.POSITIVE_INFINITY;
  return out;
}

function same(got: ArrayLike<number>, want: ArrayLike<number>, label: string): void {
  assert.equal(got.length, want.length, label);
  for (let i = 0; i < want.length; i++) assert.ok(Object.is(got[i], want[i]) || (got[i] === 0 && want[i] === 0), `${label}: element ${i} is ${got[i]}, expected ${want[i]}`);
}

for (const [label, s] of cases) {
  for (const dtype of ["float32", "float64"] as DType[]) {
    test(`maxPool2d kernels, ${label}, ${dtype}: WebAssembly matches the TS backend`, () => {
      const x = values(s.batch * s.channels * s.height * s.width);
      const outSize = s.batch * s.channels * s.outH * s.outW;
      const results = [wasm, js].map((backend) => {
        const out = backend.allocate(outSize, dtype);
        const indices = backend.allocate(outSize, "int32");
        backend.maxPool2d(backend.fromValues(x, dtype), s, out, indices);
        const dy = backend.fromValues(Array.from({ length: outSize }, (_, i) => (i % 7) - 3), dtype);
        const dx = backend.allocate(x.length, dtype);
        backend.fill(dx, Number.NaN); // every element must be written
        backend.maxPool2dGrad(dy, indices, s, dx);
        return [backend.read(out), backend.read(indices), backend.read(dx)];
      });
      same(results[0]![0]!, results[1]![0]!, "maxima");
      same(results[0]![1]!, results[1]![1]!, "indices");
      same(results[0]![2]!, results[1]![2]!, "gradient");
      assert.ok(Array.from(results[1]![0]!).some(Number.isNaN), "the input's NaN reaches a window");
    });
  }
}

for (const [label, s] of cases) {
  for (const dtype of ["float32", "float64"] as DType[]) {
    test(`avgPool2d kernels, ${label}, ${dtype}: WebAssembly matches the TS backend`, () => {
      const x = Array.from({ length: s.batch * s.channels * s.height * s.width }, (_, i) => Math.sin(i * 0.37));
      const dy = Array.from({ length: s.batch * s.channels * s.outH * s.outW }, (_, i) => Math.cos(i * 0.51));
      const divisors = Array.from({ length: s.outH * s.outW }, (_, i) => 1 + (i % 5)); // as countIncludePad and ceilMode vary them
      const results = [wasm, js].map((backend) => {
        const y = backend.allocate(dy.length, dtype);
        backend.pool2d("avgPool2d", backend.fromValues(x, dtype), backend.fromValues(divisors, dtype), s, y);
        const dx = backend.allocate(x.length, dtype);
        backend.fill(dx, Number.NaN); // every element must be written
        backend.pool2d("avgPool2dGrad", backend.fromValues(dy, dtype), backend.fromValues(divisors, dtype), s, dx);
        return [backend.read(y), backend.read(dx)];
      });
      const tolerance = dtype === "float32" ? 1e-6 : 1e-14;
      for (const [k, name] of [[0, "averages"], [1, "gradient"]] as const) {
        const [got, want] = [results[0]![k]!, results[1]![k]!];
        assert.equal(got.length, want.length);
        for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance * 8, `${name}: element ${i} is ${got[i]}, expected ${want[i]}`);
      }
      // the adjoint: ⟨avgPool(x), dy⟩ = ⟨x, avgPool2dGrad(dy)⟩
      const [y, dx] = results[1]!;
      const left = Array.from(y!).reduce((sum, v, i) => sum + v * dy[i]!, 0);
      const right = Array.from(dx!).reduce((sum, v, i) => sum + v * x[i]!, 0);
      assert.ok(Math.abs(left - right) <= 1e-4 * Math.max(1, Math.abs(left)), `adjoint: ${left} vs ${right}`);
    });
  }
}
