import type { ConvOp, WindowSpec } from "./backend.js";
import type { FloatArray } from "./js-buffer.js";
import { matmulKernel } from "./js-matmul.js";
import { unknownOp } from "./op-table.js";
import { col2imKernel, im2colKernel } from "./js-window.js";

// The reference convolution kernels: image by image, im2col into columns [C·kh·kw, outH·outW],
// one matrix product with the weight W [O, C·kh·kw], and col2im for the input gradient. The
// WebAssembly backend's kernels are checked against these (test/backend/conv-kernels.test.ts).

/** Columns of one image, reused across calls of one size. */
let scratch: Float64Array = new Float64Array(0);
let scratchF32: Float32Array = new Float32Array(0);

function columnsFor(like: FloatArray, size: number): FloatArray {
  if (like instanceof Float32Array) return scratchF32.length >= size ? scratchF32.subarray(0, size) : (scratchF32 = new Float32Array(size));
  return scratch.length >= size ? scratch.subarray(0, size) : (scratch = new Float64Array(size));
}

export function conv2dKernel(op: ConvOp, a: FloatArray, b: FloatArray, bias: FloatArray | null, spec: WindowSpec, outChannels: number, out: FloatArray): void {
  const { batch, channels, height, width, kernelH, kernelW, outH, outW } = spec;
  const one: WindowSpec = { ...spec, batch: 1 };
  const patch = channels * kernelH * kernelW;
  const positions = outH * outW;
  const image = channels * height * width;
  const plane = outChannels * positions;
  const cols = columnsFor(out, patch * positions);
  const product = (x: FloatArray, y: FloatArray, m: number, k: number, n: number, transA: boolean, transB: boolean, into: FloatArray): void =>
    matmulKernel(x, y, { batch: 1, m, k, n, transA, transB, batchStrideA: 0, batchStrideB: 0 }, into);
  switch (op) {
    case "conv2d":
      for (let n = 0; n < batch; n++) {
        im2colKernel(a.subarray(n * image, (n + 1) * image), one, cols);
        const y = out.subarray(n * plane, (n + 1) * plane);
        product(b, cols, outChannels, patch, positions, false, false, y);
        if (bias !== null) for (let o = 0; o < outChannels; o++) for (let p = 0; p < positions; p++) y[o * positions + p] += bias[o]!;
      }
      return;
    case "conv2dInputGrad":
      for (let n = 0; n < batch; n++) {
        product(b, a.subarray(n * plane, (n + 1) * plane), patch, outChannels, positions, true, false, cols);
        col2imKernel(cols, one, out.subarray(n * image, (n + 1) * image));
      }
      return;
    case "conv2dWeightGrad": {
      const part = out instanceof Float32Array ? new Float32Array(out.length) : new Float64Array(out.length);
      out.fill(0);
      for (let n = 0; n < batch; n++) {
        im2colKernel(a.subarray(n * image, (n + 1) * image), one, cols);
        product(b.subarray(n * plane, (n + 1) * plane), cols, outChannels, positions, patch, false, true, part);
        for (let i = 0; i < out.length; i++) out[i] += part[i]!;
      }
      return;
    }
    default: {
      const never: never = op;
      throw unknownOp("conv2d", never);
    }
  }
}
