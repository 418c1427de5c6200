// Per-call cost of eager mode's threaded products and convolutions, in one process: the same
// operands through a one-thread backend, and a two-thread one with its tuner set to "threads",
// to "single" (a weight gradient: the same split, every task on the caller) and left "tuned",
// alternating call by call so outside load hits all four alike. Also times copying an operand
// into the shared arena against the ordinary one. Prints median µs per call, CPU µs per call
// (all threads), and whether the two-thread modes' results are identical bit for bit (and equal
// the one-thread backend's, which a weight gradient's need not: its partial sums follow the split).
// Usage: node --import tsx bench/eager-threads-probe.ts [calls per variant, default 60]
import type { ConvOp, DataRef, MatmulSpec, WindowSpec } from "../src/backend/backend.js";
import { WasmBackend } from "../src/backend/wasm/wasm-backend.js";

const calls = Number(process.argv[2] ?? 60);
const one = new WasmBackend(0);
const two = new WasmBackend(1);

function values(size: number, seed: number): Float32Array {
  return Float32Array.from({ length: size }, (_, i) => Math.sin(seed * 7.1 + i * 0.37));
}

type Call = (backend: WasmBackend, out: DataRef) => void;

function product(m: number, k: number, n: number, transA: boolean, transB: boolean): [string, Call, number] {
  const spec: MatmulSpec = { batch: 1, m, k, n, transA, transB, batchStrideA: m * k, batchStrideB: k * n };
  const a = one.fromValues(values(m * k, m), "float32"), b = one.fromValues(values(k * n, n), "float32");
  return [`[${m}×${k}]${transA ? "ᵀ" : ""}·[${k}×${n}]${transB ? "ᵀ" : ""}`, (backend, out) => backend.matmul(a, b, spec, out), m * n];
}

function conv(op: ConvOp, batch: number, channels: number, size: number, outChannels: number): [string, Call, number] {
  const spec: WindowSpec = { batch, channels, height: size, width: size, kernelH: 5, kernelW: 5, strideH: 1, strideW: 1, padH: 2, padW: 2, dilationH: 1, dilationW: 1, outH: size, outW: size };
  const image = one.fromValues(values(batch * channels * size * size, 1), "float32");
  const weight = one.fromValues(values(outChannels * channels * 25, 2), "float32");
  const grad = one.fromValues(values(batch * outChannels * size * size, 3), "float32");
  const [a, b, outSize] = op === "conv2d" ? [image, weight, batch * outChannels * size * size] : op === "conv2dInputGrad" ? [grad, weight, batch * channels * size * size] : [image, grad, outChannels * channels * 25];
  return [`${op} ${batch}×${channels}×${size}² → ${outChannels}`, (backend, out) => backend.conv2d(op, a, b, null, spec, outChannels, out), outSize];
}

const cases: [string, Call, number][] = [
  // W6 (tiny GPT, batch 16 × 64 tokens): forward, then the backward forms
  product(1024, 64, 192, false, true), product(1024, 64, 256, false, true), product(1024, 256, 64, false, true), product(1024, 64, 65, false, true),
  product(1024, 64, 64, false, true), product(1024, 192, 64, false, false), product(1024, 64, 256, false, false), product(1024, 65, 64, false, false),
  product(192, 1024, 64, true, false), product(256, 1024, 64, true, false), product(64, 1024, 256, true, false), product(65, 1024, 64, true, false),
  // W5's convolutions, W3's largest product
  conv("conv2d", 64, 1, 28, 16), conv("conv2d", 64, 16, 14, 32), conv("conv2dInputGrad", 64, 16, 14, 32), conv("conv2dWeightGrad", 64, 1, 28, 16), conv("conv2dWeightGrad", 64, 16, 14, 32),
  product(128, 784, 256, false, true),
];

function median(xs: number[]): number {
  const s = [...xs].sort((x, y) => x - y);
  return s[s.length >> 1]!;
}

const modes = ["single", "threads", "single", "tuned"] as const;
console.log("case | µs: one-thread backend | two: threads | two: single | two: tuned | cpu µs: one / threads / single | two's modes identical | = one-thread's");
for (const [name, call, size] of cases) {
  const outs = modes.map(() => one.allocate(size, "float32"));
  const times: number[][] = modes.map(() => []), cpu = modes.map(() => 0);
  for (let i = 0; i < calls + 5; i++) {
    for (let v = 0; v < modes.length; v++) {
      two.threadTuner.mode = modes[v]!;
      const [c0, t0] = [process.cpuUsage(), performance.now()];
      call(v === 0 ? one : two, outs[v]!);
      const [t1, c1] = [performance.now(), process.cpuUsage(c0)];
      if (i < 5) continue; // warm-up
      times[v]!.push((t1 - t0) * 1000);
      cpu[v]! += c1.user + c1.system;
    }
  }
  const [x, y, z, w] = outs.map((o) => one.read(o));
  const same = (p: ArrayLike<number>, q: ArrayLike<number>): boolean => Array.prototype.every.call(p, (value: number, i: number) => Object.is(value, q[i]));
  const µs = times.map((t) => median(t).toFixed(0)).join(" | ");
  console.log(`${name} | ${µs} | ${cpu.slice(0, 3).map((c) => (c / calls).toFixed(0)).join(" / ")} | ${same(y!, z!) && same(y!, w!)} | ${same(x!, y!)}`);
}

// the copies alone: 1 MB (a [1024, 256] float32 operand) into each arena
const block = values(1024 * 256, 9);
const parallelArena = (two as unknown as { parallel: { arena: { reset(): void; put(v: Float32Array): number; take(p: number, o: Float32Array): void } } }).parallel.arena;
const copyTimes: number[][] = [[], [], [], []];
const back = new Float32Array(block.length);
for (let i = 0; i < calls; i++) {
  let t = performance.now();
  one.arena.reset();
  const p = one.arena.put(block);
  copyTimes[0]!.push((performance.now() - t) * 1000);
  t = performance.now();
  one.arena.take(p, back);
  copyTimes[1]!.push((performance.now() - t) * 1000);
  t = performance.now();
  parallelArena.reset();
  const q = parallelArena.put(block);
  copyTimes[2]!.push((performance.now() - t) * 1000);
  t = performance.now();
  parallelArena.take(q, back);
  copyTimes[3]!.push((performance.now() - t) * 1000);
}
console.log(`copy 1 MB in / out, ordinary memory: ${median(copyTimes[0]!).toFixed(0)} / ${median(copyTimes[1]!).toFixed(0)} µs; shared: ${median(copyTimes[2]!).toFixed(0)} / ${median(copyTimes[3]!).toFixed(0)} µs`);
