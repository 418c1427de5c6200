// Eager mode's large element-wise, pooling and reduction calls on the wasm backend in pieces
// (src/backend/wasm/wasm-chunks.ts) against one call over all of it, in one process, alternating
// call by call so outside load hits both alike: W5's ReLU, its gradient, its bias gradients and
// its first max pool (64 images of 16×28×28), each on a fresh output as eager mode allocates it.
// Prints median µs per call and the ratio.
//
// Usage: node --import tsx bench/elementwise-pieces.ts [CALLS = 60]
import type { DataRef, WindowSpec } from "../src/backend/backend.js";
import { WasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { elementwiseChunk } from "../src/backend/wasm/wasm-chunks.js";

const calls = Number(process.argv[2] ?? 60);
const backend = new WasmBackend(0);
const n = 64 * 16 * 28 * 28;
const values = (seed: number): Float32Array => Float32Array.from({ length: n }, (_, i) => Math.sin(seed + i * 0.37));
const [x, dy] = [backend.fromValues(values(1), "float32"), backend.fromValues(values(2), "float32")];
const dense = (ref: DataRef) => ({ ref, offset: 0, strides: [1] });
const pool: WindowSpec = { batch: 64, channels: 16, height: 28, width: 28, kernelH: 2, kernelW: 2, strideH: 2, strideW: 2, padH: 0, padW: 0, dilationH: 1, dilationW: 1, outH: 14, outW: 14 };
const pooled = n / 4;
const poolGradient = backend.fromValues(values(3).subarray(0, pooled), "float32");
const indices = backend.allocate(pooled, "int32");
backend.maxPool2d(x, pool, backend.allocate(pooled, "float32"), indices);

const cases: [string, () => void][] = [
  ["relu", () => backend.unary("relu", x, backend.allocate(n, "float32"))],
  ["reluGrad (binary)", () => backend.binary("reluGrad", dense(x), dense(dy), [n], backend.allocate(n, "float32"))],
  ["x · 0.9 (binaryScalar)", () => backend.binaryScalar("mul", dense(x), 0.9, false, [n], backend.allocate(n, "float32"))],
  ["axpby", () => backend.axpby(0.9, x, 0.1, dy, backend.allocate(n, "float32"))],
  ["sum over 784 (bias gradient)", () => backend.reduce("sum", x, 1024, 784, 1, backend.allocate(1024, "float32"))],
  ["maxPool2d", () => backend.maxPool2d(x, pool, backend.allocate(pooled, "float32"), backend.allocate(pooled, "int32"))],
  ["maxPool2dGrad", () => backend.maxPool2dGrad(poolGradient, indices, pool, backend.allocate(n, "float32"))],
];

const pieces = elementwiseChunk.elements;
console.log(`W5-sized calls (${n} elements), median µs per call over ${calls} of each, alternating:`);
for (const [name, run] of cases) {
  const times: [number[], number[]] = [[], []];
  for (let i = 0; i < 2 * calls + 4; i++) {
    const whole = i % 2;
    elementwiseChunk.elements = whole ? Infinity : pieces;
    const start = performance.now();
    run();
    if (i >= 4) times[whole]!.push((performance.now() - start) * 1000);
  }
  elementwiseChunk.elements = pieces;
  const [inPieces, inOne] = times.map((list) => list.sort((a, b) => a - b)[list.length >> 1]!) as [number, number];
  console.log(`  ${name.padEnd(30)} in pieces ${inPieces.toFixed(0).padStart(5)}  one call ${inOne.toFixed(0).padStart(5)}  ${(inOne / inPieces).toFixed(2)}× faster`);
}
