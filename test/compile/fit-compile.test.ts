import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, fit, manualSeed, nn, optim, type Tensor } from "../../src/index.js";

const moons = data.makeMoons({ nSamples: 90, noise: 0.1, seed: 0 });
const validation = data.makeMoons({ nSamples: 40, noise: 0.1, seed: 1 });

function values(model: nn.Module): number[][] {
  return Object.values(model.stateDict()).map((t: Tensor) => Array.from(t.toTypedArray()));
}

/** Trains a fresh model from one seed with fit, compiled (the default) and eagerly. */
function bothWays(makeModel: () => nn.Module<[Tensor], Tensor>, makeOptimizer: (model: nn.Module<[Tensor], Tensor>) => optim.Optimizer<optim.BaseOptions, unknown>) {
  return [true, false].map((compile) => {
    manualSeed(11);
    const model = makeModel();
    const history = fit(model, moons, { epochs: 3, batchSize: 32, loss: new nn.CrossEntropyLoss(), optimizer: makeOptimizer(model), validation, compile });
    return { history, state: values(model) };
  });
}

test("fit compiles its step by default: the same history and weights as eager steps (dropout, Adam, a smaller last batch)", () => {
  const [compiled, eager] = bothWays(
    () => new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(16, 2)),
    (model) => new optim.Adam(model.parameters(), { lr: 0.01 }),
  );
  assert.deepEqual(compiled!.history, eager!.history);
  assert.deepEqual(compiled!.state, eager!.state);
});

test("fit with a model compile cannot trace (BatchNorm's cumulative average reads its counter) runs eagerly, as if never compiled", () => {
  const [compiled, eager] = bothWays(
    () => new nn.Sequential(new nn.Linear(2, 8), new nn.BatchNorm1d(8, { momentum: null }), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(8, 2)),
    (model) => new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 }),
  );
  assert.deepEqual(compiled!.history, eager!.history);
  assert.deepEqual(compiled!.state, eager!.state); // running statistics and the batch counter included
});
