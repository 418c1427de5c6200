// The strided copies of an eager W6 step (tiny GPT, wasm backend): every copyStrided call the
// backend gets, by view (shape, strides, dtype), with its calls per step and median µs per call
// over the timed steps. These are the transposes and head splits/merges that views force
// somewhere; a view that reads elements at a large stride (a transposed operand gathered
// element by element) shows up here as the slow one. Timings include cold memory, as in training.
//
// Usage: node --import tsx bench/eager-copies.ts [STEPS = 30]
import { setBackend } from "../src/index.js";
import { activeBackend } from "../src/backend/registry.js";
import type { DataRef, StridedRef } from "../src/backend/backend.js";
import { w6Training } from "./initial-models.js";

const steps = Number(process.argv[2] ?? 30);
const warmUp = 10;
setBackend("wasm");
const backend = activeBackend();
const { model, optimizer, batch, loss: lossOf } = w6Training();

const samples = new Map<string, number[]>();
let timing = false;
const copy = backend.copyStrided.bind(backend);
backend.copyStrided = (x: StridedRef, shape: readonly number[], out: DataRef): void => {
  const start = performance.now();
  copy(x, shape, out);
  if (!timing) return;
  const key = `[${shape.join(", ")}] strides [${x.strides.join(", ")}] ${out.dtype}`;
  let list = samples.get(key);
  if (list === undefined) samples.set(key, (list = []));
  list.push((performance.now() - start) * 1000);
};

for (let step = 0; step < warmUp + steps; step++) {
  timing = step >= warmUp;
  const [x, y] = batch(step % 40);
  const loss = lossOf(model.call(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
}
let total = 0;
const rows = [...samples].map(([key, list]) => {
  list.sort((a, b) => a - b);
  const median = list[list.length >> 1]!;
  total += (median * list.length) / steps;
  return { key, perStep: list.length / steps, median };
});
rows.sort((a, b) => b.median * b.perStep - a.median * a.perStep);
console.log(`strided copies of an eager W6 step (wasm), medians over ${steps} steps after ${warmUp}:`);
for (const { key, perStep, median } of rows) console.log(`  ${key}: ${perStep} per step, ${median.toFixed(1)} µs each`);
console.log(`  about ${(total / 1000).toFixed(2)} ms per step in all`);
