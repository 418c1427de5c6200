// torch.onnx.export's CNNs and normalization models import into nabla with PyTorch's outputs and
// re-export to onnxruntime, where /usr/bin/python3 has torch (skipped otherwise).
// test/io/torch_cnn_onnx.py is the PyTorch side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, tensor, type NestedArray } from "../../src/index.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("./torch_cnn_onnx.py", import.meta.url));

function skipReason(): string | false {
  const probe = spawnSync(PYTHON, ["-c", "import torch, onnx"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) return `PyTorch CNN ONNX import skipped: ${PYTHON} -c "import torch, onnx" failed`;
  return false;
}

const skip = skipReason();
if (skip !== false) console.log(`# ${skip}`);

test("torch.onnx.export's CNNs (Conv, BatchNormalization, MaxPool, AveragePool, GlobalAveragePool, Conv1d) and LayerNormalization import with PyTorch's outputs", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-torch-cnn-"));
  const result = spawnSync(PYTHON, [SCRIPT, dir], { encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `torch_cnn_onnx.py failed:\n${result.stderr}`);
  const outputs = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, { input: NestedArray; output: NestedArray }>;
  const layers: Record<string, string[]> = {
    cnn: ["Conv2d", "ReLU", "BatchNorm2d", "MaxPool2d", "Conv2d", "ReLU", "AvgPool2d", "Flatten", "Linear"],
    gap: ["Conv2d", "Tanh", "AdaptiveAvgPool2d", "Flatten", "Linear"],
    norm: ["Linear", "LayerNorm", "ReLU", "Linear", "BatchNorm1d", "Sigmoid"],
    conv1d: ["Conv1d", "ReLU", "Conv1d", "Flatten", "Linear"],
  };
  for (const [name, classes] of Object.entries(layers)) {
    const imported = await io.loadOnnx(join(dir, `${name}.onnx`));
    assert.deepEqual(imported.model.children().map((m) => m.constructor.name), classes, name);
    assert.match(imported.producer, /^pytorch/);
    const x = tensor(outputs[name]!.input);
    const ours = imported.model.call(x);
    assertClose(ours, outputs[name]!.output, 1e-5, 1e-5, `${name} in nabla`);
    const session = await ort.InferenceSession.create(io.exportOnnx(imported.model, { inputShape: [...x.shape.slice(1)] }));
    const again = await session.run({ input: new ort.Tensor("float32", x.toTypedArray() as Float32Array, [...x.shape]) });
    assertClose(Array.from(again.output!.data as Float32Array), Array.from(ours.toTypedArray()), 1e-5, 1e-5, `${name} re-exported`);
  }
});
