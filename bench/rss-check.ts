// `npm run bench:rss`: trains the W3 network on random batches for 10,000 steps in one
// synchronous loop (no dispose, no tidy, no yielding to the event loop) and checks resident
// memory stays flat: the growth from step 1,000 to step 10,000 must stay under 64 MB.
// Usage: tsx bench/rss-check.ts [wasm|js] [steps]
import { nn, optim, randn, setBackend, tensor, type BackendName } from "../src/index.js";

const backend = (process.argv[2] ?? "wasm") as BackendName;
const steps = Number(process.argv[3] ?? "10000");
setBackend(backend);
const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
const optimizer = new optim.SGD(model.parameters(), { lr: 0.01, momentum: 0.9 });
const lossFn = new nn.CrossEntropyLoss();
const x = randn([128, 784]);
const labels = tensor(Float32Array.from({ length: 128 }, (_, i) => i % 10));
const rssMB = (): number => process.memoryUsage().rss / 2 ** 20;

let atWarm = 0;
let peak = 0;
const start = performance.now();
for (let step = 1; step <= steps; step++) {
  optimizer.zeroGrad();
  lossFn.call(model.call(x), labels).backward();
  optimizer.step();
  if (step === Math.min(1000, steps)) atWarm = rssMB();
  if (step % 1000 === 0) {
    peak = Math.max(peak, rssMB());
    console.log(`step ${step}: rss ${rssMB().toFixed(0)} MB`);
  }
}
const growth = peak - atWarm;
console.log(`${backend}: ${steps} steps in ${((performance.now() - start) / 1000).toFixed(1)} s; rss at step 1,000 ${atWarm.toFixed(0)} MB, peak after ${peak.toFixed(0)} MB (growth ${growth.toFixed(0)} MB)`);
if (growth > 64) {
  console.log("rss-check: FAILED, resident memory grew by more than 64 MB");
  process.exitCode = 1;
}
