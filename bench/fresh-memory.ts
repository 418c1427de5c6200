// Fresh memory per eager W6 step: the bytes of large arrays (over 16 KB) the wasm backend had to
// take from the system, against those it reused (spent gradients, rule temporaries, library
// functions' own buffers given back). Fresh memory is what costs here: its pages fault in and
// the collector later hands it back (src/backend/js-buffer.ts). Deterministic for a given
// revision, so it is a count, not a timing.
//
// Usage: node --import tsx bench/fresh-memory.ts [STEPS = 12]
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { nn, optim, setBackend, tensor } from "../src/index.js";
import { recycledBytes } from "../src/backend/js-buffer.js";
import { w6Batch } from "../examples/tiny-gpt.js";
import { benchDataDir } from "./data.js";
import { initialW6 } from "./initial-models.js";

const steps = Number(process.argv[2] ?? 12);
setBackend("wasm");
const model = initialW6();
const tokens = new Uint8Array(readFileSync(join(benchDataDir(), "tokens_w6.bin")));
const optimizer = new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 });
for (let step = 0; step < steps; step++) {
  const { x, y } = w6Batch(tokens, step);
  const before = recycledBytes();
  const logits = model.call(tensor(x, { shape: [16, 64], dtype: "int32" }));
  const loss = nn.functional.crossEntropy(logits.reshape([16 * 64, 65]), tensor(y, { dtype: "int32" }));
  optimizer.zeroGrad();
  loss.backward();
  optimizer.step();
  const after = recycledBytes();
  // the first steps fill the pool; the last is the steady state
  if (step === 0 || step === steps - 1) {
    console.log(`W6 eager step ${step + 1}: ${((after.fresh - before.fresh) / 1e6).toFixed(1)} MB fresh, ${after.takenBack - before.takenBack} buffers given back, ${(after.kept / 1e6).toFixed(1)} MB kept for reuse; loss ${loss.item().toFixed(4)}`);
  }
}
