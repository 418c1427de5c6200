// Eager W5 or W6 on the wasm backend in one process, its training steps alternating the
// backend's thread mode: "single" (every product on the calling thread, as NABLA_THREADS=1),
// "tuned" (the default: per shape, whichever measured faster) and "threads" (every large product
// and convolution posted to the workers, as before the tuner). Alternating step by step, outside
// load hits the three alike, which separate processes minutes apart do not see. Prints each
// mode's median step time and CPU time (all threads), and the loss of the step the bench checks
// (W5's 100th, W6's 40th: with ≥ 33 rounds), which is the bench's whatever the modes.
// Usage: node --import tsx bench/eager-threads-steps.ts <W5|W6> [rounds, default 20]
// NABLA_TUNER_DUMP=1 also prints the choice each shape class holds at the end.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nn, optim, setBackend, tensor, type Tensor } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";
import { WasmBackend } from "../src/backend/wasm/wasm-backend.js";
import type { ThreadMode } from "../src/backend/wasm/eager-tuner.js";
import { w6Batch } from "../examples/tiny-gpt.js";
import { initialW5, initialW6 } from "./initial-models.js";
import { benchDataDir, fashionMnist, gatherRows, permW3, W5, W6 } from "./data.js";

const [workload = "W6", roundsArg = "20"] = process.argv.slice(2);
await setBackend("wasm");
const backend = activeBackend();
if (!(backend instanceof WasmBackend) || backend.threads < 2) throw new Error("needs the wasm backend with worker threads (NABLA_THREADS ≥ 2 or 2 cores)");

/** One training step of the workload, the `s`-th batch. */
function w6Step(): (s: number) => Tensor {
  const model = initialW6();
  const tokens = new Uint8Array(readFileSync(join(benchDataDir(), "tokens_w6.bin")));
  const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
  const { batch, block, vocab } = W6;
  return (s) => {
    const { x, y } = w6Batch(tokens, s, batch, block);
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(tensor(x, { shape: [batch, block] })).reshape([batch * block, vocab]), tensor(y));
    loss.backward();
    optimizer.step();
    return loss;
  };
}

function w5Step(): (s: number) => Tensor {
  const train = fashionMnist("train");
  const order = permW3();
  const model = initialW5();
  const lossFn = new nn.CrossEntropyLoss();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const { batch } = W5;
  const images = new Float32Array(batch * 784);
  const labels = new Int32Array(batch);
  return (s) => {
    const x = tensor(gatherRows(train.x, 784, order, batch * s, batch * s + batch, images), { shape: [batch, 1, 28, 28] });
    for (let r = 0; r < batch; r++) labels[r] = train.y[order[batch * s + r]!]!;
    optimizer.zeroGrad();
    const loss = lossFn.call(model.call(x), tensor(labels));
    loss.backward();
    optimizer.step();
    return loss;
  };
}

const step = workload === "W5" ? w5Step() : w6Step();
const modes: ThreadMode[] = ["single", "tuned", "threads"];
const rounds = Number(roundsArg);
const warmup = 2;
const wall: number[][] = modes.map(() => []), cpu: number[][] = modes.map(() => []);
const checkStep = workload === "W5" ? W5.steps : W6.steps;
let loss = Number.NaN;
for (let r = 0, s = 0; r < rounds + warmup; r++) {
  for (let m = 0; m < modes.length; m++, s++) {
    backend.threadTuner.mode = modes[m]!;
    const [c0, t0] = [process.cpuUsage(), performance.now()];
    const value = step(s).item();
    if (s === checkStep - 1) loss = value;
    const [t1, c1] = [performance.now(), process.cpuUsage(c0)];
    if (r < warmup) continue;
    wall[m]!.push(t1 - t0);
    cpu[m]!.push((c1.user + c1.system) / 1000);
  }
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
console.log(`${workload}, ${rounds} rounds of one step per mode, load ${readFileSync("/proc/loadavg", "utf8").split(" ")[0]}; loss of step ${checkStep}: ${loss} (NaN: not reached)`);
for (let m = 0; m < modes.length; m++) console.log(`  ${modes[m]!.padEnd(7)} median step ${median(wall[m]!).toFixed(1)} ms (wall), ${median(cpu[m]!).toFixed(1)} ms CPU (all threads)`);
if (process.env.NABLA_TUNER_DUMP) {
  const tuners = (backend.threadTuner as unknown as { tuners: Map<string, { solo: boolean; left: number }> }).tuners;
  for (const [key, t] of tuners) console.log(`  ${key}: ${t.solo ? "single" : "threads"} (${t.left} left)`);
}
