// Model directories of convolutional and normalization networks: config.json describes and
// rebuilds them (batch norms' running statistics travel in model.safetensors), and a stranger's
// config is checked field by field and against the input shape before anything is built.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, manualSeed } from "../../src/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "nabla-model-cnn-"));

function writeConfig(dir: string, architecture: unknown[], inputShape: number[], weights: Record<string, ReturnType<typeof randn>> = {}): void {
  writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture, inputShape }));
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors(weights));
}

test("a CNN with every new layer saves and loads with the same outputs, running statistics and PyTorch's state-dict keys", async () => {
  manualSeed(61);
  const model = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2, { ceilMode: true }),
    new nn.GroupNorm(2, 4), new nn.ConvTranspose2d(4, 2, 2, { stride: 2, bias: false }), new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new nn.Conv2d(2, 6, [1, 3], { padding: "same", groups: 2, paddingMode: "reflect" }), new nn.AdaptiveAvgPool2d([2, null]),
    new nn.Flatten(2), new nn.BatchNorm1d(6, { momentum: null }), new nn.Conv1d(6, 3, 2, { dilation: 2 }), new nn.MaxPool1d(2, { stride: 1 }), new nn.AvgPool1d(1),
    new nn.Flatten(), new nn.LayerNorm(21, { bias: false }), new nn.Linear(21, 3),
  );
  model.train();
  for (let i = 0; i < 2; i++) model.call(randn([4, 1, 9, 9]));
  model.eval();
  const dir = tempDir();
  const written = await io.save(model, dir, { inputShape: [1, 9, 9], classNames: ["a", "b", "c"] });
  assert.deepEqual(written.architecture[0], { type: "conv2d", inChannels: 1, outChannels: 4, kernelSize: [3, 3], stride: [1, 1], padding: [1, 1], dilation: [1, 1], groups: 1, bias: true, paddingMode: "zeros" });
  assert.deepEqual(written.architecture[10], { type: "batchNorm1d", numFeatures: 6, eps: 1e-5, momentum: null, affine: true, trackRunningStats: true });
  const keys = Object.keys(io.decodeSafetensors(readFileSync(join(dir, "model.safetensors"))).tensors);
  for (const key of ["1.running_mean", "1.running_var", "1.num_batches_tracked", "4.weight", "5.weight", "10.running_var", "15.weight"]) assert.ok(keys.includes(key), key);
  assert.ok(!keys.includes("5.bias") && !keys.includes("15.bias"));
  const { model: loaded, config } = await io.load(dir);
  assert.deepEqual(config, written);
  assert.deepEqual(loaded.children().map((m) => m.constructor.name), model.children().map((m) => m.constructor.name));
  assertClose((loaded[1] as nn.BatchNorm2d).runningVar!, (model[1] as nn.BatchNorm2d).runningVar!.toArray() as number[], 0, 0);
  assert.equal((loaded[1] as nn.BatchNorm2d).numBatchesTracked!.item(), 2);
  const x = randn([3, 1, 9, 9]);
  assertClose(loaded.call(x), model.call(x).toArray() as number[][], 1e-6, 1e-6);
});

test("a hand-written config takes PyTorch's defaults for the fields it leaves out", async () => {
  const architecture = [
    { type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3 },
    { type: "maxPool2d", kernelSize: 2 },
    { type: "batchNorm2d", numFeatures: 2 },
    { type: "flatten" },
    { type: "linear", inFeatures: 18, outFeatures: 2 },
  ];
  const { layers, outputShape, state } = io.checkArchitecture(architecture, [1, 8, 8]);
  assert.deepEqual(outputShape, [2]);
  assert.deepEqual(layers[1], { type: "maxPool2d", kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false });
  assert.deepEqual(state[2], { weight: [2], bias: [2], running_mean: [2], running_var: [2], num_batches_tracked: [] });
  const model = io.buildSequential(layers);
  const dir = tempDir();
  await io.save(model, dir, { architecture: architecture as io.LayerSpec[], inputShape: [1, 8, 8] });
  const { model: loaded } = await io.load(dir);
  const x = randn([2, 1, 8, 8]);
  assertClose(loaded.call(x), model.eval().call(x).toArray() as number[][], 0, 0);
});

test("bad configs are errors naming the field's path: unknown layer or field, bad values, shapes that do not fit", async () => {
  const check = (architecture: unknown[], inputShape: number[], pattern: RegExp) => assert.throws(() => io.checkArchitecture(architecture, inputShape), pattern);
  check([{ type: "conv3d" }], [1, 4, 4, 4], /architecture\[0\]: unknown layer type "conv3d" \(known: linear, relu, .*conv2d/);
  check([{ type: "relu" }, "conv2d"], [2], /architecture\[1\]: expected a layer object such as \{"type": "relu"\}, got "conv2d"/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, kernal: 5 }], [1, 4, 4], /architecture\[0\] \(conv2d\)\.kernal: is not a field of conv2d \(it has inChannels, outChannels, stride, padding, kernelSize/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: [3, 3, 3] }], [1, 4, 4], /architecture\[0\] \(conv2d\)\.kernelSize: must be an integer in \[1, 16777216\] or a list of 2 of them, got \[3,3,3\]/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 2 }], [1, 4, 4], /architecture\[0\] \(conv2d\)\.kernelSize: is required/);
  check([{ type: "conv2d", inChannels: 4, outChannels: 6, kernelSize: 1, groups: 4 }], [4, 4, 4], /\.groups: 4 must divide inChannels \(4\) and outChannels \(6\)/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, padding: "full" }], [1, 4, 4], /\.padding: must be one of "same", "valid", got "full"/);
  check([{ type: "batchNorm2d", numFeatures: 2, eps: -1 }], [2, 3, 3], /\(batchNorm2d\)\.eps: must be a number in \[0, 1\], got -1/);
  check([{ type: "groupNorm", numGroups: 3, numChannels: 4 }], [4, 2], /\.numGroups: 3 must divide numChannels \(4\)/);
  check([{ type: "convTranspose2d", inChannels: 1, outChannels: 1, kernelSize: 2, stride: 2, outputPadding: 2 }], [1, 3, 3], /\.outputPadding: \[2, 2\] must be smaller than the stride or the dilation/);
  check([{ type: "linear", inFeatures: 1e300, outFeatures: 2 }], [2], /\(linear\)\.inFeatures: must be an integer in \[1, 16777216\]/);
  // shapes: channels, ranks, kernels larger than the input, a Linear after a Flatten of the wrong size
  check([{ type: "conv2d", inChannels: 3, outChannels: 2, kernelSize: 3 }], [1, 28, 28], /architecture\[0\] \(Conv2d\(3, 2, kernelSize=\[3, 3\]\)\) does not fit its input: expects 3 channels, got a sample of shape \[1, 28, 28\] \(inputShape \[1, 28, 28\]\)/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 5 }], [1, 3, 3], /the kernel is larger than the padded input \(the output would be -1×-1\)/);
  check([{ type: "maxPool2d", kernelSize: 2 }], [4, 4], /expects samples \[C, H, W\], got \[4, 4\]/);
  check([{ type: "conv2d", inChannels: 1, outChannels: 4, kernelSize: 3 }, { type: "flatten" }, { type: "linear", inFeatures: 100, outFeatures: 2 }], [1, 8, 8], /architecture\[2\] \(Linear\(100, 2\)\) does not fit its input: expects 100 input features in the last dim, got a sample of shape \[144\] \(the sample shape after architecture\[1\]\)/);
  check([{ type: "layerNorm", normalizedShape: [5] }], [3, 4], /normalizedShape \[5\] does not match the sample's trailing dims \[3, 4\]/);
  check([{ type: "flatten", startDim: 0 }], [3, 4], /startDim 0 would merge the batch dim/);
  check([{ type: "relu" }, { type: "convTranspose2d", inChannels: 1, outChannels: 1, kernelSize: 4096, stride: 4096 }], [1, 8, 8], /architecture\[1\] \(ConvTranspose2d\(1, 1, kernelSize=\[4096, 4096\]\)\) makes samples of shape \[1, 32768, 32768\] \(1073741824 values\); at most 268435456 are allowed/);

  // through io.load: the file and field named; weights that do not fit the config, before building
  const dir = tempDir();
  writeConfig(dir, [{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: [3] }], [1, 5, 5]);
  await assert.rejects(io.load(dir), /config\.json: architecture\[0\] \(conv2d\)\.kernelSize: must be an integer .* or a list of 2 of them, got \[3\]/);
  writeConfig(dir, [{ type: "conv2d", inChannels: 16384, outChannels: 16384, kernelSize: 3 }], [16384, 5, 5], { "0.weight": randn([2, 1, 3, 3]) });
  const started = performance.now();
  await assert.rejects(io.load(dir), /model\.safetensors does not fit the architecture in config\.json: size mismatch for 0\.weight: the file holds \[2,1,3,3\], but layer 0 of .*config\.json is Conv2d\(16384, 16384, kernelSize=\[3, 3\]\) with 2,415,919,104 weights/);
  assert.ok(performance.now() - started < 2000, "no allocation of 9.7 GB");
  writeConfig(dir, [{ type: "batchNorm1d", numFeatures: 3 }], [3], { "0.weight": randn([3]), "0.bias": randn([3]), "0.running_mean": randn([3]), "0.num_batches_tracked": randn([]) });
  await assert.rejects(io.load(dir), /missing 0\.running_var, but layer 0 of .* is BatchNorm1d\(3\) with 3 values in running_var \[3\]/);
  writeFileSync(join(dir, "config.json"), '{"format": "nabla-model", "version": 1, "architecture": [{"type": "conv2d", "inCh');
  await assert.rejects(io.load(dir), /config\.json is not valid JSON/);
  // a module that a model directory cannot describe is named, with the ones it can
  await assert.rejects(io.save(new nn.Sequential(new nn.Conv2d(1, 1, 1), new nn.Sequential(new nn.ReLU())), tempDir(), { inputShape: [1, 2, 2] }), /layer 1 is a Sequential, which a model directory cannot describe \(supported: Linear, .*Conv2d, ConvTranspose2d, .*GroupNorm/);
});
