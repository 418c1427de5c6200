// Runs W2 on wasm exactly as bench/nabla-worker.ts does (100 warm-up steps, then steps 100..N
// timed), eagerly or with "compiled" through compile(), from the checkout DIR given — this one or
// a baseline's — and prints what decides the timed window besides the code's own speed: the main
// thread's CPU time (Linux schedstat: not inflated by waiting for a core on a loaded machine),
// minor page faults, the collections in the window (1 scavenge, 4 mark-compact, 8 incremental
// marking), the young generation's size and use at the window's start, what the window allocated
// (heap used after minus before; a collection in it makes this meaningless) and µs per step in
// blocks of 100 steps.
// Usage: node --import tsx bench/window-probe.ts DIR [steps = 1000] [compiled]
// bench/icount.sh counts the window's instructions with valgrind, which load does not change.
import { readFileSync } from "node:fs";
import { PerformanceObserver } from "node:perf_hooks";
import { resolve } from "node:path";
import { getHeapSpaceStatistics, getHeapStatistics } from "node:v8";

const root = resolve(process.argv[2] ?? ".");
const steps = Number(process.argv[3] ?? 1000);
const compiled = process.argv.includes("compiled");
const { compile, nn, noGrad, optim, setBackend, tensor } = await import(`${root}/src/index.ts`);
const { blobs } = await import(`${root}/bench/data.ts`);
await setBackend("wasm");
const data = blobs();
const model = new nn.Linear(2, 1);
noGrad(() => {
  model.weight.copy_(tensor([[0, 0]]));
  model.bias!.copy_(tensor([0]));
});
const x = tensor(data.x, { shape: [data.n, 2] });
const target = tensor(data.y, { shape: [data.n, 1] });
const lossFn = new nn.BCELoss();
const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
const train = (input: typeof x, labels: typeof target): void => {
  optimizer.zeroGrad();
  lossFn.call(model.call(input).sigmoid(), labels).backward();
  optimizer.step();
};
const trainStep = compiled ? compile(train) : train;
const step = (): void => trainStep(x, target);
const warmup = Math.min(100, steps);
for (let s = 0; s < warmup; s++) step();

const threadCpuMs = (): number => Number(readFileSync("/proc/thread-self/schedstat", "utf8").split(" ")[0]) / 1e6;
const youngSpace = () => getHeapSpaceStatistics().find((space) => space.space_name === "new_space")!;
const youngMB = (): number => youngSpace().space_size / 2 ** 20;
const collections: number[] = [];
let windowStart = Infinity;
const observer = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) if (entry.startTime >= windowStart) collections.push((entry as unknown as { detail: { kind: number } }).detail.kind);
});
observer.observe({ entryTypes: ["gc"] });
const young = youngMB();
const youngUsedMB = youngSpace().space_used_size / 2 ** 20;
const heapMB = getHeapStatistics().used_heap_size / 2 ** 20;
const usage = process.resourceUsage();
const cpu = threadCpuMs();
const heapBefore = process.memoryUsage().heapUsed;
const blocks: number[] = [];
windowStart = performance.now();
let blockStart = windowStart;
for (let s = warmup; s < steps; s++) {
  step();
  if ((s - warmup) % 100 === 99) blocks.push(+((performance.now() - blockStart) * 10).toFixed(1)), (blockStart = performance.now());
}
const ms = performance.now() - windowStart;
const allocatedKB = Math.round((process.memoryUsage().heapUsed - heapBefore) / 1024);
const cpuMs = threadCpuMs() - cpu;
const faults = process.resourceUsage().minorPageFault - usage.minorPageFault;
await new Promise((done) => setTimeout(done, 20)); // the observer reports on a later turn
observer.disconnect();
const loss = noGrad(() => lossFn.call(model.call(x).sigmoid(), target).item());
console.log(JSON.stringify({ root, steps, compiled, wallMs: +ms.toFixed(1), stepsPerSecond: Math.round((steps - warmup) / (ms / 1000)), mainThreadCpuMs: +cpuMs.toFixed(1), faults, collections: collections.join(""), youngMB: [young, youngMB()], youngUsedMBAtStart: +youngUsedMB.toFixed(1), allocatedKB, blockMicroseconds: blocks, heapMB: +heapMB.toFixed(1), loss }));
