// Where an eager training step's backend time goes: W5 (the CNN, SGD with momentum, batches of
// 64 in perm_w3 order) or W6 (the tiny GPT, AdamW) on the wasm backend, each backend method
// (with its op, and the size of its output or first operand) timed on every call, in ms per
// step over the timed steps, the largest first. `--whole` runs the large element-wise, pooling,
// reduction and softmax calls as one call each instead of in pieces (src/backend/wasm/
// wasm-chunks.ts), for comparing the two in separate processes. `--mode=single|threads|tuned`
// fixes where large products and convolutions run (eager-tuner.ts; default tuned).
//
// Usage: node --import tsx bench/eager-ops.ts <W5|W6> [--whole] [--mode=M] [STEPS = 30]
import { nn, optim, setBackend, tensor, type Tensor } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";
import type { WasmBackend } from "../src/backend/wasm/wasm-backend.js";
import { elementwiseChunk } from "../src/backend/wasm/wasm-chunks.js";
import { fashionMnist, gatherRows, permW3 } from "./data.js";
import { initialW5, w6Training } from "./initial-models.js";

const args = process.argv.slice(2);
const workload = args[0] === "W6" ? "W6" : "W5";
const steps = Number(args.find((a) => /^\d+$/.test(a)) ?? 30);
const warmUp = 10;
if (args.includes("--whole")) elementwiseChunk.elements = Infinity;
setBackend("wasm");
const mode = args.find((a) => a.startsWith("--mode="))?.slice(7);
if (mode === "single" || mode === "threads" || mode === "tuned") (activeBackend() as WasmBackend).threadTuner.mode = mode;

/** One training step of the workload, on its batch `step`. */
function trainingStep(): (step: number) => void {
  if (workload === "W6") {
    const { model, optimizer, batch, loss } = w6Training();
    return (step) => {
      const [x, y] = batch(step % 40);
      optimizer.zeroGrad();
      loss(model.call(x), y).backward();
      optimizer.step();
    };
  }
  const model = initialW5();
  const train = fashionMnist("train");
  const order = permW3();
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
  const lossFn = new nn.CrossEntropyLoss();
  const images = new Float32Array(64 * 784);
  return (step) => {
    gatherRows(train.x, 784, order, 64 * step, 64 * step + 64, images);
    const labels = Int32Array.from({ length: 64 }, (_, r) => train.y[order[64 * step + r]!]!);
    const x: Tensor = tensor(images, { shape: [64, 1, 28, 28] });
    optimizer.zeroGrad();
    lossFn.call(model.call(x), tensor(labels, { dtype: "int32" })).backward();
    optimizer.step();
  };
}

const backend = activeBackend() as unknown as Record<string, unknown>;
const totals = new Map<string, { calls: number; ms: number }>();
let timing = false;
for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(backend))) {
  const method = backend[name];
  if (typeof method !== "function" || name === "constructor") continue;
  backend[name] = (...callArgs: unknown[]): unknown => {
    const start = performance.now();
    const result = (method as (...a: unknown[]) => unknown).apply(backend, callArgs);
    if (timing) {
      const op = typeof callArgs[0] === "string" ? ` ${callArgs[0]}` : "";
      const sized = callArgs.find((a): a is { size: number } => typeof (a as { size?: unknown } | null)?.size === "number");
      const spec = name === "matmul" ? (callArgs[2] as { batch: number; m: number; k: number; n: number; transA: boolean; transB: boolean }) : undefined;
      const shape = spec === undefined ? "" : ` ${spec.batch > 1 ? `${spec.batch}×` : ""}[${spec.m}×${spec.k}]${spec.transA ? "ᵀ" : ""}·[${spec.k}×${spec.n}]${spec.transB ? "ᵀ" : ""}`;
      const key = `${name}${op}${shape || (sized === undefined ? "" : ` [${sized.size}]`)}`;
      const total = totals.get(key) ?? { calls: 0, ms: 0 };
      total.calls++;
      total.ms += performance.now() - start;
      totals.set(key, total);
    }
    return result;
  };
}

const step = trainingStep();
let began = 0;
for (let s = 0; s < warmUp + steps; s++) {
  if (s === warmUp) [timing, began] = [true, performance.now()];
  step(s);
}
const stepMs = (performance.now() - began) / steps;
const rows = [...totals].sort((a, b) => b[1].ms - a[1].ms);
console.log(`eager ${workload} (wasm${args.includes("--whole") ? ", large calls whole" : ""}): ${stepMs.toFixed(2)} ms a step over ${steps} steps after ${warmUp}; backend calls by ms a step:`);
console.log(`  backend total ${(rows.reduce((a, [, t]) => a + t.ms, 0) / steps).toFixed(2)} ms a step`);
for (const [key, { calls, ms }] of rows.filter(([, t]) => t.ms / steps >= 0.05)) console.log(`  ${(ms / steps).toFixed(2).padStart(6)} ms  ${(calls / steps).toFixed(1).padStart(5)}×  ${key}`);
