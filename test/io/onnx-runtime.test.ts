// Exported models run in onnxruntime-node and give nabla's outputs; ONNX → nabla → ONNX keeps them.
import { test } from "node:test";
import assert from "node:assert/strict";
import * as ort from "onnxruntime-node";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, optim, randn, manualSeed, type Tensor } from "../../src/index.js";
import { trainLogisticRegression } from "../../examples/logistic-regression.js";
import { trainSoftmaxRegression } from "../../examples/softmax-regression.js";
import { trainMlpMoons } from "../../examples/mlp-moons.js";

/** Runs ONNX bytes in onnxruntime on `x`; returns the output's values and dims. */
async function runOrt(bytes: Uint8Array, x: Tensor, names = { input: "input", output: "output" }): Promise<{ values: number[]; dims: number[] }> {
  const session = await ort.InferenceSession.create(bytes);
  const data = x.toTypedArray();
  const feed = { [names.input]: new ort.Tensor(data instanceof Float64Array ? "float64" : "float32", data, [...x.shape]) };
  const result = (await session.run(feed))[names.output]!;
  return { values: Array.from(result.data as Float32Array), dims: [...result.dims] };
}

/** Asserts onnxruntime's outputs on `x` equal nabla's to 1e-5. */
async function assertOrtMatches(model: nn.Module, bytes: Uint8Array, x: Tensor, names?: { input: string; output: string }): Promise<void> {
  model.eval();
  const expected = model.call(x);
  const { values, dims } = await runOrt(bytes, x, names);
  assert.deepEqual(dims, expected.shape);
  assertClose(values, Array.from(expected.toTypedArray()), 1e-5, 1e-5);
}

test("the lecture's logistic regression (Linear 2→1 + sigmoid), trained, runs in onnxruntime with nabla's outputs", async () => {
  const { model: linear } = trainLogisticRegression({ steps: 20 });
  const model = new nn.Sequential(linear, new nn.Sigmoid());
  const bytes = io.exportOnnx(model);
  for (const batch of [1, 7, 64]) await assertOrtMatches(model, bytes, randn([batch, 2]).mul(3));
});

test("the lecture's softmax regression (z = Wx + b, softmax) runs in onnxruntime with nabla's outputs", async () => {
  const { W, b } = trainSoftmaxRegression({ steps: 20 });
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Softmax(1));
  (model[0] as nn.Linear).loadStateDict({ weight: W.detach(), bias: b.detach() });
  await assertOrtMatches(model, io.exportOnnx(model, { inputShape: [2] }), randn([9, 2]).mul(4));
});

test("the lecture's MLPs (moons 2-32-2, spiral 2-64-64-3, Fashion-MNIST Flatten 784-128-10) run in onnxruntime with nabla's outputs", async () => {
  const { model: moons } = trainMlpMoons({ epochs: 5 });
  await assertOrtMatches(moons, io.exportOnnx(moons), randn([11, 2]));
  manualSeed(1);
  const spiral = new nn.Sequential(new nn.Linear(2, 64), new nn.ReLU(), new nn.Linear(64, 64), new nn.ReLU(), new nn.Linear(64, 3), new nn.LogSoftmax(1));
  await assertOrtMatches(spiral, io.exportOnnx(spiral), randn([5, 2]));
  const fashion = new nn.Sequential(new nn.Flatten(), new nn.Linear(784, 128), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(128, 10));
  await assertOrtMatches(fashion, io.exportOnnx(fashion, { inputShape: [1, 28, 28] }), randn([3, 1, 28, 28]));
});

test("every exported module: Tanh, Sigmoid, Identity, Dropout, LogSoftmax on a middle dim, Flatten of middle dims, Linear beyond 2-D, nested Sequentials", async () => {
  manualSeed(2);
  const model = new nn.Sequential(
    new nn.Flatten(2, 3), //  [b, 3, 2, 2] → [b, 3, 4]: a Reshape
    new nn.Linear(4, 5), //  on a 3-D input: MatMul + Add
    new nn.Sequential(new nn.Tanh(), new nn.Identity(), new nn.Dropout(0.4)),
    new nn.Linear(5, 6, { bias: false }),
    new nn.Sigmoid(),
    new nn.LogSoftmax(1), // along the middle dim
    new nn.Flatten(),
    new nn.Linear(18, 2, { bias: false }), // Gemm without C
  );
  const bytes = io.exportOnnx(model, { inputShape: [3, 2, 2] });
  await assertOrtMatches(model, bytes, randn([4, 3, 2, 2]));
  const { model: back } = io.importOnnx(bytes);
  assert.deepEqual(back.children().map((m) => m.constructor.name), ["Flatten", "Linear", "Tanh", "Identity", "Dropout", "Linear", "Sigmoid", "LogSoftmax", "Flatten", "Linear"]);
  await assertOrtMatches(back, bytes, randn([2, 3, 2, 2]));
});

test("float64 models export as DOUBLE graphs and run in onnxruntime", async () => {
  manualSeed(4);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.Tanh(), new nn.Linear(4, 2), new nn.Softmax(-1)).to("float64");
  const x = randn([6, 3], { dtype: "float64" });
  const { values } = await runOrt(io.exportOnnx(model), x);
  assertClose(values, Array.from(model.call(x).toTypedArray()), 1e-12, 1e-12);
  assert.equal(io.importOnnx(io.exportOnnx(model)).model.parameters()[0]!.dtype, "float64");
});

test("names, a fixed batch and opsets 17 to 21: onnxruntime reads them all", async () => {
  manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU());
  const named = io.exportOnnx(model, { inputNames: ["pixels"], outputNames: ["scores"] });
  await assertOrtMatches(model, named, randn([3, 2]), { input: "pixels", output: "scores" });
  const fixed = io.exportOnnx(model, { dynamicBatch: false, batchSize: 4 });
  await assertOrtMatches(model, fixed, randn([4, 2]));
  await assert.rejects(runOrt(fixed, randn([3, 2])), /dimension|Got invalid dimensions/i);
  for (const opset of [18, 19, 20, 21]) {
    const bytes = io.exportOnnx(model, { opset });
    await assertOrtMatches(model, bytes, randn([2, 2]));
    assert.equal(io.importOnnx(bytes).opset, opset);
  }
});

test("ONNX → nabla → ONNX keeps the outputs, the structure and the names; the imported model fine-tunes", async () => {
  manualSeed(6);
  const model = new nn.Sequential(new nn.Linear(4, 8), new nn.ReLU(), new nn.Dropout(0.2), new nn.Linear(8, 3), new nn.Softmax(1));
  const first = io.exportOnnx(model, { inputNames: ["features"], outputNames: ["probabilities"] });
  const imported = io.importOnnx(first);
  assert.deepEqual(imported.inputShape, [4]);
  assert.equal(imported.inputName, "features");
  assert.equal(imported.outputName, "probabilities");
  assert.match(imported.producer, /^nabla /);
  assert.equal((imported.model[2] as nn.Dropout).p, 0.2);
  assert.equal(imported.model.training, false);
  assert.deepEqual(Object.keys(imported.model.stateDict()), Object.keys(model.stateDict()));
  const second = io.exportOnnx(imported.model, { inputNames: ["features"], outputNames: ["probabilities"] });
  assert.deepEqual(second, first, "the re-export is byte for byte the first export");
  const x = randn([10, 4]);
  const names = { input: "features", output: "probabilities" };
  assert.deepEqual((await runOrt(second, x, names)).values, (await runOrt(first, x, names)).values);
  await assertOrtMatches(imported.model, second, x, names);

  // fine-tuning: the imported weights are parameters with gradients
  const tuned = imported.model.train();
  const optimizer = new optim.SGD(tuned.parameters(), { lr: 0.5 });
  const target = randn([10, 3]).softmax(1);
  const loss = () => tuned.call(x).sub(target).square().mean();
  const before = loss().item();
  for (let i = 0; i < 20; i++) {
    optimizer.zeroGrad();
    loss().backward();
    optimizer.step();
  }
  assert.ok(loss().item() < before, `loss ${before} → ${loss().item()}`);
});
