// torch.onnx.export's CNNs and normalization models import into nabla with PyTorch's outputs and
// re-export to onnxruntime, where /usr/bin/python3 has torch (skipped otherwise).
// test/io/torch_cnn_onnx.py is the PyTorch side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, tensor, manualSeed, type NestedArray } from "../../src/index.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torch_cnn_onnx.py", import.meta.url));

function skipReason(): string | false {
  const probe = spawnSync(PYTHON, ["-c", "import torch, onnx"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) return `PyTorch CNN ONNX import skipped: ${PYTHON} -c "import torch, onnx" failed`;
  return false;
}

const skip = skipReason();
if (skip !== false) console.log(`# ${skip}`);

test("nabla's CNN files pass onnx.checker; torch.onnx.export's CNNs (Conv, BatchNormalization, MaxPool, AveragePool, GlobalAveragePool, Conv1d) LayerNormalization, GroupNorm, the 1-D pools, ConvTranspose, the activations, Embedding and Upsample (Resize) import with PyTorch's outputs", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-torch-cnn-"));
  // nabla's CNN and normalization exports, for onnx.checker
  manualSeed(41);
  const ours: [nn.Sequential, number[]][] = [
    [new nn.Sequential(new nn.Conv2d(1, 4, 3, { padding: "same" }), new nn.BatchNorm2d(4), new nn.ReLU(), new nn.MaxPool2d(2, { padding: 1, ceilMode: true }), new nn.AvgPool2d(2, { ceilMode: true }), new nn.Flatten(), new nn.LayerNorm(16), new nn.Linear(16, 2)), [1, 7, 7]],
    [new nn.Sequential(new nn.Conv1d(2, 3, 4, { padding: "same" }), new nn.BatchNorm1d(3, { affine: false }), new nn.ReLU()), [2, 7]],
    [new nn.Sequential(new nn.Conv2d(2, 4, 3, { stride: 2, dilation: 2, groups: 2, bias: false }), new nn.AdaptiveAvgPool2d(1), new nn.Flatten()), [2, 9, 9]],
    [new nn.Sequential(new nn.GroupNorm(2, 4), new nn.ConvTranspose2d(4, 2, 3, { stride: 2, padding: 1, outputPadding: 1 }), new nn.GroupNorm(1, 2, { affine: false })), [4, 5, 5]],
    [new nn.Sequential(new nn.MaxPool1d(3, { stride: 2, padding: 1, ceilMode: true }), new nn.AvgPool1d(2, { countIncludePad: false, padding: 1 }), new nn.GroupNorm(3, 3)), [3, 10]],
    [new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Upsample({ scaleFactor: 2 }), new nn.Upsample({ size: [5, 7], mode: "bilinear" }), new nn.Upsample({ scaleFactor: 1.5, mode: "nearest-exact" })), [1, 4, 4]],
    [new nn.Sequential(new nn.Embedding(7, 3), new nn.GELU(), new nn.Flatten(), new nn.Linear(6, 4), new nn.GELU({ approximate: "tanh" }), new nn.SiLU(), new nn.Softplus({ beta: 3 }), new nn.Hardtanh(), new nn.Unflatten(1, [2, 2]), new nn.LeakyReLU(), new nn.ELU()), [2]],
  ];
  const files = ours.map(([model, inputShape], i) => {
    const path = join(dir, `nabla-${i}.onnx`);
    writeFileSync(path, io.exportOnnx(model, { inputShape }));
    return path;
  });
  const result = spawnSync(PYTHON, [SCRIPT, dir, ...files], { encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `torch_cnn_onnx.py failed:\n${result.stderr}`);
  const report = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as { torch: Record<string, { input: NestedArray; output: NestedArray }>; checked: string[] };
  assert.deepEqual(report.checked, files, "nabla's CNN files pass onnx.checker");
  const outputs = report.torch;
  const layers: Record<string, string[]> = {
    cnn: ["Conv2d", "ReLU", "BatchNorm2d", "MaxPool2d", "Conv2d", "ReLU", "AvgPool2d", "Flatten", "Linear"],
    gap: ["Conv2d", "Tanh", "AdaptiveAvgPool2d", "Flatten", "Linear"],
    norm: ["Linear", "LayerNorm", "ReLU", "Linear", "BatchNorm1d", "Sigmoid"],
    conv1d: ["Conv1d", "ReLU", "Conv1d", "Flatten", "Linear"],
    groupnorm: ["Conv2d", "GroupNorm", "ReLU", "GroupNorm", "Flatten", "Linear"],
    pool1d: ["Conv1d", "ReLU", "MaxPool1d", "AvgPool1d", "Flatten", "Linear"],
    upconv: ["Conv2d", "ReLU", "ConvTranspose2d", "Tanh"],
    avgpad: ["Conv2d", "AvgPool2d", "Flatten", "AvgPool1d", "Flatten", "Linear"],
    acts: ["Conv2d", "GELU", "MaxPool2d", "Conv2d", "SiLU", "Flatten", "Linear", "GELU", "LeakyReLU", "ELU", "Softplus", "Hardtanh", "Linear"],
    embedding: ["Embedding", "Flatten", "Linear", "Softplus"],
    upsample: ["Conv2d", "Upsample", "ReLU", "Upsample", "Upsample", "Upsample", "Upsample"],
  };
  for (const [name, classes] of Object.entries(layers)) {
    const imported = await io.loadOnnx(join(dir, `${name}.onnx`));
    assert.deepEqual(imported.model.children().map((m) => m.constructor.name), classes, name);
    assert.match(imported.producer, /^pytorch/);
    const indices = name === "embedding";
    const x = tensor(outputs[name]!.input, indices ? { dtype: "int32" } : {});
    const ours = imported.model.call(x);
    assertClose(ours, outputs[name]!.output, 1e-5, 1e-5, `${name} in nabla`);
    const session = await ort.InferenceSession.create(io.exportOnnx(imported.model, { inputShape: [...x.shape.slice(1)] }));
    const feed = indices ? new ort.Tensor("int64", BigInt64Array.from(Array.from(x.toTypedArray(), (v) => BigInt(v))), [...x.shape]) : new ort.Tensor("float32", x.toTypedArray() as Float32Array, [...x.shape]);
    const again = await session.run({ input: feed });
    assertClose(Array.from(again.output!.data as Float32Array), Array.from(ours.toTypedArray()), 1e-5, 1e-5, `${name} re-exported`);
  }
});
