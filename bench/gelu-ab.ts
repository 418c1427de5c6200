// The float32 gelu and gelu-derivative kernels (unaryF32 GELU, GELU_GRAD) of this checkout
// against those at a git revision, in one process: both builds compiled from source, raced round
// robin on W6's size (tiny GPT: 262,144 MLP pre-activations), one thread, in short samples of CPU
// time (bench/kernel-ab.ts). The inputs are drawn like pre-activations: about N(0, 0.6²), with
// one in 64 wider, N(0, 2²), so that a few groups take the scalar path (x < −3) as in training.
// Prints the median ns per element of each build, the speed-up, and the largest difference
// between the two builds' outputs relative to max(1, |value|).
//
// Usage: node --import tsx bench/gelu-ab.ts [REV = main] [--plain] [--reps N]
//   --plain: the plain SIMD builds instead of the relaxed-SIMD ones.
import { UNARY_OPS } from "../src/backend/op-table.js";
import { abOptions, baseAndHereKernels, raceMedians } from "./kernel-ab.js";

const { revision, plain, reps } = abOptions("main", 31);
const SIZE = 262_144;

type Exports = {
  heapBase(): number;
  unaryF32(op: number, x: number, y: number, n: number, alpha: number, beta: number): void;
};

/** Seeded normal values (Box–Muller on a linear congruential generator): σ = 0.6, one in 64 with σ = 2. */
function preActivations(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let state = seed >>> 0;
  const uniform = (): number => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 0.5) / 2 ** 32;
  };
  for (let i = 0; i < n; i++) {
    const normal = Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
    out[i] = normal * (i % 64 === 0 ? 2 : 0.6);
  }
  return out;
}

const builds = await baseAndHereKernels<Exports>("gelu-ab", revision, plain, 256);
const input = preActivations(SIZE, 17);
const buffers = builds.map(({ kernels, memory }) => {
  const x = (kernels.heapBase() + 63) & ~63;
  const y = x + SIZE * 4 + 64;
  new Float32Array(memory.buffer, x, SIZE).set(input);
  return { kernels, memory, x, y };
});
console.log(`f32 gelu kernels on ${SIZE} values, ${plain ? "plain SIMD" : "relaxed SIMD"} builds, one thread, median ns per element by CPU time over ${reps} samples: ${revision} vs this checkout`);
console.log(`${"".padEnd(10)} ${"base".padStart(6)} ${"here".padStart(6)}  speed-up  largest difference`);
for (const op of ["gelu", "geluGrad"] as const) {
  const code = UNARY_OPS.indexOf(op);
  const runs = buffers.map(({ kernels, x, y }) => () => kernels.unaryF32(code, x, y, SIZE, 0, 0));
  runs.forEach((run) => run());
  const [base, here] = buffers.map(({ memory, y }) => new Float32Array(memory.buffer, y, SIZE));
  let difference = 0;
  for (let i = 0; i < SIZE; i++) difference = Math.max(difference, Math.abs(here![i]! - base![i]!) / Math.max(1, Math.abs(base![i]!)));
  const nanos = raceMedians(runs[0]!, runs[1]!, reps).map((seconds) => (seconds * 1e9) / SIZE);
  console.log(`${op.padEnd(10)} ${nanos[0]!.toFixed(2).padStart(6)} ${nanos[1]!.toFixed(2).padStart(6)}  ×${(nanos[0]! / nanos[1]!).toFixed(2).padEnd(7)} ${difference.toExponential(1)}`);
}
