// Whether W3's threaded step would gain from a feature-affine split (a question for the
// threaded products, not a benchmark of nabla as it is). Two threads run the work around W3's
// first weight W1 [256×784] on the kernels directly: its momentum update, the forward product
// x·W1ᵀ and the weight gradient g1ᵀ·x, with the batch x and the gradient g1 rewritten by the
// calling thread each step, as a replay binds and computes them.
//
//   A (today's split): the update split by element ranges; each product's op(B) packed once,
//     shared, its panels packed by either thread (alternating here); C's rows split.
//   B (feature-affine): thread t owns W1's rows [128t, 128t+128) throughout: it updates them,
//     packs them itself for its own columns of x·W1ᵀ, and computes those rows of dW1 (packing x
//     for itself), so the weight, its gradient and its packed panels never cross cores.
//
// Both compute the same values (every element by the same chain of the same kernel). Prints the
// median microseconds per step of each, alternating A and B in separate processes.
//
// Usage: node --import tsx bench/affinity-probe.ts [ROUNDS = 4]
//        node --import tsx bench/affinity-probe.ts --run A|B   (one process, one mode)
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import { instantiateKernels } from "../src/backend/wasm/wasm-module.js";

/** One step on thread `t`: plain JavaScript, run from this text by both threads. */
const STEP = `
let counter = 0;
return function step(t, barrier, k, L, mode, memory) {
  const MB = 1 << 20, ap = L.SCR + t * 2 * MB, tile = ap + MB, half = 128 * 784;
  if (t === 0) {
    new Float32Array(memory.buffer, L.X, 128 * 784).fill(0.01 * (1 + (counter++ % 3)));
    new Float32Array(memory.buffer, L.G1, 128 * 256).fill(0.001);
  }
  barrier();
  k.sgdMomentumF32(L.W + t * half * 4, L.DW + t * half * 4, L.BUF + t * half * 4, half, 0.9, 1, -0.05);
  barrier();
  if (mode === "A") {
    for (let p = t; p < 32; p += 2) k.packPanelsF32(L.W, 784, 256, true, 0, 256, p, p + 1, L.BP);
    barrier();
    k.productRowsF32(L.X, L.BP, L.H, 128, 784, 256, false, 0, 256, ap, tile, 64 * t, 64 * t + 64);
    barrier();
    for (let p = t; p < 98; p += 2) k.packPanelsF32(L.X, 128, 784, false, 0, 784, p, p + 1, L.BP);
    barrier();
    k.productRowsF32(L.G1, L.BP, L.DW, 256, 128, 784, true, 0, 784, ap, tile, 128 * t, 128 * t + 128);
    barrier();
  } else {
    const bp = t === 0 ? L.BP : L.BP1;
    k.packPanelsF32(L.W, 784, 256, true, 128 * t, 128, 0, 16, bp);
    k.productRowsF32(L.X, bp, L.H, 128, 784, 256, false, 128 * t, 128, ap, tile, 0, 128);
    barrier();
    k.packPanelsF32(L.X, 128, 784, false, 0, 784, 0, 98, bp);
    k.productRowsF32(L.G1, bp, L.DW, 256, 128, 784, true, 0, 784, ap, tile, 128 * t, 128 * t + 128);
    barrier();
  }
};`;

/** The worker's side: the same steps as thread 1, then a flag. */
const WORKER = `
const { workerData } = require("node:worker_threads");
const { module, memory, L, mode, steps } = workerData;
const k = new WebAssembly.Instance(module, { env: { memory, abort() { throw new Error("abort"); } } }).exports;
const ctl = new Int32Array(memory.buffer, 1024, 32);
const step = new Function(${JSON.stringify(STEP)})();
let phase = 0;
const barrier = () => { phase++; Atomics.add(ctl, 0, 1); while (Atomics.load(ctl, 0) < 2 * phase); };
for (let s = 0; s < steps; s++) step(1, barrier, k, L, mode, memory);
Atomics.store(ctl, 5, 1);`;

type Step = (t: number, barrier: () => void, k: unknown, L: Record<string, number>, mode: string, memory: WebAssembly.Memory) => void;

async function run(mode: string): Promise<void> {
  const { kernels, memory, module } = instantiateKernels(true);
  const MB = 1 << 20;
  memory.grow((96 * MB) / 65536);
  const L = { X: 8 * MB, W: 9 * MB, DW: 11 * MB, BUF: 12 * MB, H: 13 * MB, G1: 14 * MB, BP: 16 * MB, BP1: 18 * MB, SCR: 24 * MB };
  new Float32Array(memory.buffer, L.W, 256 * 784).fill(0.02);
  const ctl = new Int32Array(memory.buffer, 1024, 32);
  const steps = 600;
  const worker = new Worker(WORKER, { eval: true, workerData: { module, memory, L, mode, steps } });
  worker.on("error", (error) => {
    console.error(error);
    process.exit(1);
  });
  await new Promise((resolve) => setTimeout(resolve, 300)); // the worker boots (its loader needs this thread's event loop)
  const step = new Function(STEP)() as Step;
  let phase = 0;
  const barrier = (): void => {
    phase++;
    Atomics.add(ctl, 0, 1);
    while (Atomics.load(ctl, 0) < 2 * phase);
  };
  const times: number[] = [];
  for (let s = 0; s < steps; s++) {
    const start = performance.now();
    step(0, barrier, kernels, L, mode, memory);
    times.push(performance.now() - start);
  }
  while (Atomics.load(ctl, 5) === 0);
  const steady = times.slice(100).sort((a, b) => a - b);
  console.log(JSON.stringify({ mode, microseconds: Math.round(steady[steady.length >> 1]! * 1000) }));
  process.exit(0);
}

const at = process.argv.indexOf("--run");
if (at >= 0) await run(process.argv[at + 1] ?? "A");
else {
  const rounds = Number(process.argv[2] ?? 4);
  const results: Record<string, number[]> = { A: [], B: [] };
  for (let r = 0; r < rounds; r++) {
    for (const mode of ["A", "B"]) {
      const out = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url), "--run", mode], { encoding: "utf8", timeout: 120_000 });
      const line = out.stdout.trim().split("\n").pop() ?? "";
      results[mode]!.push((JSON.parse(line) as { microseconds: number }).microseconds);
    }
  }
  const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
  console.log(`W1's update, x·W1ᵀ and g1ᵀ·x on two threads, µs per step (${rounds} processes each):`);
  console.log(`  A, today's split:     ${results.A!.join(" ")}  median ${median(results.A!)}`);
  console.log(`  B, feature-affine:    ${results.B!.join(" ")}  median ${median(results.B!)}  (${((median(results.B!) / median(results.A!) - 1) * 100).toFixed(1)}%)`);
}
