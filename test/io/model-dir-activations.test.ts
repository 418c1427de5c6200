// Model directories of the newer activations, Unflatten and Embedding: config.json describes and
// rebuilds them, and checks their fields and shapes like every other layer's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, noGrad, randn, randint, manualSeed } from "../../src/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "nabla-model-acts-"));

test("activations and Unflatten save and load with their settings and the same outputs", async () => {
  manualSeed(81);
  const model = new nn.Sequential(
    new nn.Unflatten(1, [1, 4, 4]), new nn.Conv2d(1, 2, 3), new nn.GELU({ approximate: "tanh" }), new nn.Flatten(), new nn.Linear(8, 6),
    new nn.SiLU(), new nn.LeakyReLU(0.3), new nn.ELU(0.5), new nn.Softplus({ beta: 2, threshold: 10 }), new nn.Hardtanh(-2, 2), new nn.GELU(), new nn.LogSigmoid(), new nn.Linear(6, 2),
  );
  const dir = tempDir();
  const written = await io.save(model, dir, { inputShape: [16] });
  assert.deepEqual(written.architecture.slice(5, 10), [
    { type: "silu" }, { type: "leakyReLU", negativeSlope: 0.3 }, { type: "elu", alpha: 0.5 }, { type: "softplus", beta: 2, threshold: 10 }, { type: "hardtanh", minVal: -2, maxVal: 2 },
  ]);
  assert.deepEqual(written.architecture[0], { type: "unflatten", dim: 1, sizes: [1, 4, 4] });
  assert.deepEqual(written.architecture[11], { type: "logSigmoid" });
  const { model: loaded } = await io.load(dir);
  const x = randn([3, 16]);
  assertClose(loaded.call(x), model.call(x).toArray() as number[][], 0, 0);
});

test("an Embedding model saves and loads (inputShape: the indices of one sample)", async () => {
  manualSeed(82);
  const model = new nn.Sequential(new nn.Embedding(12, 3, { paddingIdx: 0 }), new nn.Flatten(), new nn.Linear(15, 4));
  const dir = tempDir();
  const written = await io.save(model, dir, { inputShape: [5] });
  assert.deepEqual(written.architecture[0], { type: "embedding", numEmbeddings: 12, embeddingDim: 3, paddingIdx: 0 });
  assert.deepEqual(io.checkArchitecture(written.architecture, [5]).outputShape, [4]);
  const { model: loaded } = await io.load(dir);
  const indices = randint(0, 12, [2, 5]);
  assertClose(loaded.call(indices), model.call(indices).toArray() as number[][], 0, 0);
});

test("bad fields and shapes of these layers name the field's path", () => {
  const check = (architecture: unknown[], inputShape: number[], pattern: RegExp) => assert.throws(() => io.checkArchitecture(architecture, inputShape), pattern);
  check([{ type: "gelu", approximate: "erf" }], [3], /architecture\[0\] \(gelu\)\.approximate: must be one of "none", "tanh", got "erf"/);
  check([{ type: "hardtanh", minVal: 2, maxVal: 1 }], [3], /architecture\[0\] \(hardtanh\)\.maxVal: 1 must be greater than minVal \(2\)/);
  check([{ type: "leakyReLU", slope: 0.1 }], [3], /architecture\[0\] \(leakyReLU\)\.slope: is not a field of leakyReLU \(it has negativeSlope\)/);
  check([{ type: "embedding", numEmbeddings: 5, embeddingDim: 2, paddingIdx: 5 }], [3], /\(embedding\)\.paddingIdx: must be an integer in \[-5, 4\], got 5/);
  check([{ type: "unflatten", dim: 1, sizes: [4, 4] }], [10], /architecture\[0\] \(Unflatten\(1, \[4, 4\]\)\) does not fit its input: sizes \[4, 4\] do not multiply to 10/);
  check([{ type: "unflatten", dim: 1, sizes: [-1, -1] }], [10], /\(unflatten\)\.sizes: must be a list of 1 to 8 integers ≥ 1 with at most one -1/);
});

test("a Sequential with a TransformerEncoderLayer saves and loads with PyTorch's state-dict keys", async () => {
  manualSeed(83);
  const block = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.25, activation: "gelu", batchFirst: true, normFirst: true, layerNormEps: 1e-6 });
  const model = new nn.Sequential(new nn.Embedding(10, 8), block, new nn.Flatten(), new nn.Linear(40, 3));
  const dir = tempDir();
  const written = await io.save(model, dir, { inputShape: [5] });
  assert.deepEqual(written.architecture[1], {
    type: "transformerEncoderLayer", dModel: 8, nhead: 2, dimFeedforward: 16, dropout: 0.25, activation: "gelu", layerNormEps: 1e-6, batchFirst: true, normFirst: true, bias: true,
  });
  const { model: loaded } = await io.load(dir);
  assert.deepEqual(Object.keys(loaded.stateDict()).sort(), Object.keys(model.stateDict()).sort());
  assert.ok(Object.keys(model.stateDict()).includes("1.self_attn.in_proj_weight"));
  model.eval();
  loaded.eval();
  const indices = randint(0, 10, [2, 5]);
  assertClose(loaded.call(indices), model.call(indices).toArray() as number[][], 0, 0);

  const plain = new nn.Sequential(new nn.TransformerEncoderLayer(4, 1, { dimFeedforward: 6, bias: false, batchFirst: true }));
  const plainDir = tempDir();
  const plainWritten = await io.save(plain, plainDir, { inputShape: [3, 4] });
  assert.equal((plainWritten.architecture[0] as { bias: boolean }).bias, false);
  const { model: plainLoaded } = await io.load(plainDir);
  assert.deepEqual(Object.keys(plainLoaded.stateDict()).sort(), Object.keys(plain.stateDict()).sort());
});

test("a Sequential with a TransformerEncoder (a stack and a final norm) saves and loads with PyTorch's state-dict keys", async () => {
  manualSeed(84);
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 12, dropout: 0, batchFirst: true });
  const encoder = new nn.TransformerEncoder(layer, 2, { norm: new nn.LayerNorm(8, { eps: 1e-6 }) });
  // the copies start equal: give the second layer weights of its own, so a mix-up of layers shows
  noGrad(() => encoder.layers.at(1).linear1.weight.mul_(-2));
  const model = new nn.Sequential(new nn.Embedding(10, 8), encoder, new nn.Flatten(), new nn.Linear(40, 3));
  const dir = tempDir();
  const written = await io.save(model, dir, { inputShape: [5] });
  assert.deepEqual(written.architecture[1], {
    type: "transformerEncoder", dModel: 8, nhead: 2, dimFeedforward: 12, dropout: 0, activation: "relu", layerNormEps: 1e-5, batchFirst: true, normFirst: false, bias: true,
    numLayers: 2, finalNorm: true, finalNormEps: 1e-6,
  });
  const { model: loaded } = await io.load(dir);
  assert.deepEqual(Object.keys(loaded.stateDict()).sort(), Object.keys(model.stateDict()).sort());
  assert.ok(["1.layers.1.linear1.weight", "1.norm.bias"].every((key) => key in model.stateDict()));
  model.eval();
  loaded.eval();
  const indices = randint(0, 10, [2, 5]);
  assertClose(loaded.call(indices), model.call(indices).toArray() as number[][], 0, 0);
  // a final norm a config cannot name
  const odd = new nn.Sequential(new nn.TransformerEncoder(layer, 1, { norm: new nn.LayerNorm(8, { elementwiseAffine: false }) }));
  await assert.rejects(io.save(odd, tempDir(), { inputShape: [3, 8] }), /TransformerEncoder: a config.json can name a final norm only as LayerNorm\(8\) with weight and bias/);
});

test("a TransformerEncoderLayer's bad fields, shapes and custom activation are named", async () => {
  const check = (architecture: unknown[], inputShape: number[], pattern: RegExp) => assert.throws(() => io.checkArchitecture(architecture, inputShape), pattern);
  check([{ type: "transformerEncoderLayer", dModel: 6, nhead: 4 }], [2, 6], /architecture\[0\] \(transformerEncoderLayer\)\.nhead: 4 heads do not divide dModel 6/);
  check([{ type: "transformerEncoderLayer", dModel: 8, nhead: 2, activation: "tanh" }], [2, 8], /\.activation: must be one of "relu", "gelu", got "tanh"/);
  check([{ type: "transformerEncoderLayer", dModel: 8, nhead: 2, dropout: 1 }], [2, 8], /\.dropout: must be a number in \[0, 1\), got 1/);
  check([{ type: "transformerEncoderLayer", dModel: 8, nhead: 2 }], [2, 6], /does not fit its input: needs a sample of shape \[N, 8\] or \[8\], got \[2, 6\]/);
  check([{ type: "transformerEncoder", dModel: 8, nhead: 2, numLayers: 0 }], [2, 8], /architecture\[0\] \(transformerEncoder\)\.numLayers: /);
  check([{ type: "transformerEncoder", dModel: 8, nhead: 2, numLayers: 2 }], [2, 6], /\(TransformerEncoder\(TransformerEncoderLayer\(8, 2, dimFeedforward=2048\), numLayers=2\)\) does not fit its input/);
  const custom = new nn.Sequential(new nn.TransformerEncoderLayer(4, 1, { dimFeedforward: 6, activation: (x) => x.tanh() }));
  await assert.rejects(io.save(custom, tempDir(), { inputShape: [3, 4] }), /can name only the "relu" and "gelu" activations/);
});
