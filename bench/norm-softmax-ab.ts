// The float32 layer-norm and softmax kernels of this checkout against those at a git revision,
// in one process: both builds compiled from source (assemblyscript, as scripts/build-wasm.mjs
// does), instantiated side by side and raced round robin on W6's shapes (tiny GPT: width 64,
// 16×64 tokens, 4 heads, 65 classes), one thread, in short samples of CPU time
// (process.cpuUsage), so that load from other processes hits both alike. Prints the median µs
// per call of each build, the speed-up, and the largest difference between the two builds'
// outputs relative to max(1, |value|) (a rounding-order change shows as ~1e-7, a bug as more).
//
// Usage: node --import tsx bench/norm-softmax-ab.ts [REV = main] [--plain] [--reps N]
//   --plain: the plain SIMD builds instead of the relaxed-SIMD ones.
import { LAYER_NORM_OPS, SOFTMAX_OPS } from "../src/backend/op-table.js";
import { abOptions, baseAndHereKernels, fillUniform, raceMedians } from "./kernel-ab.js";

const { revision, plain, reps } = abOptions("main", 21);

type Exports = {
  heapBase(): number;
  softmaxF32(op: number, x: number, dy: number, outer: number, axisSize: number, inner: number, out: number, causal: number): void;
  layerNormF32(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, rows: number, features: number, eps: number, acc: number): void;
};

/** One case: sets up its buffers in a build's memory and returns the call and the outputs to compare. */
type Case = { name: string; setup: (kernels: Exports, memory: WebAssembly.Memory) => { run: () => void; outputs: () => Float32Array[] } };

/** Addresses of consecutive float32 buffers of the given lengths from the heap base, 64-byte aligned. */
function layout(kernels: Exports, lengths: number[]): number[] {
  let at = (kernels.heapBase() + 63) & ~63;
  return lengths.map((n) => {
    const here = at;
    at = (at + n * 4 + 64 + 63) & ~63;
    return here;
  });
}

const softmaxOp = (op: string): number => SOFTMAX_OPS.indexOf(op as (typeof SOFTMAX_OPS)[number]);
const layerNormOp = (op: string): number => LAYER_NORM_OPS.indexOf(op as (typeof LAYER_NORM_OPS)[number]);

/** The forward op on [rows, n] (causal: blocks of `causal` rows) or its gradient, fed a forward output of the same build. */
function softmaxCase(name: string, op: "softmax" | "logSoftmax", grad: boolean, rows: number, n: number, causal: number): Case {
  return {
    name,
    setup: (kernels, memory) => {
      const size = rows * n;
      const [x, y, dy, out] = layout(kernels, [size, size, size, size]);
      fillUniform(new Float32Array(memory.buffer, x!, size), 7, 8);
      fillUniform(new Float32Array(memory.buffer, dy!, size), 9, 0.1);
      kernels.softmaxF32(softmaxOp(op), x!, 0, rows, n, 1, y!, causal);
      const run = grad
        ? () => kernels.softmaxF32(softmaxOp(`${op}Grad`), y!, dy!, rows, n, 1, out!, 0)
        : () => kernels.softmaxF32(softmaxOp(op), x!, 0, rows, n, 1, out!, causal);
      return { run, outputs: () => [new Float32Array(memory.buffer, out!, size)] };
    },
  };
}

function layerNormCase(name: string, grad: boolean, rows: number, features: number): Case {
  return {
    name,
    setup: (kernels, memory) => {
      const size = rows * features;
      const [x, dy, weight, bias, mean, variance, out, dweight, dbias, acc] = layout(kernels, [size, size, features, features, rows, rows, size, features, features, 6 * features]);
      fillUniform(new Float32Array(memory.buffer, x!, size), 3, 4, 0.5);
      fillUniform(new Float32Array(memory.buffer, dy!, size), 5, 0.02);
      fillUniform(new Float32Array(memory.buffer, weight!, features), 11, 0.4, 1);
      fillUniform(new Float32Array(memory.buffer, bias!, features), 13, 0.2);
      const forward = () => kernels.layerNormF32(layerNormOp("layerNorm"), x!, 0, weight!, bias!, mean!, variance!, out!, 0, 0, rows, features, 1e-5, acc!);
      forward();
      const run = grad ? () => kernels.layerNormF32(layerNormOp("layerNormGrad"), x!, dy!, weight!, 0, mean!, variance!, out!, dweight!, dbias!, rows, features, 1e-5, acc!) : forward;
      const view = (at: number, n: number) => new Float32Array(memory.buffer, at, n);
      return { run, outputs: () => (grad ? [view(out!, size), view(dweight!, features), view(dbias!, features)] : [view(out!, size), view(mean!, rows), view(variance!, rows)]) };
    },
  };
}

const CASES: Case[] = [
  layerNormCase("layerNorm [1024,64]", false, 1024, 64),
  layerNormCase("layerNormGrad [1024,64]", true, 1024, 64),
  softmaxCase("causal softmax [4096,64]", "softmax", false, 4096, 64, 64),
  softmaxCase("softmaxGrad (causal y) [4096,64]", "softmax", true, 4096, 64, 64),
  softmaxCase("softmax [1024,65]", "softmax", false, 1024, 65, 0),
  softmaxCase("softmaxGrad [1024,65]", "softmax", true, 1024, 65, 0),
  softmaxCase("logSoftmax [1024,65]", "logSoftmax", false, 1024, 65, 0),
  softmaxCase("logSoftmaxGrad [1024,65]", "logSoftmax", true, 1024, 65, 0),
];

/** The largest |a − b|/max(1, |b|) over the outputs (0 where both are the same non-finite value). */
function largestDifference(a: Float32Array[], b: Float32Array[]): number {
  let worst = 0;
  a.forEach((values, k) => values.forEach((v, i) => {
    const w = b[k]![i]!;
    if (Object.is(v, w)) return;
    worst = Math.max(worst, Number.isFinite(v) && Number.isFinite(w) ? Math.abs(v - w) / Math.max(1, Math.abs(w)) : Infinity);
  }));
  return worst;
}

const builds = await baseAndHereKernels<Exports>("norm-softmax-ab", revision, plain, 1024);
console.log(`f32 layer norm and softmax, ${plain ? "plain SIMD" : "relaxed SIMD"} builds, one thread, median µs per call by CPU time over ${reps} samples: ${revision} vs this checkout`);
console.log(`${"".padEnd(34)} ${"base".padStart(8)} ${"here".padStart(8)}  speed-up  largest difference`);
for (const { name, setup } of CASES) {
  const runs = builds.map(({ kernels, memory }) => setup(kernels, memory));
  runs.forEach(({ run }) => run());
  const difference = largestDifference(runs[1]!.outputs(), runs[0]!.outputs());
  const micros = raceMedians(runs[0]!.run, runs[1]!.run, reps).map((seconds) => seconds * 1e6);
  console.log(`${name.padEnd(34)} ${micros[0]!.toFixed(1).padStart(8)} ${micros[1]!.toFixed(1).padStart(8)}  ×${(micros[0]! / micros[1]!).toFixed(2).padEnd(7)} ${difference.toExponential(1)}`);
}
