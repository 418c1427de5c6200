// Fresh memory per eager W6 step: the bytes of large arrays (over 16 KB) the wasm backend had to
// take from the system, against those it reused (spent gradients, rule temporaries, library
// functions' own buffers given back). Fresh memory is what costs here: its pages fault in and
// the collector later hands it back (src/backend/js-buffer.ts). Deterministic for a given
// revision, so it is a count, not a timing.
//
// Usage: node --import tsx bench/fresh-memory.ts [STEPS = 12]
import { setBackend } from "../src/index.js";
import { recycledBytes } from "../src/backend/js-buffer.js";
import { w6Training } from "./initial-models.js";

const steps = Number(process.argv[2] ?? 12);
setBackend("wasm");
const { model, optimizer, batch, loss: lossOf } = w6Training();
for (let step = 0; step < steps; step++) {
  const [x, y] = batch(step);
  const before = recycledBytes();
  const loss = lossOf(model.call(x), y);
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  const after = recycledBytes();
  // the first steps fill the pool; the last is the steady state
  if (step === 0 || step === steps - 1) {
    console.log(`W6 eager step ${step + 1}: ${((after.fresh - before.fresh) / 1e6).toFixed(1)} MB fresh, ${after.takenBack - before.takenBack} buffers given back, ${(after.kept / 1e6).toFixed(1)} MB kept for reuse; loss ${loss.item().toFixed(4)}`);
  }
}
