import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, copyFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, tensor, randn, manualSeed } from "../../src/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "nabla-model-"));
const FIXTURES = new URL("../fixtures/io/", import.meta.url);

test("save then load gives the same outputs, config and PyTorch key names; only the two files are visible", async () => {
  manualSeed(3);
  const model = new nn.Sequential(new nn.Linear(2, 5), new nn.Tanh(), new nn.Dropout(0.2), new nn.Linear(5, 3));
  const dir = join(tempDir(), "nested", "model");
  const written = await io.save(model, dir, { classNames: ["a", "b", "c"], normalization: { mean: [1, 2], std: [3, 4] }, training: { lr: 0.1 } });
  // the two files users read, and the hidden versions behind them (see src/io/directory-swap.ts)
  assert.deepEqual(readdirSync(dir).filter((name) => !name.startsWith(".")).sort(), ["config.json", "model.safetensors"]);
  assert.deepEqual(readdirSync(join(dir, ".versions")).length, 1);
  assert.deepEqual(JSON.parse(readFileSync(join(dir, "config.json"), "utf8")).classNames, ["a", "b", "c"]);
  const { model: loaded, config } = await io.load(dir);
  assert.deepEqual(config, written);
  assert.deepEqual(config.inputShape, [2]);
  assert.deepEqual(config.architecture.map((layer) => layer.type), ["linear", "tanh", "dropout", "linear"]);
  assert.deepEqual(Object.keys(io.decodeSafetensors(readFileSync(join(dir, "model.safetensors"))).tensors).sort(), ["0.bias", "0.weight", "3.bias", "3.weight"]);
  assert.equal(loaded.training, false);
  const x = randn([7, 2]);
  model.eval();
  assertClose(loaded.call(x), model.call(x).toArray() as number[][], 0, 0);
});

test("weights written by PyTorch load into the equivalent Sequential and compute PyTorch's outputs", async () => {
  const expected = JSON.parse(readFileSync(new URL("sequential.json", FIXTURES), "utf8")) as { inputs: number[][]; outputs: number[][] };
  const dir = tempDir();
  copyFileSync(new URL("sequential.safetensors", FIXTURES), join(dir, "model.safetensors"));
  const config = { format: "nabla-model", version: 1, architecture: io.mlpLayers({ sizes: [2, 4, 3] }), inputShape: [2] };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const { model } = await io.load(dir);
  assertClose(model.call(tensor(expected.inputs)), expected.outputs, 1e-6, 1e-6);
});

test("float64 weights load as a float64 model", async () => {
  const model = new nn.Sequential(new nn.Linear(3, 2)).to("float64");
  const dir = tempDir();
  await io.save(model, dir);
  const { model: loaded } = await io.load(dir);
  assert.equal(loaded.parameters()[0]!.dtype, "float64");
});

test("io.load explains what is wrong with a directory that is not a model", async () => {
  const dir = tempDir();
  await assert.rejects(io.load(join(dir, "nope")), /io\.load: model directory .*nope does not exist/);
  await assert.rejects(io.load(dir), /is not a nabla model directory \(config\.json not found\)/);
  writeFileSync(join(dir, "config.json"), "{ oops");
  await assert.rejects(io.load(dir), /config\.json is not valid JSON/);
  writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "something-else" }));
  await assert.rejects(io.load(dir), /config\.json: "format" must be "nabla-model"/);
  writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture: io.mlpLayers({ sizes: [2, 3] }), inputShape: [2] }));
  await assert.rejects(io.load(dir), /is not a nabla model directory \(model\.safetensors not found\)/);
  writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture: [{ type: "conv9d" }], inputShape: [2] }));
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({}));
  await assert.rejects(io.load(dir), /unknown layer type "conv9d"/);
  const file = join(dir, "config.json");
  await assert.rejects(io.load(file), /is a file, not a model directory/);
});

test("truncated or mismatched weights are errors naming the file, not garbage weights", async () => {
  const dir = tempDir();
  await io.save(new nn.Sequential(new nn.Linear(2, 4), new nn.ReLU(), new nn.Linear(4, 2)), dir);
  const weights = join(dir, "model.safetensors");
  const bytes = readFileSync(weights);
  writeFileSync(weights, bytes.subarray(0, bytes.length - 3));
  await assert.rejects(io.load(dir), /model\.safetensors: not a valid safetensors file: .*truncated/);
  writeFileSync(weights, io.encodeSafetensors(new nn.Sequential(new nn.Linear(2, 5), new nn.ReLU(), new nn.Linear(5, 2)).stateDict()));
  await assert.rejects(io.load(dir), /model\.safetensors does not fit the architecture in config\.json: .*size mismatch for 0\.weight/);
});

test("io.save refuses a model that its architecture does not describe", async () => {
  const model = new nn.Sequential(new nn.Linear(2, 4));
  await assert.rejects(io.save(model, tempDir(), { architecture: io.mlpLayers({ sizes: [2, 3] }) }), /do not match config\.architecture: 0\.weight is \[4,2\], the architecture says \[3,2\]/);
  class Custom extends nn.Module {
    layer = new nn.Linear(2, 2);
    forward(x: ReturnType<typeof tensor>) {
      return this.layer.call(x);
    }
  }
  await assert.rejects(io.save(new Custom(), tempDir()), /cannot describe a Custom; pass config\.architecture/);
});

test("writeFileAtomic leaves the old file and no temp file when the write fails", async () => {
  const dir = tempDir();
  const target = join(dir, "occupied");
  mkdirSync(target);
  writeFileSync(join(target, "inside"), "x");
  await assert.rejects(io.writeFileAtomic(target, "new"));
  assert.deepEqual(readdirSync(dir), ["occupied"]);
  const file = join(dir, "file.txt");
  writeFileSync(file, "old");
  await io.writeFileAtomic(file, "new");
  assert.equal(readFileSync(file, "utf8"), "new");
  assert.deepEqual(readdirSync(dir).sort(), ["file.txt", "occupied"]);
});

test("mlpLayers puts activation and dropout between Linear layers, as torch.nn.Sequential would index them", () => {
  const model = io.buildSequential(io.mlpLayers({ sizes: [2, 16, 16, 2], activation: "tanh", dropout: 0.1 }));
  assert.deepEqual(Object.keys(model.stateDict()), ["0.weight", "0.bias", "3.weight", "3.bias", "6.weight", "6.bias"]);
  assert.throws(() => io.mlpLayers({ sizes: [2] }), /need at least an input and an output size/);
  assert.throws(() => io.mlpLayers({ sizes: [2, 0, 2] }), /integers ≥ 1/);
  assert.throws(() => io.mlpLayers({ sizes: [2, 2], activation: "gelu" as "relu" }), /unknown activation "gelu"/);
});
