import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { WasmBackend } from "../../src/backend/wasm/wasm-backend.js";
import { JsBackend } from "../../src/backend/js-backend.js";
import type { Backend, ConvOp, WindowSpec } from "../../src/backend/backend.js";
import type { DType } from "../../src/index.js";

// The convolution kernels (Backend.conv2d: the product and its two gradients) of both backends
// against a direct four-loop convolution in float64, over strides, paddings, dilations,
// non-square kernels and windows that reach past the input. The layer fixtures
// (test/nn/cnn-layers-vs-torch.test.ts) check the same ops against PyTorch end to end.

const backends: [string, Backend][] = [["js", new JsBackend()], ["wasm", new WasmBackend(0)]];

function spec(batch: number, channels: number, height: number, width: number, kernel: [number, number], stride: [number, number], pad: [number, number], dilation: [number, number]): WindowSpec {
  const outH = Math.floor((height + 2 * pad[0] - dilation[0] * (kernel[0] - 1) - 1) / stride[0]) + 1;
  const outW = Math.floor((width + 2 * pad[1] - dilation[1] * (kernel[1] - 1) - 1) / stride[1]) + 1;
  return { batch, channels, height, width, kernelH: kernel[0], kernelW: kernel[1], strideH: stride[0], strideW: stride[1], padH: pad[0], padW: pad[1], dilationH: dilation[0], dilationW: dilation[1], outH, outW };
}

const cases: [string, WindowSpec, number][] = [
  ["5×5 same (W5's first layer)", spec(2, 1, 28, 28, [5, 5], [1, 1], [2, 2], [1, 1]), 16],
  ["5×5 same, 16 → 32 channels", spec(2, 16, 14, 14, [5, 5], [1, 1], [2, 2], [1, 1]), 32],
  ["3×3 stride 2, padding 1", spec(2, 3, 9, 10, [3, 3], [2, 2], [1, 1], [1, 1]), 5],
  ["2×3 kernel, stride (1, 3), dilation (2, 1)", spec(2, 2, 8, 11, [2, 3], [1, 3], [1, 0], [2, 1]), 3],
  ["kernel wider than the input (padding)", spec(1, 2, 3, 2, [3, 5], [1, 1], [1, 2], [1, 1]), 4],
  ["3×2 kernel, stride (2, 1), dilation (1, 2), the last row out of reach", spec(2, 3, 10, 9, [3, 2], [2, 1], [0, 1], [1, 2]), 3],
  ["1×1 kernel, stride 2", spec(2, 5, 7, 7, [1, 1], [2, 2], [0, 0], [1, 1]), 6],
  // stride 1: the input gradient runs as a correlation with the flipped kernel where the padding
  // is within the kernel's reach, and as cols = Wᵀ·dy with col2im where it is not
  ["3×3, dilation 2, padding (1, 3), stride 1", spec(2, 3, 9, 8, [3, 3], [1, 1], [1, 3], [2, 2]), 4],
  ["3×3, padding 3 past the kernel's reach, stride 1", spec(1, 2, 5, 6, [3, 3], [1, 1], [3, 1], [1, 1]), 3],
  // float32 packs its weights once per call where they fit the product's scratch: here they do not
  ["3×3, 64 → 72 channels, weights too large to pack once", spec(1, 64, 5, 6, [3, 3], [1, 1], [1, 1], [1, 1]), 72],
  // float32 with channel counts that leave a part strip and windows of 128 values or more turns
  // the product around (positions as rows): here strips of positions span up to three rows of 3
  ["3×3, 16 → 20 channels over rows of 3, the product turned around", spec(2, 16, 5, 3, [3, 3], [1, 1], [1, 1], [1, 1]), 20],
];

function values(n: number, seed: number): number[] {
  return Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233) * 0.5);
}

/** The value of input tap (c, i, j) for output (oh, ow), or 0 in the padding. */
function tap(x: number[], s: WindowSpec, n: number, c: number, oh: number, ow: number, i: number, j: number): number {
  const h = oh * s.strideH - s.padH + i * s.dilationH;
  const w = ow * s.strideW - s.padW + j * s.dilationW;
  if (h < 0 || h >= s.height || w < 0 || w >= s.width) return 0;
  return x[((n * s.channels + c) * s.height + h) * s.width + w]!;
}

/** Direct loops: y, dx and dW in float64. */
function reference(op: ConvOp, a: number[], b: number[], bias: number[] | null, s: WindowSpec, outChannels: number): number[] {
  const { batch, channels, kernelH, kernelW, outH, outW } = s;
  const yIndex = (n: number, o: number, oh: number, ow: number): number => ((n * outChannels + o) * outH + oh) * outW + ow;
  const wIndex = (o: number, c: number, i: number, j: number): number => ((o * channels + c) * kernelH + i) * kernelW + j;
  if (op === "conv2d") {
    const y = new Array<number>(batch * outChannels * outH * outW).fill(0);
    for (let n = 0; n < batch; n++) for (let o = 0; o < outChannels; o++) for (let oh = 0; oh < outH; oh++) for (let ow = 0; ow < outW; ow++) {
      let sum = bias?.[o] ?? 0;
      for (let c = 0; c < channels; c++) for (let i = 0; i < kernelH; i++) for (let j = 0; j < kernelW; j++) sum += b[wIndex(o, c, i, j)]! * tap(a, s, n, c, oh, ow, i, j);
      y[yIndex(n, o, oh, ow)] = sum;
    }
    return y;
  }
  if (op === "conv2dWeightGrad") {
    const dw = new Array<number>(outChannels * channels * kernelH * kernelW).fill(0);
    for (let n = 0; n < batch; n++) for (let o = 0; o < outChannels; o++) for (let oh = 0; oh < outH; oh++) for (let ow = 0; ow < outW; ow++) {
      for (let c = 0; c < channels; c++) for (let i = 0; i < kernelH; i++) for (let j = 0; j < kernelW; j++) dw[wIndex(o, c, i, j)] += b[yIndex(n, o, oh, ow)]! * tap(a, s, n, c, oh, ow, i, j);
    }
    return dw;
  }
  const dx = new Array<number>(batch * channels * s.height * s.width).fill(0);
  for (let n = 0; n < batch; n++) for (let o = 0; o < outChannels; o++) for (let oh = 0; oh < outH; oh++) for (let ow = 0; ow < outW; ow++) {
    for (let c = 0; c < channels; c++) for (let i = 0; i < kernelH; i++) for (let j = 0; j < kernelW; j++) {
      const h = oh * s.strideH - s.padH + i * s.dilationH;
      const w = ow * s.strideW - s.padW + j * s.dilationW;
      if (h >= 0 && h < s.height && w >= 0 && w < s.width) dx[((n * channels + c) * s.height + h) * s.width + w] += b[wIndex(o, c, i, j)]! * a[yIndex(n, o, oh, ow)]!;
    }
  }
  return dx;
}

for (const [label, s, outChannels] of cases) {
  for (const dtype of ["float32", "float64"] as DType[]) {
    test(`conv2d kernels, ${label}, ${dtype}: both backends match direct loops`, () => {
      const x = values(s.batch * s.channels * s.height * s.width, 1);
      const w = values(outChannels * s.channels * s.kernelH * s.kernelW, 2);
      const dy = values(s.batch * outChannels * s.outH * s.outW, 3);
      const bias = values(outChannels, 4);
      const runs: [ConvOp, number[], number[], number[] | null][] = [
        ["conv2d", x, w, bias],
        ["conv2d", x, w, null],
        ["conv2dInputGrad", dy, w, null],
        ["conv2dWeightGrad", x, dy, null],
      ];
      for (const [op, a, b, c] of runs) {
        const want = reference(op, a, b, c, s, outChannels);
        const scale = Math.max(...want.map(Math.abs), 1);
        const tolerance = dtype === "float32" ? 2e-6 * scale * Math.sqrt(s.channels * s.kernelH * s.kernelW * s.batch) : 1e-12 * scale * 100;
        for (const [name, backend] of backends) {
          const out = backend.allocate(want.length, dtype);
          backend.fill(out, Number.NaN); // every element must be written
          backend.conv2d(op, backend.fromValues(a, dtype), backend.fromValues(b, dtype), c === null ? null : backend.fromValues(c, dtype), s, outChannels, out);
          const got = backend.read(out);
          assert.equal(got.length, want.length);
          for (let i = 0; i < want.length; i++) {
            assert.ok(Math.abs(got[i]! - want[i]!) <= tolerance, `${name} ${op}${c === null ? "" : " with bias"}: element ${i} is ${got[i]}, expected ${want[i]}`);
          }
        }
      }
    });
  }
}
