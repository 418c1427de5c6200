import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, optim, randn, type Tensor } from "../../src/index.js";
import { recycledBytes } from "../../src/backend/js-buffer.js";
import { runSteps, trainingStep, valuesOf } from "./eager-vs-compiled.js";

// The first call of a signature traces the step and the second traces it again and runs that
// plan, so the first trace's plan never runs: its spent gradients (buffers autograd gave back,
// which nothing outside reaches) go back to the backend for reuse, and the second trace takes
// their memory instead of fresh pages (bench/compile-warmup.ts).

/** A model whose intermediates are [64, 256] (64 KB: large enough for the reuse pool, js-buffer.ts), with its optimizer. */
function model(): { net: nn.Sequential; optimizer: optim.SGD } {
  manualSeed(7);
  const net = new nn.Sequential(new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 256), new nn.Tanh(), new nn.Linear(256, 1));
  return { net, optimizer: new optim.SGD(net.parameters(), { lr: 0.05, momentum: 0.9 }) };
}

const lossOf = (output: Tensor, target: Tensor): Tensor => nn.functional.mseLoss(output, target);

test("a first trace's spent gradients go back for reuse, and the compiled steps still give the eager steps' losses and weights", () => {
  manualSeed(11);
  const [x, y] = [randn([64, 256]), randn([64, 1])];
  const eager = model();
  const eagerRun = runSteps(trainingStep(eager.net, eager.optimizer, lossOf), x, y, 5, { compiled: false });
  const compiled = model();
  let takenBack = 0;
  const compiledRun = runSteps(trainingStep(compiled.net, compiled.optimizer, lossOf), x, y, 5, {
    compiled: true,
    beforeStep: (i) => {
      if (i === 0) takenBack = recycledBytes().takenBack;
      if (i === 1) takenBack = recycledBytes().takenBack - takenBack;
    },
  });
  // the tanh layers' and the products' spent [64, 256] gradients: none came back while traces kept them all
  assert.ok(takenBack >= 2, `the first call gave back ${takenBack} buffers`);
  assert.deepEqual(compiledRun.stats, { traces: 2, replays: 3, eager: 0, evictions: 0 });
  assert.deepEqual(compiledRun.losses, eagerRun.losses);
  assert.deepEqual(valuesOf(compiled.net.parameters()), valuesOf(eager.net.parameters()));
});
