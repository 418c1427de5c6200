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
import asc from "assemblyscript/asc";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";
import { LAYER_NORM_OPS, SOFTMAX_OPS } from "../src/backend/op-table.js";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const revision = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--reps") ?? "main";
const plain = args.includes("--plain");
const reps = Number(option("--reps") ?? 21);
setFlagsFromString("--experimental-wasm-relaxed-simd");

type Exports = {
  heapBase(): number;
  softmaxF32(op: number, x: number, dy: number, outer: number, axisSize: number, inner: number, out: number, causal: number): void;
  layerNormF32(op: number, x: number, dy: number, weight: number, bias: number, mean: number, variance: number, out: number, dweight: number, dbias: number, rows: number, features: number, eps: number, acc: number): void;
};

async function compile(assemblyDir: string, scratch: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = join(scratch, `${name}.wasm`);
  const features = plain ? ["--enable", "simd"] : ["--enable", "simd", "--enable", "relaxed-simd"];
  const { error, stderr } = await asc.main([join(assemblyDir, "index.ts"), "-O3", "--runtime", "stub", "--importMemory", "--noAssert", "--initialMemory", "1", ...features, "-o", file]);
  if (error) throw new Error(`norm-softmax-ab: compiling ${assemblyDir} failed: ${stderr.toString()}`);
  return new Uint8Array(readFileSync(file));
}

function instantiate(bytes: Uint8Array<ArrayBuffer>): { kernels: Exports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 1024 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort: () => { throw new Error("norm-softmax-ab: kernel aborted"); } } });
  return { kernels: instance.exports as unknown as Exports, memory };
}

function fill(values: Float32Array, seed: number, scale: number, offset = 0): void {
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = (state / 2 ** 32 - 0.5) * scale + offset;
  }
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

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
      fill(new Float32Array(memory.buffer, x!, size), 7, 8);
      fill(new Float32Array(memory.buffer, dy!, size), 9, 0.1);
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
      fill(new Float32Array(memory.buffer, x!, size), 3, 4, 0.5);
      fill(new Float32Array(memory.buffer, dy!, size), 5, 0.02);
      fill(new Float32Array(memory.buffer, weight!, features), 11, 0.4, 1);
      fill(new Float32Array(memory.buffer, bias!, features), 13, 0.2);
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

const scratch = mkdtempSync(join(tmpdir(), "nabla-norm-softmax-ab-"));
try {
  execFileSync("sh", ["-c", `git archive ${JSON.stringify(revision)} src/backend/wasm/assembly | tar -x -C ${JSON.stringify(scratch)}`]);
  const builds = [
    instantiate(await compile(join(scratch, "src/backend/wasm/assembly"), scratch, "base")),
    instantiate(await compile("src/backend/wasm/assembly", scratch, "here")),
  ];
  console.log(`f32 layer norm and softmax, ${plain ? "plain SIMD" : "relaxed SIMD"} builds, one thread, median µs per call by CPU time over ${reps} samples: ${revision} vs this checkout`);
  console.log(`${"".padEnd(34)} ${"base".padStart(8)} ${"here".padStart(8)}  speed-up  largest difference`);
  for (const { name, setup } of CASES) {
    const runs = builds.map(({ kernels, memory }) => setup(kernels, memory));
    runs.forEach(({ run }) => run());
    const difference = largestDifference(runs[1]!.outputs(), runs[0]!.outputs());
    let calls = 1; // calls per sample: about 10 ms of the first build
    for (;;) {
      const start = cpuSeconds();
      for (let i = 0; i < calls; i++) runs[0]!.run();
      if (cpuSeconds() - start >= 0.01) break;
      calls *= 2;
    }
    const samples: number[][] = [[], []];
    for (let r = 0; r < reps; r++)
      for (const s of r % 2 === 0 ? [0, 1] : [1, 0]) {
        const start = cpuSeconds();
        for (let i = 0; i < calls; i++) runs[s]!.run();
        samples[s]!.push((cpuSeconds() - start) / calls);
      }
    const micros = samples.map((times) => times.sort((x, y) => x - y)[times.length >> 1]! * 1e6);
    console.log(`${name.padEnd(34)} ${micros[0]!.toFixed(1).padStart(8)} ${micros[1]!.toFixed(1).padStart(8)}  ×${(micros[0]! / micros[1]!).toFixed(2).padEnd(7)} ${difference.toExponential(1)}`);
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
