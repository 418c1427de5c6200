// Eager W6's steps one by one in a fresh process, as the bench's worker runs them (the tiny GPT,
// AdamW, wasm backend): how the bench's mean over steps 6–40 splits into a typical step (the
// median), the steps still warming up (6–11) and the slow steps. A step's tensors are
// garbage-collected arrays (there is no dispose): until the collector has freed the first
// steps' arrays, new ones come from fresh memory, whose pages fault in (11–12 µs a page on the
// project machine), and later a step's fresh arrays add to V8's external memory until it
// collects ("external memory pressure" in --trace-gc), a pause on the step it falls in.
// Prints per window: mean and median ms, the ms per step that steps slower than 1.15× the
// median add over it, the collector's pauses (PerformanceObserver "gc") and minor page faults
// per step, and with --each every step's ms, faults and pauses.
//
// Usage: node --import tsx bench/eager-steps.ts [STEPS = 120] [--each] [--mode=single|threads|tuned]
import { PerformanceObserver } from "node:perf_hooks";
import { setBackend } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { w6Training } from "./initial-models.js";
import { W6 } from "./data.js";

const args = process.argv.slice(2);
const total = Math.max(41, Number(args.find((a) => !a.startsWith("--")) ?? 120));
setBackend("wasm");
const mode = args.find((a) => a.startsWith("--mode="))?.slice(7);
if (mode === "single" || mode === "threads" || mode === "tuned") (activeBackend() as WasmBackend).threadTuner.mode = mode;
const { model, optimizer, batch, loss: lossOf } = w6Training();

const pauses: { startTime: number; duration: number }[] = [];
const observer = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
observer.observe({ entryTypes: ["gc"] });

const steps: { start: number; end: number; faults: number }[] = [];
for (let s = 0; s < total; s++) {
  const faults = process.resourceUsage().minorPageFault;
  const start = performance.now();
  const [x, y] = batch(s % W6.steps);
  const loss = lossOf(model.call(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  loss.item(); // the bench reads the loss of steps 1 and 40; reading every one keeps steps alike
  steps.push({ start, end: performance.now(), faults: process.resourceUsage().minorPageFault - faults });
}
// the observer's entries arrive once the event loop turns
await new Promise((resolve) => setTimeout(resolve, 50));
observer.disconnect();

const ms = (i: number): number => steps[i]!.end - steps[i]!.start;
const pauseMs = (i: number): number => pauses.filter((p) => p.startTime >= steps[i]!.start && p.startTime < steps[i]!.end).reduce((sum, p) => sum + p.duration, 0);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

function window(first: number, last: number): void {
  const indices = Array.from({ length: last - first + 1 }, (_, k) => first - 1 + k);
  const times = indices.map(ms);
  const typical = median(times);
  const slow = times.filter((t) => t > 1.15 * typical);
  const excess = slow.reduce((sum, t) => sum + t - typical, 0) / times.length;
  const line = [
    `steps ${first}–${last}: mean ${mean(times).toFixed(1)} ms (${(1000 / mean(times)).toFixed(1)} steps/s), median ${typical.toFixed(1)} (${(1000 / typical).toFixed(1)} steps/s)`,
    `${slow.length} slower than 1.15× the median add ${excess.toFixed(1)} ms a step`,
    `collector ${mean(indices.map(pauseMs)).toFixed(1)} ms and ${mean(indices.map((i) => steps[i]!.faults)).toFixed(0)} page faults a step`,
  ];
  console.log(line.join("; "));
}

console.log(`eager W6 (wasm), one fresh process, ${total} steps (batches of steps 1–40 repeated):`);
window(W6.warmup + 1, W6.steps);
window(W6.warmup + 1, W6.warmup + 6);
window(W6.steps + 1, total);
if (args.includes("--each")) {
  for (let i = 0; i < total; i++) console.log(`  step ${i + 1}: ${ms(i).toFixed(1)} ms, ${steps[i]!.faults} faults, collector ${pauseMs(i).toFixed(1)} ms`);
}
