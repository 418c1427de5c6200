// Convolution, pooling and normalization layers exported to ONNX run in onnxruntime with nabla's
// outputs (to 1e-5), import back into the same layers, and re-export to the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, manualSeed, noGrad } from "../../src/index.js";
import { assertOrtMatches, roundTrip, runOrt } from "./onnx-round-trip.js";
import { decodeModelProto } from "../../src/io/onnx/onnx-proto.js";

/** Random affine parameters and running statistics, so a BatchNorm is not the identity. */
function randomizeNorm(norm: nn.BatchNorm1d | nn.BatchNorm2d): void {
  noGrad(() => {
    norm.weight!.copy_(randn([norm.numFeatures]).mul(0.5).add(1));
    norm.bias!.copy_(randn([norm.numFeatures]).mul(0.3));
    norm.runningMean!.copy_(randn([norm.numFeatures]).mul(0.5));
    norm.runningVar!.copy_(randn([norm.numFeatures]).abs().add(0.5));
  });
}

test("a small CNN (Conv2d → BatchNorm2d → ReLU → MaxPool2d → Flatten → Linear) runs in onnxruntime with nabla's outputs and round-trips", async () => {
  manualSeed(31);
  const model = new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(64, 3));
  // a few training batches give the running statistics real values
  model.train();
  for (let i = 0; i < 3; i++) model.call(randn([8, 1, 8, 8]).mul(2).add(1));
  model.eval();
  const back = await roundTrip(model, [1, 8, 8], [1, 5]);
  const norm = back[1] as nn.BatchNorm2d;
  assert.equal(norm.eps, 1e-5);
  assert.equal(norm.momentum, 0.1);
  assertClose(norm.runningVar!, (model[1] as nn.BatchNorm2d).runningVar!.toArray() as number[], 0, 0);
  assert.equal(back.training, false);
});

test("Conv2d variants: stride, dilation, groups, no bias, rectangular kernels, 'same' padding with an even kernel (asymmetric pads)", async () => {
  manualSeed(32);
  await roundTrip(new nn.Sequential(new nn.Conv2d(4, 6, [3, 2], { stride: [2, 1], padding: [1, 0], dilation: [1, 2], groups: 2, bias: false }), new nn.Tanh()), [4, 9, 7]);
  await roundTrip(new nn.Sequential(new nn.Conv2d(2, 3, 4, { padding: "same" }), new nn.Conv2d(3, 3, 3, { padding: "valid", groups: 3 })), [2, 6, 5]);
  const pads = decodeModelProto(io.exportOnnx(new nn.Sequential(new nn.Conv2d(2, 3, 4, { padding: "same" })), { inputShape: [2, 6, 5] }), "test").graph!.node![0]!.attribute!.find((a) => a.name === "pads")!.ints!.map(Number);
  assert.deepEqual(pads, [1, 1, 2, 2], "PyTorch's 'same' puts the extra padding at the end");
});

test("pooling: MaxPool2d (padding, dilation, ceilMode), AvgPool2d (countIncludePad both ways, ceilMode), AdaptiveAvgPool2d(1) as GlobalAveragePool", async () => {
  manualSeed(33);
  await roundTrip(new nn.Sequential(new nn.MaxPool2d(3, { stride: 2, padding: 1 }), new nn.MaxPool2d([2, 3], { stride: 1, dilation: [2, 1] })), [2, 9, 10]);
  await roundTrip(new nn.Sequential(new nn.MaxPool2d(2, { ceilMode: true })), [3, 7, 5]);
  await roundTrip(new nn.Sequential(new nn.AvgPool2d(3, { stride: 2, padding: 1 }), new nn.AvgPool2d(2, { padding: 1, countIncludePad: false })), [2, 8, 9]);
  await roundTrip(new nn.Sequential(new nn.AvgPool2d(2, { ceilMode: true })), [2, 5, 7]);
  // ceilMode with padding, where PyTorch drops a last window that would start in the right padding:
  // written as ceil_mode=0 (the same windows), which older ONNX shape inference agrees with
  for (const pool of [new nn.MaxPool2d(2, { padding: 1, ceilMode: true }), new nn.AvgPool2d(2, { padding: 1, ceilMode: true, countIncludePad: false })]) {
    const bytes = io.exportOnnx(new nn.Sequential(pool), { inputShape: [1, 5, 6] });
    const ceil = decodeModelProto(bytes, "test").graph!.node![0]!.attribute!.find((a) => a.name === "ceil_mode")!.i;
    assert.equal(Number(ceil), 0);
    await assertOrtMatches(new nn.Sequential(pool), bytes, randn([2, 1, 5, 6]));
    await assertOrtMatches(io.importOnnx(bytes).model, bytes, randn([2, 1, 5, 6]));
  }
  await roundTrip(new nn.Sequential(new nn.MaxPool2d(2, { padding: 1, ceilMode: true }), new nn.AvgPool2d(3, { stride: 2, padding: 1, ceilMode: true })), [1, 4, 6]);
  await roundTrip(new nn.Sequential(new nn.Conv2d(3, 5, 3), new nn.ReLU(), new nn.AdaptiveAvgPool2d(1), new nn.Flatten(), new nn.Linear(5, 2)), [3, 6, 6]);
  await roundTrip(new nn.Sequential(new nn.AdaptiveAvgPool2d([1, 1])), [3, 4, 2]);
});

test("a normalization model: Linear → LayerNorm → ReLU → LayerNorm over two dims without affine → BatchNorm1d on [N, C, L] and [N, C]", async () => {
  manualSeed(34);
  const bn3 = new nn.BatchNorm1d(5);
  const bn2 = new nn.BatchNorm1d(3, { eps: 1e-3 });
  randomizeNorm(bn3);
  randomizeNorm(bn2);
  const model = new nn.Sequential(
    new nn.Linear(6, 6),
    new nn.LayerNorm(6),
    new nn.ReLU(),
    new nn.LayerNorm([5, 6], { elementwiseAffine: false, eps: 1e-4 }),
    bn3,
    new nn.Flatten(),
    new nn.Linear(30, 3),
    bn2,
  );
  const bytes = io.exportOnnx(model, { inputShape: [5, 6] });
  for (const batch of [1, 4]) await assertOrtMatches(model, bytes, randn([batch, 5, 6]).mul(3));
  const { model: back } = io.importOnnx(bytes);
  // the affine-free LayerNorm comes back with a weight of ones (ONNX's Scale is required) and no bias
  const norm = back[3] as nn.LayerNorm;
  assert.deepEqual(norm.normalizedShape, [5, 6]);
  assert.equal(norm.eps, 1e-4);
  assert.equal(norm.bias, null);
  assert.equal((back[7] as nn.BatchNorm1d).eps, 1e-3);
  const x = randn([3, 5, 6]);
  assertClose(back.call(x), model.call(x).toArray() as number[], 1e-6, 1e-6);
  await assertOrtMatches(back, io.exportOnnx(back, { inputShape: [5, 6] }), x);
});

test("Conv1d (stride, dilation, padding 'same') runs in onnxruntime; float64 normalization and pooling too (onnxruntime's CPU has no float64 Conv)", async () => {
  manualSeed(35);
  await roundTrip(new nn.Sequential(new nn.Conv1d(3, 4, 3, { stride: 2, padding: 1 }), new nn.ReLU(), new nn.Conv1d(4, 2, 2, { dilation: 2, padding: "same" })), [3, 11]);
  const model = new nn.Sequential(new nn.BatchNorm2d(3), new nn.MaxPool2d(2), new nn.Flatten(), new nn.Linear(27, 2), new nn.LayerNorm(2)).to("float64").eval();
  randomizeNorm(model[0] as nn.BatchNorm2d);
  const x = randn([2, 3, 6, 6], { dtype: "float64" });
  const bytes = io.exportOnnx(model, { inputShape: [3, 6, 6] });
  const { values } = await runOrt(bytes, x);
  assertClose(values, Array.from(model.call(x).toTypedArray()), 1e-12, 1e-12);
  const back = io.importOnnx(bytes).model;
  assert.ok(back.parameters().every((p) => p.dtype === "float64"));
  assert.equal((back[0] as nn.BatchNorm2d).runningMean!.dtype, "float64");
  assertClose(back.call(x), model.call(x).toArray() as number[], 1e-12, 1e-12);
  // a float64 Conv is valid ONNX, and comes back as float64, though onnxruntime's CPU cannot run it
  const conv = new nn.Sequential(new nn.Conv2d(2, 3, 3)).to("float64");
  const convBack = io.importOnnx(io.exportOnnx(conv, { inputShape: [2, 4, 4] })).model;
  const y = randn([1, 2, 4, 4], { dtype: "float64" });
  assertClose(convBack.call(y), conv.call(y).toArray() as number[], 1e-12, 1e-12);
});

test("a BatchNorm in train mode exports its eval semantics (running statistics); what ONNX cannot express is an error naming the module", () => {
  manualSeed(36);
  const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.BatchNorm2d(2));
  randomizeNorm(model[1] as nn.BatchNorm2d);
  const trained = io.exportOnnx(model.train(), { inputShape: [1, 5, 5] });
  assert.deepEqual(trained, io.exportOnnx(model.eval(), { inputShape: [1, 5, 5] }));
  const fail = (module: nn.Module, inputShape: number[], pattern: RegExp) => assert.throws(() => io.exportOnnx(new nn.Sequential(module as nn.Conv2d), { inputShape }), pattern);
  fail(new nn.BatchNorm2d(2, { trackRunningStats: false }), [2, 3, 3], /module "0" \(BatchNorm2d\) cannot be written as ONNX: it keeps no running statistics/);
  fail(new nn.AdaptiveAvgPool2d(2), [2, 3, 3], /module "0" \(AdaptiveAvgPool2d\) cannot be written as ONNX: only outputSize 1 \(GlobalAveragePool\)/);
  fail(new nn.AvgPool2d(2, { divisorOverride: 3 }), [2, 4, 4], /divisorOverride \(3\) has no ONNX AveragePool equivalent/);
  fail(new nn.Conv2d(2, 2, 3, { padding: 1, paddingMode: "reflect" }), [2, 4, 4], /paddingMode "reflect" is not supported/);
  fail(new nn.Conv2d(3, 2, 3), [2, 4, 4], /module "0" \(Conv2d\) does not fit its input of shape \[batch, 2, 4, 4\]: expected 3 channels in dim 1, got 2/);
  fail(new nn.Conv2d(2, 2, 5), [2, 4, 4], /the kernel \[5, 5\] .* is larger than the padded input/);
  fail(new nn.MaxPool2d(2), [2, 4], /expected a 4-D input/);
  fail(new nn.LayerNorm(4), [3, 5], /its last dims must be normalizedShape \[4\]/);
  fail(new nn.BatchNorm1d(3), [4, 2], /expected 3 channels in dim 1, got 4/);
});
