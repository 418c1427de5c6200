import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, evaluate, nn, tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

test("evaluate: mean loss and accuracy over batches equal the full-batch values; mode restored", () => {
  const model = new nn.Linear(2, 3);
  const blobs = data.makeBlobs({ nSamples: 25, centers: 3, seed: 3 });
  const loss = new nn.CrossEntropyLoss();
  const whole = evaluate(model, blobs, { loss });
  const batched = evaluate(model, blobs, { loss, batchSize: 7 });
  const output = model.call(blobs.x);
  assertClose([whole.loss!], [loss.call(output, blobs.y).item()], 1e-6);
  assertClose([batched.loss!], [whole.loss!], 1e-5);
  assert.equal(batched.accuracy, whole.accuracy);
  assert.equal(model.training, true);
  model.eval();
  evaluate(model, blobs);
  assert.equal(model.training, false);
  assert.deepEqual(Object.keys(evaluate(model, { x: tensor([[0, 0]]), y: tensor([0]) })), ["accuracy"]);
  assert.throws(() => evaluate(model, []), /evaluate: the data yielded no batches/);
});

test("evaluate: one output per sample is cut at 0 for BCEWithLogitsLoss, at 0.5 otherwise", () => {
  const model = new nn.Linear(1, 1);
  model.loadStateDict({ weight: tensor([[1]]), bias: tensor([0]) });
  const points = { x: tensor([[-0.2], [0.2], [0.3]]), y: tensor([[0], [1], [1]]) };
  assert.equal(evaluate(model, points, { loss: new nn.BCEWithLogitsLoss() }).accuracy, 1);
  assert.equal(evaluate(model, points, { loss: new nn.MSELoss(), accuracy: true }).accuracy, 1 / 3);
  assert.equal(evaluate(model, points, { loss: new nn.MSELoss() }).accuracy, undefined);
  assert.equal(evaluate(model, points, { threshold: 0.25 }).accuracy, 2 / 3);
});
