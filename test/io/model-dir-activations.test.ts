// Model directories of the newer activations, Unflatten and Embedding: config.json describes and
// rebuilds them, and checks their fields and shapes like every other layer's.
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, randint, manualSeed } from "../../src/index.js";

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
