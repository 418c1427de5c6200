// A CNN written by torch.onnx.export (scripts/fixtures/make_onnx_fixtures.py: BatchNorm2d, GELU
// exact and tanh, GroupNorm, ConvTranspose2d, SiLU, the 1-D pools, LeakyReLU, ELU, Softplus with
// beta, Hardtanh) imports into the same nabla layers with PyTorch's outputs, without PyTorch here.
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, tensor, type NestedArray } from "../../src/index.js";
import { runOrt } from "./onnx-round-trip.js";

const FIXTURES = new URL("../fixtures/io/", import.meta.url);

test("torch.onnx.export's CNN with GroupNorm, ConvTranspose2d, 1-D pools and the decomposed activations imports with PyTorch's outputs and re-exports", async () => {
  const expected = JSON.parse(readFileSync(new URL("torch-cnn.json", FIXTURES), "utf8")) as { input: NestedArray; output: NestedArray; layers: string[] };
  const { model, inputShape, producer } = io.importOnnx(readFileSync(new URL("torch-cnn.onnx", FIXTURES)));
  assert.match(producer, /^pytorch/);
  assert.deepEqual(inputShape, [1, 6, 6]);
  // PyTorch folds the eval-mode BatchNorm2d into the Conv before it
  assert.deepEqual(model.children().map((m) => m.constructor.name), expected.layers.filter((name) => name !== "BatchNorm2d"));
  assert.equal((model[1] as nn.GELU).approximate, "none");
  assert.equal((model[17] as nn.GELU).approximate, "tanh");
  assert.equal((model[15] as nn.Softplus).beta, 2);
  assert.deepEqual([(model[6] as nn.AvgPool2d).countIncludePad, (model[7] as nn.Flatten).startDim], [true, 2]);
  const x = tensor(expected.input);
  assertClose(model.call(x), expected.output, 1e-5, 1e-5);
  const { values } = await runOrt(io.exportOnnx(model, { inputShape: [1, 6, 6] }), x);
  assertClose(values, Array.from(model.call(x).toTypedArray()), 1e-5, 1e-5);
});
