// The packed f32 matmul kernel of this checkout against the one at a git revision, in one
// process: both builds compiled from source (assemblyscript, as scripts/build-wasm.mjs does),
// instantiated side by side and raced round robin over the shapes of W3, W6 and squares, one
// thread, in short samples of CPU time (process.cpuUsage), so that load from other processes hits
// both alike. Prints median GFLOP/s per shape and build, the ratio, and checks the two builds'
// outputs bit for bit (a tile change must not change any result).
//
// Usage: node --import tsx bench/matmul-ab.ts [REV = HEAD~1] [--plain] [--reps N]
//   --plain: the plain SIMD builds instead of the relaxed-SIMD ones.
import { abOptions, baseAndHereKernels, fillUniform, raceMedians } from "./kernel-ab.js";

const { revision, plain, reps } = abOptions("HEAD~1", 31);

type MatmulExports = {
  heapBase(): number;
  matmulScratchA(): number;
  matmulScratchB(): number;
  matmulTile(): number;
  matmulF32(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, ap: number, bp: number, tile: number): void;
};

const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ["square 256", 256, 256, 256, false, false],
  ["square 512", 512, 512, 512, false, false],
  ["square 1024", 1024, 1024, 1024, false, false],
  ["W3 [128,784]·[784,256]", 128, 784, 256, false, false],
  ["W3 dX [128,256]·[784,256]ᵀ", 128, 256, 784, false, true],
  ["W3 dW [128,784]ᵀ·[128,256]", 784, 128, 256, true, false],
  ["W3 [128,256]·[256,128]", 128, 256, 128, false, false],
  ["W3 dX [128,128]·[256,128]ᵀ", 128, 128, 256, false, true],
  ["W3 dW [128,256]ᵀ·[128,128]", 256, 128, 128, true, false],
  ["W6 [1024,64]·[64,192]", 1024, 64, 192, false, false],
  ["W6 [1024,64]·[64,256]", 1024, 64, 256, false, false],
  ["W6 [1024,256]·[256,64]", 1024, 256, 64, false, false],
  ["W6 dX [1024,64]·[192,64]ᵀ", 1024, 192, 64, false, true],
  ["W6 dW [1024,64]ᵀ·[1024,192]", 64, 1024, 192, true, false],
  ["ragged [130,100]·[100,70]", 130, 100, 70, false, false],
  ["ragged [300,30]ᵀ·[20,300]ᵀ", 30, 300, 20, true, true],
];

const builds = await baseAndHereKernels<MatmulExports>("matmul-ab", revision, plain, 2048);
console.log(`f32 matmul, ${plain ? "plain SIMD" : "relaxed SIMD"} builds, one thread, median GFLOP/s by CPU time over ${reps} samples: ${revision} vs this checkout`);
const ratios: number[] = [];
for (const [name, m, k, n, transA, transB] of SHAPES) {
  const runs = builds.map(({ kernels, memory }) => {
    const a = (kernels.heapBase() + 63) & ~63;
    const b = a + m * k * 4 + 64;
    const out = b + k * n * 4 + 64;
    const packA = out + m * n * 4 + 64;
    const packB = packA + kernels.matmulScratchA() * 8 + 64;
    const tile = packB + kernels.matmulScratchB() * 8 + 64;
    fillUniform(new Float32Array(memory.buffer, a, m * k), 1);
    fillUniform(new Float32Array(memory.buffer, b, k * n), 2);
    const run = (): void => kernels.matmulF32(a, b, out, 1, m, k, n, transA, transB, 0, 0, packA, packB, tile);
    run();
    return { run, bits: new Uint32Array(memory.buffer, out, m * n) };
  });
  const same = runs[0]!.bits.every((bits, i) => bits === runs[1]!.bits[i]);
  const gflops = raceMedians(runs[0]!.run, runs[1]!.run, reps).map((seconds) => (2 * m * k * n) / seconds / 1e9);
  ratios.push(gflops[1]! / gflops[0]!);
  console.log(`${name.padEnd(30)} ${gflops[0]!.toFixed(1).padStart(6)} ${gflops[1]!.toFixed(1).padStart(6)}  ×${(gflops[1]! / gflops[0]!).toFixed(3)}${same ? "" : "  RESULTS DIFFER"}`);
}
console.log(`geometric mean ×${Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length).toFixed(3)}`);
