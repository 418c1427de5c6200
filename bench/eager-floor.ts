// A floor under eager W6's step time (the tiny GPT, AdamW, wasm backend), from what eager mode
// must do beyond a compiled replay of the same step, all measured in this one process:
//
//   floor = compiled replay (the same kernels, products on the threads, element-wise ops fused,
//           memory planned: nothing copied, allocated or collected)
//         + the eager step's JavaScript outside the backend (autograd's graph, op dispatch)
//         + copying every kernel's operands into WebAssembly memory and its result out, at the
//           rate of a hot 1 MB copy (the least those bytes can cost)
//         + the collector's pauses on the main thread (tensors are garbage-collected arrays:
//           there is no dispose)
//
// It leaves out what eager mode pays on top and a better eager mode might save (zeroing and
// faulting in new arrays, unfused element-wise passes, strided copies), so the true floor is
// higher. Prints each part's median per step over the rounds (eager's first, then compiled's), the floor as steps/s,
// and the eager and compiled medians beside it.
//
// Usage: node --import tsx bench/eager-floor.ts [ROUNDS = 10] [STEPS PER ROUND = 8]
import { PerformanceObserver } from "node:perf_hooks";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { compile, nn, optim, setBackend, tensor, type Tensor } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";
import { WasmArena } from "../src/backend/wasm/wasm-arena.js";
import type { WasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { w6Batch } from "../examples/tiny-gpt.js";
import { initialW6 } from "./initial-models.js";
import { benchDataDir, W6 } from "./data.js";

const [rounds, perRound] = [Number(process.argv[2] ?? 10), Number(process.argv[3] ?? 8)];
setBackend("wasm");
const backend = activeBackend() as unknown as WasmBackend & Record<string, unknown>;
const tokens = new Uint8Array(readFileSync(join(benchDataDir(), "tokens_w6.bin")));
const { batch, block, vocab } = W6;

/** A W6 training step from init_w6, eager or compiled, on batch `s`. */
function trainer(compiled: boolean): (s: number) => Tensor {
  const model = initialW6();
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  const step = (input: Tensor, target: Tensor): Tensor => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(input).reshape([batch * block, vocab]), target);
    loss.backward();
    optimizer.step();
    return loss;
  };
  const run = compiled ? compile(step) : step;
  return (s) => {
    const { x, y } = w6Batch(tokens, s % W6.steps, batch, block);
    return run(tensor(x, { shape: [batch, block] }), tensor(y));
  };
}

// the bytes every eager kernel call copies in and out, and the time inside backend methods
let [bytesIn, bytesOut, backendMs, depth, counting] = [0, 0, 0, 0, false];
const arena = WasmArena.prototype as unknown as Record<string, (...a: unknown[]) => unknown>;
for (const [name, incoming] of [["put", true], ["putInt32", true], ["take", false], ["takeInt32", false]] as const) {
  const original = arena[name]!;
  arena[name] = function (this: unknown, ...args: unknown[]) {
    const array = (incoming ? args[0] : args[1]) as ArrayBufferView;
    if (counting) incoming ? (bytesIn += array.byteLength) : (bytesOut += array.byteLength);
    return original.apply(this, args);
  };
}
for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(backend))) {
  const method = backend[name];
  if (typeof method !== "function" || name === "constructor") continue;
  backend[name] = (...args: unknown[]): unknown => {
    if (depth++ > 0 || !counting) return call();
    const start = performance.now();
    try {
      return call();
    } finally {
      backendMs += performance.now() - start;
    }
    function call(): unknown {
      try {
        return (method as (...a: unknown[]) => unknown).apply(backend, args);
      } finally {
        depth--;
      }
    }
  };
}
// the collector's pauses arrive once the event loop turns, so each is matched to a round's window at the end
const pauses: { startTime: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
observer.observe({ entryTypes: ["gc"] });
const windows: [number, number][] = [];

/** Median µs to copy a hot 1 MB array into the arena and out again. */
function hotCopyMicrosPerMB(): number {
  const values = new Float32Array(1 << 18).map((_, i) => i);
  const back = new Float32Array(1 << 18);
  const arenaOf = backend.arena;
  const times: number[] = [];
  for (let r = 0; r < 200; r++) {
    const start = performance.now();
    arenaOf.reset();
    const ptr = arenaOf.put(values);
    arenaOf.take(ptr, back);
    times.push(((performance.now() - start) * 1000) / 2);
  }
  return median(times);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

// eager rounds first, then compiled ones: run in between, the compiled plan's tracing made eager's
// JavaScript and collector measure 25% slower (4.3 and 2.4 ms against 3.4 and 1.9), and a floor takes the lower
const parts = { eager: [] as number[], compiled: [] as number[], outside: [] as number[], copies: [] as number[], gc: [] as number[] };
const eager = trainer(false);
for (let s = 0; s < 10; s++) eager(s); // warm-up: the thread tuner, V8's tiers
for (let round = 0; round < rounds; round++) {
  const copyRate = hotCopyMicrosPerMB();
  [bytesIn, bytesOut, backendMs, counting] = [0, 0, 0, true];
  const start = performance.now();
  for (let s = 0; s < perRound; s++) eager(10 + round * perRound + s).item();
  windows.push([start, performance.now()]);
  const eagerMs = (performance.now() - start) / perRound;
  counting = false;
  parts.eager.push(eagerMs);
  parts.outside.push(eagerMs - backendMs / perRound);
  parts.copies.push((((bytesIn + bytesOut) / perRound / 2 ** 20) * copyRate) / 1000);
}
const compiled = trainer(true);
for (let s = 0; s < 10; s++) compiled(s); // warm-up: the trace, the plan, its generated code
for (let round = 0; round < rounds; round++) {
  const start = performance.now();
  for (let s = 0; s < perRound; s++) compiled(10 + round * perRound + s).item();
  parts.compiled.push((performance.now() - start) / perRound);
}
await new Promise((resolve) => setTimeout(resolve, 100));
observer.disconnect();
for (const [from, to] of windows) parts.gc.push(pauses.filter((p) => p.startTime >= from && p.startTime < to).reduce((sum, p) => sum + p.duration, 0) / perRound);
const [compiledMs, outsideMs, copiesMs, gcPauseMs] = [median(parts.compiled), median(parts.outside), median(parts.copies), median(parts.gc)];
const floor = compiledMs + outsideMs + copiesMs + gcPauseMs;
console.log(`W6, ${rounds} rounds of ${perRound} eager and ${perRound} compiled steps, medians in ms per step:`);
console.log(`  compiled replay                       ${compiledMs.toFixed(2)}`);
console.log(`  + eager JavaScript outside the backend ${outsideMs.toFixed(2)}`);
console.log(`  + copies in and out at the hot rate    ${copiesMs.toFixed(2)}  (${((bytesIn + bytesOut) / perRound / 2 ** 20).toFixed(0)} MB a step in the last round)`);
console.log(`  + the collector's pauses               ${gcPauseMs.toFixed(2)}`);
console.log(`  = floor ${floor.toFixed(2)} ms: at most ${(1000 / floor).toFixed(1)} steps/s; eager measured ${median(parts.eager).toFixed(2)} ms (${(1000 / median(parts.eager)).toFixed(1)} steps/s)`);
