import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { trainLogisticRegression } from "../../examples/logistic-regression.js";
import { trainSoftmaxRegression } from "../../examples/softmax-regression.js";
import { trainMlpMoons } from "../../examples/mlp-moons.js";

// The lecture's three models, from the examples' own training functions and default seeds.
test("examples/logistic-regression: ≥ 0.95 training accuracy on the two clouds", () => {
  const { accuracy, model } = trainLogisticRegression();
  assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  assert.equal(model.parameters().reduce((count, p) => count + p.size, 0), 3);
});

test("examples/softmax-regression: ≥ 0.95 training accuracy on the three clouds; probabilities sum to 1", () => {
  const { accuracy, W, b, probabilities } = trainSoftmaxRegression();
  assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  assert.deepEqual([W.shape, b.shape], [[3, 2], [3]]);
  for (const row of probabilities.toArray() as number[][]) assert.ok(Math.abs(row.reduce((s, v) => s + v, 0) - 1) < 1e-5);
});

test("examples/mlp-moons: ≥ 0.95 training accuracy on the moons", () => {
  const { accuracy, history } = trainMlpMoons();
  assert.ok(accuracy >= 0.95, `accuracy ${accuracy}`);
  assert.ok(history.loss.at(-1)! < history.loss[0]! / 4, `loss ${history.loss[0]} → ${history.loss.at(-1)}`);
});

test("examples/fashion-mnist explains itself when the data set is missing", () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "examples/fashion-mnist.ts"], { env: { ...process.env, FASHION_MNIST_DIR: "/nonexistent-fashion-mnist" }, encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Fashion-MNIST is not installed: \/nonexistent-fashion-mnist\/train-images-idx3-ubyte.gz is missing/);
});
