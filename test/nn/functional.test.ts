import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, nn, tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

const F = nn.functional;
const f64 = { dtype: "float64" as const, requiresGrad: true };

test("linear equals x Wᵀ + b for 1-D, 2-D and 3-D inputs", () => {
  const weight = tensor([[1, 2], [0, -1], [3, 0.5]]);
  const bias = tensor([0.5, 0, -1]);
  assertClose(F.linear(tensor([[1, 1], [2, -1]]), weight, bias), [[3.5, -1, 2.5], [0.5, 1, 4.5]], 1e-6);
  assertClose(F.linear(tensor([1, 1]), weight), [3, -1, 3.5], 1e-6);
  const batched = F.linear(tensor([[[1, 1]], [[2, -1]]]), weight, bias);
  assertClose(batched, [[[3.5, -1, 2.5]], [[0.5, 1, 4.5]]], 1e-6);
  assert.throws(() => F.linear(tensor([[1, 1]]), weight, tensor([1, 2])), /linear: bias \[2\] does not match weight \[3,2\]/);
});

test("gradcheck (float64): linear with and without bias, 2-D and 3-D input", () => {
  const weight = tensor([[0.3, -0.8, 0.5], [1.2, 0.1, -0.4]], f64);
  const bias = tensor([0.2, -0.6], f64);
  const x2 = tensor([[0.5, -1, 2], [0.3, 0.7, -0.2]], f64);
  const x3 = tensor([[[0.5, -1, 2]], [[0.3, 0.7, -0.2]]], f64);
  assert.equal(gradcheck((x, w, b) => F.linear(x, w, b), [x2, weight, bias]), true);
  assert.equal(gradcheck((x, w) => F.linear(x, w), [x3, weight]), true);
});

test("linear promotes to float64 when either operand is float64", () => {
  const layer = new nn.Linear(2, 1);
  assert.equal(layer.call(tensor([[1, 2]], { dtype: "float64" })).dtype, "float64");
});

test("functional activations match the tensor methods, and gradcheck through softmax and logSoftmax", () => {
  const x = tensor([[-1.5, 0.2, 2.0], [0.7, -0.3, 0.1]], f64);
  assert.deepEqual(F.relu(x).toArray(), x.relu().toArray());
  assert.deepEqual(F.sigmoid(x).toArray(), x.sigmoid().toArray());
  assert.deepEqual(F.tanh(x).toArray(), x.tanh().toArray());
  assert.equal(gradcheck((a) => F.softmax(a, 1), [x]), true);
  assert.equal(gradcheck((a) => F.logSoftmax(a, 0), [x]), true);
});

test("functional dropout: identity when not training or p = 0, errors for p outside [0, 1]", () => {
  const x = tensor([1, 2, 3]);
  assert.equal(F.dropout(x, 0.5, false), x);
  assert.equal(F.dropout(x, 0), x);
  assert.throws(() => F.dropout(x, -0.1), /dropout: probability has to be between 0 and 1, but got -0.1/);
});
