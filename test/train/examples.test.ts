import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { trainLogisticRegression } from "../../examples/logistic-regression.js";
import { trainSoftmaxRegression } from "../../examples/softmax-regression.js";
import { trainMlpMoons } from "../../examples/mlp-moons.js";
import { backendUnderTest } from "../helpers.js";

// Scripts run in a child process on the backend under test (test/helpers.ts preloaded selects
// it); that wiring does not depend on the backend, so they run in the js pass only.
const script = { skip: backendUnderTest === "js" ? false : "runs once, in the js pass" };
const runScript = (args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(process.execPath, ["--import", "tsx", "--import", "./test/helpers.ts", ...args], { encoding: "utf8", env });

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

test("examples/fashion-mnist explains itself when the data set is missing", script, () => {
  const run = runScript(["examples/fashion-mnist.ts"], { ...process.env, FASHION_MNIST_DIR: "/nonexistent-fashion-mnist" });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Fashion-MNIST is not installed: \/nonexistent-fashion-mnist\/train-images-idx3-ubyte.gz is missing/);
});

const fashion = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz";
test("examples/fashion-mnist trains on the installed data set (one epoch on 2,000 images)", { skip: script.skip || (existsSync(fashion) ? false : `${fashion} is not installed`) }, () => {
  const run = runScript(["examples/fashion-mnist.ts", "--epochs", "1", "--limit", "2000"]);
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Fashion-MNIST: 2000 training and 2000 test images of 784 pixels, 10 classes/);
  const accuracy = Number(/epoch 1 {2}test loss \d\.\d+ {2}test accuracy (\d\.\d+)/.exec(run.stdout)?.[1]);
  // ten classes: chance is 0.1; 16 Adam steps on 2,000 images already get far above it
  assert.ok(accuracy > 0.5, run.stdout);
});
