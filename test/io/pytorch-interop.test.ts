// Interop with PyTorch both ways, where /usr/bin/python3 has torch and onnx (skipped otherwise):
// nabla's safetensors load into torch.nn.Sequential with the same outputs; PyTorch-written
// safetensors load into nabla; nabla's ONNX passes onnx.checker; torch.onnx.export's files import
// into nabla with PyTorch's outputs. scripts/interop/torch_interop.py is the PyTorch side.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import * as ort from "onnxruntime-node";
import "../helpers.js";
import { assertClose } from "../helpers.js";
import { io, nn, randn, manualSeed, tensor, type NestedArray, type Tensor } from "../../src/index.js";

const PYTHON = "/usr/bin/python3";
const SCRIPT = fileURLToPath(new URL("../../scripts/interop/torch_interop.py", import.meta.url));

function skipReason(): string | false {
  const probe = spawnSync(PYTHON, ["-c", "import torch, onnx"], { encoding: "utf8" });
  if (probe.error !== undefined || probe.status !== 0) return `PyTorch interop skipped: ${PYTHON} -c "import torch, onnx" failed (${(probe.error?.message ?? probe.stderr.trim().split("\n").at(-1)) || "no output"})`;
  return false;
}

const skip = skipReason();
if (skip !== false) console.log(`# ${skip}`);

/** Runs a list of the script's commands in one Python process; returns their results. */
function runPython(dir: string, jobs: string[][]): Record<string, unknown>[] {
  const jobsPath = join(dir, "jobs.json");
  writeFileSync(jobsPath, JSON.stringify(jobs));
  const result = spawnSync(PYTHON, [SCRIPT, "batch", jobsPath], { encoding: "utf8", timeout: 120_000 });
  assert.equal(result.status, 0, `torch_interop.py failed:\n${result.stderr}`);
  const results = JSON.parse(result.stdout.trim().split("\n").at(-1)!) as Record<string, unknown>[];
  results.forEach((r, i) => assert.equal(r.error, undefined, `job ${JSON.stringify(jobs[i])}: ${String(r.error)}`));
  return results;
}

function writeInputs(dir: string, name: string, x: Tensor): string {
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(x.toArray()));
  return path;
}

test("PyTorch interop both ways: safetensors and ONNX", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-torch-"));
  manualSeed(21);
  // nabla → PyTorch: model directories (float32 MLP; float64 with Flatten and LogSoftmax)
  const mlp = new nn.Sequential(new nn.Linear(3, 6), new nn.ReLU(), new nn.Dropout(0.1), new nn.Linear(6, 4), new nn.Tanh(), new nn.Linear(4, 2), new nn.Softmax(1)).eval();
  const flat = new nn.Sequential(new nn.Flatten(), new nn.Linear(6, 3), new nn.Sigmoid(), new nn.Linear(3, 2), new nn.LogSoftmax(1)).to("float64").eval();
  await io.save(mlp, join(dir, "mlp"));
  await io.save(flat, join(dir, "flat"), { inputShape: [2, 3] });
  const xMlp = randn([5, 3]);
  const xFlat = randn([4, 2, 3], { dtype: "float64" });
  // nabla → ONNX files for onnx.checker (a Gemm chain, and a MatMul + Reshape graph)
  await io.saveOnnx(mlp, join(dir, "mlp.onnx"));
  const deep = new nn.Sequential(new nn.Linear(4, 3), new nn.ReLU(), new nn.Flatten(1, 2), new nn.Dropout(0.5), new nn.Linear(6, 2), new nn.Softmax(-1));
  await io.saveOnnx(deep, join(dir, "deep.onnx"), { inputShape: [2, 4] });
  await io.saveOnnx(flat, join(dir, "flat.onnx"), { inputShape: [2, 3], dynamicBatch: false, batchSize: 4 });
  // PyTorch → nabla inputs
  const x2 = writeInputs(dir, "x2.json", randn([6, 4]));
  const x3 = writeInputs(dir, "x3.json", randn([3, 5, 4]));
  const xImage = writeInputs(dir, "ximage.json", randn([2, 1, 4, 3]));
  const xLog = writeInputs(dir, "xlog.json", randn([4, 3]));
  const xTorchDir = writeInputs(dir, "xdir.json", randn([7, 2]));

  const [mlpOut, flatOut, check1, check2, check3, written, ...exported] = runPython(dir, [
    ["run-model-dir", join(dir, "mlp"), writeInputs(dir, "xmlp.json", xMlp)],
    ["run-model-dir", join(dir, "flat"), writeInputs(dir, "xflat.json", xFlat)],
    ["check-onnx", join(dir, "mlp.onnx")],
    ["check-onnx", join(dir, "deep.onnx")],
    ["check-onnx", join(dir, "flat.onnx")],
    ["write-model-dir", join(dir, "from-torch"), xTorchDir],
    ["export-onnx", "mlp", join(dir, "torch-mlp.onnx"), x2],
    ["export-onnx", "mlp3d", join(dir, "torch-mlp3d.onnx"), x3],
    ["export-onnx", "flatten", join(dir, "torch-flatten.onnx"), xImage],
    ["export-onnx", "logsoftmax", join(dir, "torch-logsoftmax.onnx"), xLog],
  ]);

  // nabla's safetensors in torch.nn.Sequential: the same outputs
  assertClose(mlpOut!.outputs as NestedArray, mlp.call(xMlp).toArray(), 1e-6, 1e-5, "mlp in PyTorch");
  assertClose(flatOut!.outputs as NestedArray, flat.call(xFlat).toArray(), 1e-12, 1e-12, "float64 flatten model in PyTorch");
  // nabla's ONNX passes onnx.checker (full check, with shape inference)
  for (const check of [check1, check2, check3]) assert.deepEqual(check, { ok: true, opset: 17, ir_version: 8 });
  // PyTorch-written safetensors load into nabla with PyTorch's outputs
  const { model: fromTorch } = await io.load(join(dir, "from-torch"));
  assertClose(fromTorch.call(tensor(JSON.parse(readFileSync(xTorchDir, "utf8")) as NestedArray)), written!.outputs as NestedArray, 1e-6, 1e-5, "PyTorch's weights in nabla");
  // torch.onnx.export files import into nabla with PyTorch's outputs, and re-export to onnxruntime
  const cases: [string, string, string[]][] = [
    ["torch-mlp.onnx", x2, ["Linear", "ReLU", "Linear", "Sigmoid", "Linear", "Softmax"]],
    ["torch-mlp3d.onnx", x3, ["Linear", "Tanh", "Linear"]],
    ["torch-flatten.onnx", xImage, ["Flatten", "Linear", "ReLU", "Linear"]],
    ["torch-logsoftmax.onnx", xLog, ["Linear", "LogSoftmax"]],
  ];
  for (const [[file, inputs, layers], result] of cases.map((c, i) => [c, exported[i]!] as const)) {
    const imported = await io.loadOnnx(join(dir, file));
    assert.deepEqual(imported.model.children().map((m) => m.constructor.name), layers, file);
    assert.match(imported.producer, /^pytorch/);
    const x = tensor(JSON.parse(readFileSync(inputs, "utf8")) as NestedArray);
    const ours = imported.model.call(x);
    assertClose(ours, result.outputs as NestedArray, 1e-6, 1e-5, `${file} in nabla`);
    const session = await ort.InferenceSession.create(io.exportOnnx(imported.model, { inputShape: [...x.shape.slice(1)] }));
    const again = await session.run({ input: new ort.Tensor("float32", x.toTypedArray() as Float32Array, [...x.shape]) });
    assertClose(Array.from(again.output!.data as Float32Array), Array.from(ours.toTypedArray()), 1e-6, 1e-5, `${file} re-exported`);
  }
});

test("nabla's model directories of CNN, normalization and activation layers load into the torch.nn.Sequential their config.json describes, with nabla's outputs", { skip }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-torch-cnn-dir-"));
  manualSeed(22);
  const cnn = new nn.Sequential(
    new nn.Conv2d(1, 4, 3, { padding: 1 }), new nn.BatchNorm2d(4), new nn.GELU(), new nn.Upsample({ scaleFactor: 1.5, mode: "bilinear" }), new nn.MaxPool2d(2, { ceilMode: true }),
    new nn.Upsample({ size: [6, 5] }),
    new nn.GroupNorm(2, 4), new nn.ConvTranspose2d(4, 2, 2, { stride: 2, outputPadding: 1 }), new nn.SiLU(), new nn.AvgPool2d(3, { stride: 2, padding: 1, countIncludePad: false }),
    new nn.Conv2d(2, 4, [1, 3], { padding: "same", groups: 2, paddingMode: "reflect" }), new nn.AdaptiveAvgPool2d([2, 2]), new nn.Flatten(2), new nn.BatchNorm1d(4),
    new nn.Conv1d(4, 3, 2), new nn.LeakyReLU(0.1), new nn.MaxPool1d(2, { stride: 1 }), new nn.AvgPool1d(1), new nn.Flatten(), new nn.LayerNorm(6),
    new nn.Linear(6, 6), new nn.ELU(0.5), new nn.Softplus({ beta: 2 }), new nn.Hardtanh(-1, 1), new nn.Unflatten(1, [2, 3]), new nn.GELU({ approximate: "tanh" }), new nn.Flatten(), new nn.Linear(6, 3),
  );
  cnn.train();
  for (let i = 0; i < 2; i++) cnn.call(randn([4, 1, 7, 7]));
  cnn.eval();
  await io.save(cnn, join(dir, "cnn"), { inputShape: [1, 7, 7] });
  const x = randn([3, 1, 7, 7]);
  const [result] = runPython(dir, [["run-model-dir", join(dir, "cnn"), writeInputs(dir, "x.json", x)]]);
  assertClose(result!.outputs as NestedArray, cnn.call(x).toArray(), 1e-5, 1e-4, "the CNN in PyTorch");
});
