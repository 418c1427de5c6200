// What the kernel A/B benches (matmul-ab.ts, norm-softmax-ab.ts, gelu-ab.ts) share: their options, the
// kernels of a git revision and of this checkout compiled from source (assemblyscript, as
// scripts/build-wasm.mjs does) and instantiated side by side, filler data, and the race: round
// robin, one thread, in short samples of CPU time (process.cpuUsage), so that load from other
// processes hits both builds alike.
import asc from "assemblyscript/asc";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setFlagsFromString } from "node:v8";

/** `[REV] [--plain] [--reps N]` from the command line. */
export function abOptions(defaultRevision: string, defaultReps: number): { revision: string; plain: boolean; reps: number } {
  const args = process.argv.slice(2);
  const at = args.indexOf("--reps");
  return {
    revision: args.find((a, i) => !a.startsWith("--") && args[i - 1] !== "--reps") ?? defaultRevision,
    plain: args.includes("--plain"),
    reps: at < 0 ? defaultReps : Number(args[at + 1]),
  };
}

/**
 * The kernels at `revision` and this checkout's, in that order, each over a memory of `pages`
 * (`plain`: the plain SIMD builds, else the relaxed-SIMD ones). `bench` names the caller in errors.
 */
export async function baseAndHereKernels<Exports>(bench: string, revision: string, plain: boolean, pages: number): Promise<{ kernels: Exports; memory: WebAssembly.Memory }[]> {
  setFlagsFromString("--experimental-wasm-relaxed-simd");
  const scratch = mkdtempSync(join(tmpdir(), `nabla-${bench}-`));
  try {
    execFileSync("sh", ["-c", `git archive ${JSON.stringify(revision)} src/backend/wasm/assembly | tar -x -C ${JSON.stringify(scratch)}`]);
    const compile = async (assemblyDir: string, name: string): Promise<Uint8Array<ArrayBuffer>> => {
      const file = join(scratch, `${name}.wasm`);
      const features = plain ? ["--enable", "simd"] : ["--enable", "simd", "--enable", "relaxed-simd"];
      const { error, stderr } = await asc.main([join(assemblyDir, "index.ts"), "-O3", "--runtime", "stub", "--importMemory", "--noAssert", "--initialMemory", "1", ...features, "-o", file]);
      if (error) throw new Error(`${bench}: compiling ${assemblyDir} failed: ${stderr.toString()}`);
      return new Uint8Array(readFileSync(file));
    };
    const builds = [await compile(join(scratch, "src/backend/wasm/assembly"), "base"), await compile("src/backend/wasm/assembly", "here")];
    return builds.map((bytes) => {
      const memory = new WebAssembly.Memory({ initial: pages });
      const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { memory, abort: () => { throw new Error(`${bench}: kernel aborted`); } } });
      return { kernels: instance.exports as unknown as Exports, memory };
    });
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

/** Seeded uniform values in [−scale/2, scale/2) + offset (a linear congruential generator). */
export function fillUniform(values: Float32Array, seed: number, scale = 1, offset = 0): void {
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

/**
 * The median CPU seconds per call of `base` and of `here` over `reps` samples each, taken in
 * alternating order; a sample is as many calls as take `base` about 10 ms.
 */
export function raceMedians(base: () => void, here: () => void, reps: number): [number, number] {
  let calls = 1;
  for (;;) {
    const start = cpuSeconds();
    for (let i = 0; i < calls; i++) base();
    if (cpuSeconds() - start >= 0.01) break;
    calls *= 2;
  }
  const runs = [base, here];
  const samples: number[][] = [[], []];
  for (let r = 0; r < reps; r++)
    for (const s of r % 2 === 0 ? [0, 1] : [1, 0]) {
      const start = cpuSeconds();
      for (let i = 0; i < calls; i++) runs[s]!();
      samples[s]!.push((cpuSeconds() - start) / calls);
    }
  const median = (times: number[]): number => times.sort((x, y) => x - y)[times.length >> 1]!;
  return [median(samples[0]!), median(samples[1]!)];
}
