// Where a compiled training step's time goes, step by step: W2's logistic regression, W3's MLP,
// W5's CNN or W6's tiny GPT compiled
// on the wasm backend with step timing on (src/compile/step-timing.ts: each step of the plan
// timed on its own, interpreted, no generated code), replayed, then each kind of step (a
// product by its shape and flags, a fused group by its ops, any other kernel by name) with its
// calls per replay and milliseconds per replay, the largest first, and the sum against the
// replay's wall time. Interpreting costs a little against generated code (the totals here run
// somewhat above the bench's); the split between steps is what to read.
//
// Usage: node --import tsx bench/plan-steps.ts <W2|W3|W5|W6> [REPLAYS = 100] [ROWS = 20]
import { compile, nn, optim, setBackend, tensor, type Tensor } from "../src/index.js";
import { stepTiming } from "../src/compile/step-timing.js";
import { blobs, fashionMnist, gatherRows, permW3 } from "./data.js";
import { initialW5, w6Training } from "./initial-models.js";

const [workload = "W6", replayArg = "100", rowArg = "20"] = process.argv.slice(2);
const [replays, rows] = [Number(replayArg), Number(rowArg)];
const warmUp = 20;
setBackend("wasm");
stepTiming.enabled = true;

/** The training step every workload compiles: zero the gradients, the loss of the model's output, backward, step. */
function compiledStep(model: { call(x: Tensor): Tensor }, optimizer: { zeroGrad(): void; step(): void }, lossOf: (output: Tensor, target: Tensor) => Tensor): (x: Tensor, y: Tensor) => Tensor {
  return compile((x: Tensor, y: Tensor) => {
    optimizer.zeroGrad();
    const loss = lossOf(model.call(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  });
}

/** Batch s of `rows` Fashion-MNIST training images in perm_w3 order, shaped `shape`, with their labels. */
function fashionBatches(rows: number, shape: number[]): (s: number) => [Tensor, Tensor] {
  const train = fashionMnist("train");
  const order = permW3();
  const images = new Float32Array(rows * 784);
  return (s) => {
    const at = (s * rows) % (train.n - rows);
    const labels = Int32Array.from({ length: rows }, (_, r) => train.y[order[at + r]!]!);
    return [tensor(gatherRows(train.x, 784, order, at, at + rows, images), { shape }), tensor(labels, { dtype: "int32" })];
  };
}

/** The workload's compiled step and its batch for step s (the bench's models, optimizers and data). */
function setUp(): { step: (x: Tensor, y: Tensor) => Tensor; batch: (s: number) => [Tensor, Tensor] } {
  const crossEntropy = new nn.CrossEntropyLoss();
  const lossOf = (logits: Tensor, y: Tensor): Tensor => crossEntropy.call(logits, y);
  if (workload === "W3") {
    const model = new nn.Sequential(new nn.Linear(784, 256), new nn.ReLU(), new nn.Linear(256, 128), new nn.ReLU(), new nn.Linear(128, 10));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    return { step: compiledStep(model, optimizer, lossOf), batch: fashionBatches(128, [128, 784]) };
  }
  if (workload === "W5") {
    const model = initialW5();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    return { step: compiledStep(model, optimizer, lossOf), batch: fashionBatches(64, [64, 1, 28, 28]) };
  }
  if (workload === "W2") {
    const data = blobs();
    const model = new nn.Linear(2, 1);
    const bce = new nn.BCELoss();
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const [x, y] = [tensor(data.x, { shape: [data.n, 2] }), tensor(data.y, { shape: [data.n, 1] })];
    return { step: compiledStep(model, optimizer, (logit, target) => bce.call(logit.sigmoid(), target)), batch: () => [x, y] };
  }
  if (workload !== "W6") throw new Error(`plan-steps: unknown workload ${workload} (W2, W3, W5 or W6)`);
  const { model, optimizer, batch, loss } = w6Training();
  return { step: compiledStep(model, optimizer, loss), batch: (s) => batch(s % 40) };
}

const { step, batch } = setUp();
let wall = 0;
for (let s = 0; s < warmUp + replays; s++) {
  const [x, y] = batch(s);
  if (s === warmUp) for (const plan of stepTiming.plans) (plan.milliseconds.fill(0), (plan.replays = 0));
  const start = performance.now();
  step(x, y).item();
  if (s >= warmUp) wall += performance.now() - start;
}
const plan = stepTiming.plans.reduce((most, p) => (p.replays > most.replays ? p : most));
const kinds = new Map<string, { calls: number; milliseconds: number }>();
plan.labels.forEach((label, i) => {
  const kind = kinds.get(label) ?? { calls: 0, milliseconds: 0 };
  kind.calls++;
  kind.milliseconds += plan.milliseconds[i]!;
  kinds.set(label, kind);
});
const total = plan.milliseconds.reduce((sum, ms) => sum + ms, 0);
console.log(`${workload} compiled (wasm), ${plan.replays} replays after ${warmUp}, ms per replay by step kind:`);
for (const [label, { calls, milliseconds }] of [...kinds].sort((a, b) => b[1].milliseconds - a[1].milliseconds).slice(0, rows)) {
  console.log(`  ${(milliseconds / plan.replays).toFixed(3).padStart(7)}  ${calls}× ${label}`);
}
console.log(`  steps in all ${(total / plan.replays).toFixed(2)} ms; the replay's wall time ${(wall / replays).toFixed(2)} ms (with binding the batch and reading the loss)`);
