// The wasm backend's product kernels side by side on thin shapes (W1's products, and the edges
// of thinProductF32's routing): the thin kernel, the packed one and, where it serves the shape,
// the unpacked small one, all of this checkout's build, in one process, one thread, by CPU time
// (process.cpuUsage) in short alternating samples, so load from other processes hits all alike.
// Prints the median ns per call of each, which one the backend routes the shape to, and checks
// that the kernels agree bit for bit (they run the same per-element chain of madds).
//
// Usage: node --import tsx bench/matmul-thin.ts [--plain] [--reps N]
//   --plain: the plain SIMD build instead of the relaxed-SIMD one.
import { instantiateKernels } from "../src/backend/wasm/wasm-module.js";

const args = process.argv.slice(2);
const at = args.indexOf("--reps");
const reps = at < 0 ? 9 : Number(args[at + 1]);
if (args.includes("--plain")) process.env.NABLA_RELAXED_SIMD = "0";
const { kernels, memory, variant } = instantiateKernels(false);
memory.grow(128);
const [A, B, OUT, PACK_A, PACK_B, TILE] = [1, 2, 3, 4, 5, 6].map((i) => i * (1 << 20));

const SHAPES: [string, number, number, number, boolean, boolean][] = [
  ["W1 logits [200,16]·[2,16]ᵀ", 200, 16, 2, false, true],
  ["W1 dW1 [200,16]ᵀ·[200,2]", 16, 200, 2, true, false],
  ["W1 dW3 [200,2]ᵀ·[200,16]", 2, 200, 16, true, false],
  ["W1 dW2 [200,16]ᵀ·[200,16]", 16, 200, 16, true, false],
  ["W1 h2 [200,16]·[16,16]ᵀ", 200, 16, 16, false, true],
  ["W2 [1000,2]·[1,2]ᵀ", 1000, 2, 1, false, true],
  ["n 4 [200,16]·[4,16]ᵀ", 200, 16, 4, false, true],
  ["n 5 [200,16]·[16,5]", 200, 16, 5, false, false],
  ["n 7 [200,16]·[7,16]ᵀ", 200, 16, 7, false, true],
  ["n 7 [16,200]ᵀ·[16,7]", 200, 16, 7, true, false],
  ["m 7 [7,16]·[200,16]ᵀ", 7, 16, 200, false, true],
];

function cpuNs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) * 1000;
}

const view = (at: number, length: number): Float32Array => new Float32Array(memory.buffer, at, length);
console.log(`thin-shape products, f32, ${variant} build, ns per call (median of ${reps} CPU-time samples)`);
for (const [name, m, k, n, transA, transB] of SHAPES) {
  view(A, m * k).forEach((_, i, a) => (a[i] = Math.sin(i * 0.37)));
  view(B, k * n).forEach((_, i, b) => (b[i] = Math.cos(i * 0.11)));
  const candidates: [string, () => void][] = [
    ["thin", () => kernels.matmulThinF32(A, B, OUT, 1, m, k, n, transA, transB, 0, 0)],
    ["packed", () => kernels.matmulF32(A, B, OUT, 1, m, k, n, transA, transB, 0, 0, PACK_A, PACK_B, TILE)],
  ];
  if (kernels.smallProductF32(m, k, n)) candidates.push(["small", () => kernels.matmulSmallF32(A, B, OUT, 1, m, k, n, transA, transB, 0, 0, PACK_B)]);
  let reference: Float32Array | null = null;
  for (const [kernel, call] of candidates) {
    call();
    const out = view(OUT, m * n).slice();
    if (reference !== null && !out.every((v, i) => Object.is(v, reference![i]))) throw new Error(`matmul-thin: ${kernel} differs from thin on ${name}`);
    reference ??= out;
  }
  // V8 runs a kernel's baseline code until its optimized code is compiled in the background: each
  // candidate first runs for 30 ms, well past that
  for (const [, call] of candidates) for (const start = cpuNs(); cpuNs() - start < 3e7; ) for (let i = 0; i < 100; i++) call();
  const calls = Math.max(200, Math.round(2e6 / (m * k * n)));
  const samples = candidates.map((): number[] => []);
  for (let r = 0; r < reps; r++) {
    candidates.forEach(([, call], c) => {
      const start = cpuNs();
      for (let i = 0; i < calls; i++) call();
      samples[c]!.push((cpuNs() - start) / calls);
    });
  }
  const median = (values: number[]): number => values.sort((x, y) => x - y)[values.length >> 1]!;
  const routed = kernels.thinProductF32(m, k, n, transA, transB) ? "thin" : kernels.smallProductF32(m, k, n) ? "small" : "packed";
  const times = candidates.map(([kernel], c) => `${kernel} ${median(samples[c]!).toFixed(0)}`).join("  ");
  console.log(`${name.padEnd(30)} ${times}  → ${routed}`);
}
