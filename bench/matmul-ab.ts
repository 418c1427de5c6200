// The packed f32 matmul kernel of this checkout against the one at a git revision, in one
// process: both builds compiled from source (assemblyscript, as scripts/build-wasm.mjs does),
// instantiated side by side and raced round robin over the shapes of W3, W6 and squares, one
// thread, in short samples of CPU time (process.cpuUsage), so that load from other processes hits
// both alike. Prints median GFLOP/s per shape and build, the ratio, and checks the two builds'
// outputs bit for bit (a tile change must not change any result).
//
// Usage: node --import tsx bench/matmul-ab.ts [REV = HEAD~1] [--plain] [--reps N]
//   --plain: the plain SIMD builds instead of the relaxed-SIMD ones.
import asc from "assemblyscript/asc";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";

const args = process.argv.slice(2);
const option = (name: string): string | undefined => {
  const at = args.indexOf(name);
  return at < 0 ? undefined : args[at + 1];
};
const revision = args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--reps") ?? "HEAD~1";
const plain = args.includes("--plain");
const reps = Number(option("--reps") ?? 31);
setFlagsFromString("--experimental-wasm-relaxed-simd");

type MatmulExports = {
  heapBase(): number;
  matmulScratchA(): number;
  matmulScratchB(): number;
  matmulTile(): number;
  matmulF32(a: number, b: number, out: number, batch: number, m: number, k: number, n: number, transA: boolean, transB: boolean, strideA: number, strideB: number, ap: number, bp: number, tile: number): void;
};

async function compile(assemblyDir: string, scratch: string, name: string): Promise<Uint8Array<ArrayBuffer>> {
  const file = join(scratch, `${name}.wasm`);
  const features = plain ? ["--enable", "simd"] : ["--enable", "simd", "--enable", "relaxed-simd"];
  const { error, stderr } = await asc.main([join(assemblyDir, "index.ts"), "-O3", "--runtime", "stub", "--importMemory", "--noAssert", "--initialMemory", "1", ...features, "-o", file]);
  if (error) throw new Error(`matmul-ab: compiling ${assemblyDir} failed: ${stderr.toString()}`);
  return new Uint8Array(readFileSync(file));
}

function instantiate(bytes: Uint8Array<ArrayBuffer>): { kernels: MatmulExports; memory: WebAssembly.Memory } {
  const memory = new WebAssembly.Memory({ initial: 2048 });
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort: () => { throw new Error("matmul-ab: kernel aborted"); } } });
  return { kernels: instance.exports as unknown as MatmulExports, memory };
}

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

function fill(values: Float32Array, seed: number): void {
  let state = seed >>> 0;
  for (let i = 0; i < values.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    values[i] = state / 2 ** 32 - 0.5;
  }
}

function cpuSeconds(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1e6;
}

const scratch = mkdtempSync(join(tmpdir(), "nabla-matmul-ab-"));
try {
  execFileSync("sh", ["-c", `git archive ${JSON.stringify(revision)} src/backend/wasm/assembly | tar -x -C ${JSON.stringify(scratch)}`]);
  const builds = [
    instantiate(await compile(join(scratch, "src/backend/wasm/assembly"), scratch, "base")),
    instantiate(await compile("src/backend/wasm/assembly", scratch, "here")),
  ];
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
      fill(new Float32Array(memory.buffer, a, m * k), 1);
      fill(new Float32Array(memory.buffer, b, k * n), 2);
      const run = (): void => kernels.matmulF32(a, b, out, 1, m, k, n, transA, transB, 0, 0, packA, packB, tile);
      run();
      return { run, bits: new Uint32Array(memory.buffer, out, m * n) };
    });
    const same = runs[0]!.bits.every((bits, i) => bits === runs[1]!.bits[i]);
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
    const gflops = samples.map((times) => (2 * m * k * n) / times.sort((x, y) => x - y)[times.length >> 1]! / 1e9);
    ratios.push(gflops[1]! / gflops[0]!);
    console.log(`${name.padEnd(30)} ${gflops[0]!.toFixed(1).padStart(6)} ${gflops[1]!.toFixed(1).padStart(6)}  ×${(gflops[1]! / gflops[0]!).toFixed(3)}${same ? "" : "  RESULTS DIFFER"}`);
  }
  console.log(`geometric mean ×${Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length).toFixed(3)}`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
