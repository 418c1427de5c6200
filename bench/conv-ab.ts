// The f32 convolution kernels of this checkout against those at a git revision, in one process:
// both builds compiled from source and raced round robin (kernel-ab.ts) over W5's convolutions
// (both layers, each of the three ops), one thread, in short samples of CPU time. Prints the
// median ms per call of each build, the ratio, and whether the two builds give the same bits (a
// change of packing or tiling must not change any result; a change of formulation, such as the
// input gradient as a correlation, does).
//
// Usage: node --import tsx bench/conv-ab.ts [REV = HEAD~1] [--plain] [--reps N]
//   --plain: the plain SIMD builds instead of the relaxed-SIMD ones.
import type { ConvOp, WindowSpec } from "../src/backend/backend.js";
import { CONV_OPS, opcodes } from "../src/backend/op-table.js";
import { convScratchSizes } from "../src/backend/wasm/wasm-conv.js";
import { abOptions, baseAndHereKernels, fillUniform, raceMedians } from "./kernel-ab.js";

const { revision, plain, reps } = abOptions("HEAD~1", 15);
const CONV = opcodes(CONV_OPS);

type ConvExports = {
  heapBase(): number;
  matmulScratchA(): number;
  matmulScratchB(): number;
  matmulTile(): number;
  conv2dF32(op: number, a: number, b: number, bias: number, spec: number, outChannels: number, out: number, cols: number, padded: number, ap: number, bp: number, tile: number): void;
};

/** W5's layers: 5×5 kernels, padding 2, stride 1, a batch of 64. */
function layer(channels: number, size: number): WindowSpec {
  return { batch: 64, channels, height: size, width: size, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 2, padW: 2, dilationH: 1, dilationW: 1, outH: size, outW: size };
}

const CASES: [string, ConvOp, WindowSpec, number][] = [
  ["W5 conv1 forward", "conv2d", layer(1, 28), 16],
  ["W5 conv1 weight gradient", "conv2dWeightGrad", layer(1, 28), 16],
  ["W5 conv2 forward", "conv2d", layer(16, 14), 32],
  ["W5 conv2 input gradient", "conv2dInputGrad", layer(16, 14), 32],
  ["W5 conv2 weight gradient", "conv2dWeightGrad", layer(16, 14), 32],
];

const align = (at: number): number => Math.ceil(at / 64) * 64;
const builds = await baseAndHereKernels<ConvExports>("conv-ab", revision, plain, 1024);
console.log(`f32 conv2d, ${plain ? "plain SIMD" : "relaxed SIMD"} builds, one thread, median ms per call by CPU time over ${reps} samples: ${revision} vs this checkout`);
for (const [name, op, spec, outChannels] of CASES) {
  const { batch, channels, height, width, kernelH, kernelW, outH, outW } = spec;
  const image = batch * channels * height * width, grad = batch * outChannels * outH * outW, weights = outChannels * channels * kernelH * kernelW;
  // conv2d: a = x, b = W; conv2dInputGrad: a = dy, b = W; conv2dWeightGrad: a = x, b = dy
  const [aSize, bSize, outSize] = op === "conv2d" ? [image, weights, grad] : op === "conv2dInputGrad" ? [grad, weights, image] : [image, grad, weights];
  const { cols: colsBytes, padded: paddedBytes } = convScratchSizes(op, spec, outChannels, 4);
  const runs = builds.map(({ kernels, memory }) => {
    const specAt = align(kernels.heapBase());
    const a = align(specAt + 14 * 8);
    const b = align(a + aSize * 4);
    const out = align(b + bSize * 4);
    const cols = align(out + outSize * 4);
    const padded = cols + colsBytes;
    const packA = padded + paddedBytes;
    const packB = align(packA + kernels.matmulScratchA() * 8);
    const tile = align(packB + kernels.matmulScratchB() * 8);
    const { strideH, strideW, padH, padW, dilationH, dilationW } = spec;
    new Float64Array(memory.buffer, specAt, 14).set([batch, channels, height, width, kernelH, kernelW, strideH, strideW, padH, padW, dilationH, dilationW, outH, outW]);
    fillUniform(new Float32Array(memory.buffer, a, aSize), 1);
    fillUniform(new Float32Array(memory.buffer, b, bSize), 2);
    const run = (): void => kernels.conv2dF32(CONV[op], a, b, 0, specAt, outChannels, out, cols, padded, packA, packB, tile);
    run();
    return { run, bits: new Uint32Array(memory.buffer, out, outSize) };
  });
  const same = runs[0]!.bits.every((bits, i) => bits === runs[1]!.bits[i]);
  const [base, here] = raceMedians(runs[0]!.run, runs[1]!.run, reps).map((seconds) => seconds * 1000) as [number, number];
  console.log(`${name.padEnd(28)} ${base.toFixed(3).padStart(7)} ${here.toFixed(3).padStart(7)}  ×${(base / here).toFixed(3)} faster${same ? "" : "  results differ"}`);
}
