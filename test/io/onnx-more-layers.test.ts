// GroupNorm, the 1-D pools and ConvTranspose2d exported to ONNX run in onnxruntime with nabla's
// outputs (to 1e-5), import back into the same layers, and re-export to the same bytes.
import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, manualSeed, noGrad } from "../../src/index.js";
import { decodeModelProto } from "../../src/io/onnx/onnx-proto.js";
import { assertOrtMatches, roundTrip } from "./onnx-round-trip.js";

function randomizeAffine(norm: nn.GroupNorm): nn.GroupNorm {
  noGrad(() => {
    norm.weight?.copy_(randn([norm.numChannels]).mul(0.5).add(1));
    norm.bias?.copy_(randn([norm.numChannels]).mul(0.3));
  });
  return norm;
}

function opTypes(bytes: Uint8Array): string[] {
  return decodeModelProto(bytes, "test").graph!.node!.map((n) => n.op_type!);
}

test("GroupNorm (affine or not, on [N, C, H, W], [N, C, L] and [N, C]) is Reshape + InstanceNormalization + Reshape + Mul + Add, runs in onnxruntime and round-trips", async () => {
  manualSeed(51);
  const conv = new nn.Sequential(new nn.Conv2d(2, 6, 3, { padding: 1 }), randomizeAffine(new nn.GroupNorm(3, 6)), new nn.ReLU(), new nn.GroupNorm(2, 6, { affine: false, eps: 1e-3 }));
  const back = await roundTrip(conv, [2, 5, 4]);
  const [affine, plain] = [back[1] as nn.GroupNorm, back[3] as nn.GroupNorm];
  assert.deepEqual([affine.numGroups, affine.numChannels, affine.affine, affine.eps], [3, 6, true, 1e-5]);
  assert.deepEqual([plain.numGroups, plain.affine, plain.eps, plain.weight], [2, false, 1e-3, null]);
  assertClose(affine.weight!, (conv[1] as nn.GroupNorm).weight!.toArray() as number[], 0, 0);
  assert.deepEqual(opTypes(io.exportOnnx(conv, { inputShape: [2, 5, 4] })).slice(1, 7), ["Reshape", "InstanceNormalization", "Shape", "Reshape", "Mul", "Add"]);
  // one group per channel, 1-D sequences, and a matrix input
  await roundTrip(new nn.Sequential(randomizeAffine(new nn.GroupNorm(4, 4)), new nn.Conv1d(4, 2, 3)), [4, 7]);
  await roundTrip(new nn.Sequential(new nn.Linear(3, 8), randomizeAffine(new nn.GroupNorm(2, 8)), new nn.Tanh()), [3]);
});

test("MaxPool1d and AvgPool1d (stride, padding, dilation, ceilMode, countIncludePad) run in onnxruntime and round-trip", async () => {
  manualSeed(52);
  await roundTrip(new nn.Sequential(new nn.MaxPool1d(3, { stride: 2, padding: 1 }), new nn.MaxPool1d(2, { stride: 1, dilation: 2 }), new nn.MaxPool1d(2, { ceilMode: true })), [3, 12]);
  await roundTrip(new nn.Sequential(new nn.AvgPool1d(3, { stride: 2, padding: 1 }), new nn.AvgPool1d(2, { padding: 1, countIncludePad: false, ceilMode: true })), [2, 11]);
  await roundTrip(new nn.Sequential(new nn.Conv1d(1, 4, 3), new nn.ReLU(), new nn.MaxPool1d(2), new nn.Flatten(), new nn.Linear(48, 2)), [1, 26]);
  const attributes = decodeModelProto(io.exportOnnx(new nn.Sequential(new nn.AvgPool1d(3, { stride: 2, padding: 1 })), { inputShape: [1, 9] }), "test").graph!.node![0]!.attribute!;
  assert.deepEqual(Object.fromEntries(attributes.filter((a) => a.ints?.length).map((a) => [a.name, a.ints!.map(Number)])), { kernel_shape: [3], pads: [1, 1], strides: [2] });
});

test("ConvTranspose2d (stride, padding, outputPadding, groups, dilation, no bias) runs in onnxruntime and round-trips", async () => {
  manualSeed(53);
  const back = await roundTrip(new nn.Sequential(new nn.ConvTranspose2d(4, 6, 3, { stride: 2, padding: 1, outputPadding: 1, groups: 2 }), new nn.ReLU(), new nn.ConvTranspose2d(6, 2, [2, 3], { stride: [1, 2], dilation: [2, 1], bias: false })), [4, 4, 5]);
  const first = back[0] as nn.ConvTranspose2d;
  assert.deepEqual([first.inChannels, first.outChannels, first.groups, first.stride, first.padding, first.outputPadding], [4, 6, 2, [2, 2], [1, 1], [1, 1]]);
  assert.equal((back[2] as nn.ConvTranspose2d).bias, null);
  // an autoencoder-like chain: down with Conv2d, up with ConvTranspose2d
  await roundTrip(new nn.Sequential(new nn.Conv2d(1, 4, 3, { stride: 2, padding: 1 }), new nn.ReLU(), new nn.ConvTranspose2d(4, 1, 2, { stride: 2 }), new nn.Sigmoid()), [1, 8, 8]);
});

test("bad input: GroupNorm, 1-D pools and ConvTranspose2d on an input they do not fit name the module; corrupt group-norm graphs name the node", async () => {
  const fail = (module: nn.Module, inputShape: number[], pattern: RegExp) => assert.throws(() => io.exportOnnx(new nn.Sequential(module as nn.Conv2d), { inputShape }), pattern);
  fail(new nn.GroupNorm(2, 4), [6, 3], /module "0" \(GroupNorm\) does not fit its input of shape \[batch, 6, 3\]: expected 4 channels/);
  fail(new nn.MaxPool1d(2), [2, 4, 4], /module "0" \(MaxPool1d\) does not fit .*expected a 3-D input/);
  fail(new nn.AvgPool1d(5), [2, 3], /module "0" \(AvgPool1d\) does not fit .*the window is larger than the padded input/);
  fail(new nn.ConvTranspose2d(3, 2, 2), [2, 4, 4], /module "0" \(ConvTranspose2d\) does not fit .*expected 3 channels in dim 1, got 2/);

  // a GroupNorm graph whose Mul constant is not per channel, or whose InstanceNormalization scale has the wrong size
  const bytes = io.exportOnnx(new nn.Sequential(randomizeAffine(new nn.GroupNorm(2, 4))), { inputShape: [4, 3, 3] });
  const proto = decodeModelProto(bytes, "test");
  const { encodeModelProto } = await import("../../src/io/onnx/onnx-proto.js");
  const weight = proto.graph!.initializer!.find((t) => t.name === "0.weight")!;
  weight.dims = [1, 1, 4];
  assert.throws(() => io.importOnnx(encodeModelProto(proto)), /node "\/0\/Mul" \(Mul\): the constant "0.weight" of shape \[1, 1, 4\] is not per channel \(expected \[4, 1, 1\] or a scalar\)/);
  weight.dims = [4, 1, 1];
  const scale = proto.graph!.initializer!.find((t) => t.name === "0.group_scale")!;
  scale.dims = [4];
  scale.raw_data = new Uint8Array(16);
  assert.throws(() => io.importOnnx(encodeModelProto(proto)), /node "\/0\/InstanceNormalization" \(InstanceNormalization\): the scale "0.group_scale" has shape \[4\] float32, expected \[2\] floats \(mismatched initializer shapes\)/);
  // the graph cut after the InstanceNormalization: a different model, refused
  const cut = decodeModelProto(bytes, "test");
  const nodes = cut.graph!.node!;
  nodes.splice(2);
  nodes[1]!.output = ["output"];
  cut.graph!.output![0]!.type!.tensor_type!.shape = { dim: [{ dim_param: "batch" }, { dim_value: 2 }, { dim_value: 18 }] };
  assert.throws(() => io.importOnnx(encodeModelProto(cut)), /node "\/0\/Reshape" \(Reshape\): the group normalization it starts does not end with a Reshape back/);
});

test("a lone InstanceNormalization imports as GroupNorm(C, C) with its scale and bias", async () => {
  manualSeed(54);
  const norm = randomizeAffine(new nn.GroupNorm(3, 3));
  const bytes = io.exportOnnx(new nn.Sequential(norm), { inputShape: [3, 4, 4] });
  // the same function as one InstanceNormalization node with the per-channel scale and bias
  const proto = decodeModelProto(bytes, "test");
  const graph = proto.graph!;
  const init = (name: string) => graph.initializer!.find((t) => t.name === name)!;
  init("0.group_scale").raw_data = init("0.weight").raw_data;
  init("0.group_shift").raw_data = init("0.bias").raw_data;
  graph.node = [{ ...graph.node!.find((n) => n.op_type === "InstanceNormalization")!, input: ["input", "0.group_scale", "0.group_shift"], output: ["output"] }];
  const { encodeModelProto } = await import("../../src/io/onnx/onnx-proto.js");
  const single = encodeModelProto(proto);
  const back = io.importOnnx(single).model;
  assert.deepEqual(back.children().map((m) => m.constructor.name), ["GroupNorm"]);
  const x = randn([2, 3, 4, 4]);
  assertClose(back.call(x), norm.call(x).toArray() as number[], 1e-6, 1e-6);
  await assertOrtMatches(norm, single, x);
});
