// `nabla train --model cnn` on a tiny subset of Fashion-MNIST (the first 192 training and 64 test
// images of the Debian files, copied into a temporary IDX directory), then info, eval and export on
// the model directory it writes; and the errors of the CNN preset and its data.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { backendUnderTest } from "../helpers.js";
import { io, noGrad, tensor } from "../../src/index.js";
import { nabla } from "./run-nabla.js";

const FASHION = "/usr/share/datasets/fashion-mnist";
const work = mkdtempSync(join(tmpdir(), "nabla-cli-cnn-"));
after(() => rmSync(work, { recursive: true, force: true }));

/** The first `count` items of an IDX file (header kept, the count rewritten). */
function idxHead(bytes: Uint8Array, count: number): Uint8Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const dims = bytes[3]!;
  const item = Array.from({ length: dims - 1 }, (_, i) => view.getUint32(8 + 4 * i)).reduce((a, b) => a * b, 1);
  const header = 4 + 4 * dims;
  const out = bytes.slice(0, header + count * item);
  new DataView(out.buffer).setUint32(4, count);
  return out;
}

function tinyFashion(): string {
  const dir = join(work, "fashion-tiny");
  mkdirSync(dir);
  for (const [split, count] of [["train", 192], ["t10k", 64]] as const) {
    for (const kind of ["images-idx3", "labels-idx1"]) {
      const name = `${split}-${kind}-ubyte`;
      writeFileSync(join(dir, name), idxHead(gunzipSync(readFileSync(join(FASHION, `${name}.gz`))), count));
    }
  }
  return dir;
}

const skip = backendUnderTest !== "js" ? "the CLI runs on the default backend; tested in the js pass" : !existsSync(join(FASHION, "train-images-idx3-ubyte.gz")) ? `no Fashion-MNIST in ${FASHION} (Debian package dataset-fashion-mnist)` : false;
if (skip !== false && backendUnderTest === "js") console.log(`# ${skip}`);

describe("nabla train --model cnn on Fashion-MNIST images, then info, eval and export", { skip, concurrency: 1 }, () => {
  const out = join(work, "cnn");
  let dir = "";
  let trained: { code: number; stdout: string; stderr: string };
  before(async () => {
    dir = tinyFashion();
    trained = await nabla(["train", "--data", `fashion-mnist:${dir}`, "--model", "cnn", "--epochs", "3", "--batch-size", "32", "--val-split", "0.25", "--seed", "3", "--out", out]);
  });

  test("train learns the images with W5's network: the training loss falls epoch by epoch; config.json describes the CNN", async () => {
    assert.equal(trained.code, 0, trained.stderr);
    assert.match(trained.stderr, /^data: train-images-idx3-ubyte \(192 images of 28×28, 10 classes\)$/m);
    assert.match(trained.stdout, /3 epochs in [\d.]+ s · 215370 parameters · cnn conv5×5 1→16→32, maxpool, 128→10 · adam lr 0\.001/);
    const metrics = JSON.parse(readFileSync(join(out, "metrics.json"), "utf8")) as { history: { loss: number }[] };
    const losses = metrics.history.map((line) => line.loss);
    assert.ok(losses[2]! < losses[0]!, `training loss falls: ${losses.join(", ")}`);
    const { model, config } = await io.load(out);
    assert.deepEqual(config.inputShape, [1, 28, 28]);
    assert.deepEqual(config.architecture.map((layer) => layer.type), ["conv2d", "relu", "maxPool2d", "conv2d", "relu", "maxPool2d", "flatten", "linear", "relu", "linear"]);
    assert.equal(config.classNames![0], "T-shirt/top");
    assert.equal(config.training!.data, `fashion-mnist:${dir}`);
    assert.equal(config.training!.model, "cnn");
    const logits = noGrad(() => model.call(tensor(new Float32Array(2 * 784), { shape: [2, 1, 28, 28] })));
    assert.deepEqual(logits.shape, [2, 10]);
    assert.match(trained.stdout, new RegExp(`next: nabla eval --model ${out} --data fashion-mnist:${dir}`));
  });

  test("info prints the CNN's layers and input shape", async () => {
    const info = await nabla(["info", "--model", out]);
    assert.equal(info.code, 0, info.stderr);
    assert.match(info.stdout, /^architecture: conv2d\(16\) relu maxPool2d conv2d\(32\) relu maxPool2d flatten linear\(128\) relu linear\(10\) \(215370 parameters, float32/m);
    assert.match(info.stdout, /\(0\): Conv2d\(1, 16, kernelSize=\[5,5\], stride=\[1,1\], padding=\[2,2\]\)/);
    assert.match(info.stdout, /^input shape: {2}\[1, 28, 28\]$/m);
    assert.match(info.stdout, /^ {2}model {7}cnn$/m);
  });

  test("eval scores the t10k images (a held-out set, not flagged as the training file); the plain IDX directory works too", async () => {
    const result = await nabla(["eval", "--model", out, "--data", `fashion-mnist:${dir}`, "--json"]);
    assert.equal(result.code, 0, result.stderr);
    const report = JSON.parse(result.stdout) as { accuracy: number; total: number; loss: number; trainingData: boolean };
    assert.equal(report.total, 64);
    assert.equal(report.trainingData, false);
    assert.ok(Number.isFinite(report.loss) && report.accuracy >= 0 && report.accuracy <= 1);
    const text = await nabla(["eval", "--model", out, "--data", dir]);
    assert.equal(text.code, 0, text.stderr);
    assert.doesNotMatch(text.stdout, /note: {2}the file the model was trained on/);
    assert.match(text.stdout, new RegExp(`accuracy ${report.accuracy.toFixed(4)} \\(\\d+/64\\)`));
    assert.match(text.stdout, /^data: {2}t10k-images-idx3-ubyte \(64 images of 28×28, 10 classes\)$/m);
  });

  test("predict reads rows of 784 pixels and gives the library's classes for the images", async () => {
    const { model } = await io.load(out);
    const pixels = Array.from({ length: 2 }, (_, r) => Array.from({ length: 784 }, (_, i) => ((i * (r + 3)) % 17) / 16));
    const csv = [Array.from({ length: 784 }, (_, i) => `p${i}`).join(","), ...pixels.map((row) => row.join(","))].join("\n") + "\n";
    const result = await nabla(["predict", "--model", out, "--input", "-", "--json"], { input: csv });
    assert.equal(result.code, 0, result.stderr);
    const rows = JSON.parse(result.stdout) as { classIndex: number }[];
    const logits = noGrad(() => model.call(tensor(pixels.flat(), { shape: [2, 1, 28, 28] })));
    assert.deepEqual(rows.map((row) => row.classIndex), (logits.argmax(1).toArray() as number[]));
  });

  test("export writes the CNN as ONNX with the image input shape", async () => {
    const onnx = join(work, "cnn.onnx");
    const result = await nabla(["export", "--model", out, "--format", "onnx", "--out", onnx]);
    assert.equal(result.code, 0, result.stderr);
    assert.match(result.stdout, /input "input" \[batch, 1, 28, 28\] float32/);
    assert.deepEqual(io.importOnnx(readFileSync(onnx)).inputShape, [1, 28, 28]);
  });
});

describe("the CNN preset's errors", { skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass", concurrency: 4 }, () => {
  const cases: [string, string[], RegExp][] = [
    ["points are not images", ["train", "--data", "moons", "--model", "cnn"], /^nabla train: --model cnn needs images \(an IDX directory such as --data fashion-mnist:DIR\); moons has 2 features per sample$/m],
    ["an MLP option", ["train", "--data", "moons", "--model", "cnn", "--hidden", "8"], /^nabla train: --hidden applies to --model mlp; --model cnn is W5's fixed network/m],
    ["an unknown preset", ["train", "--model", "resnet"], /^nabla train: --model must be one of mlp, cnn, got "resnet"$/m],
    ["a missing directory", ["train", "--data", "fashion-mnist:/nonexistent/fashion", "--model", "cnn"], /^nabla train: --data fashion-mnist:\/nonexistent\/fashion: \/nonexistent\/fashion is not a directory$/m],
    ["mnist without a directory", ["train", "--data", "mnist"], /^nabla train: --data mnist needs a directory: --data mnist:DIR/m],
  ];
  for (const [name, args, pattern] of cases) {
    test(name, async () => {
      const result = await nabla([...args, "--out", join(work, `bad-${name.replaceAll(" ", "-")}`)]);
      assert.equal(result.code, 1, result.stdout);
      assert.match(result.stderr, pattern);
    });
  }

  test("info on a CNN model directory whose config.json is corrupt names the file and the field", async () => {
    const dir = join(work, "corrupt");
    mkdirSync(dir);
    const architecture = [{ type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, strides: 2 }, { type: "flatten" }, { type: "linear", inFeatures: 72, outFeatures: 2 }];
    writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture, inputShape: [1, 8, 8] }));
    writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({}));
    const typo = await nabla(["info", "--model", dir]);
    assert.equal(typo.code, 1);
    assert.match(typo.stderr, /config\.json: architecture\[0\] \(conv2d\)\.strides: is not a field of conv2d/);
    architecture[0] = { type: "conv2d", inChannels: 1, outChannels: 2, kernelSize: 3, strides: 2 };
    delete (architecture[0] as { strides?: number }).strides;
    architecture[2] = { type: "linear", inFeatures: 50, outFeatures: 2 };
    writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture, inputShape: [1, 8, 8] }));
    const shapes = await nabla(["info", "--model", dir]);
    assert.equal(shapes.code, 1);
    assert.match(shapes.stderr, /architecture\[2\] \(Linear\(50, 2\)\) does not fit its input: expects 50 input features in the last dim, got a sample of shape \[72\]/);
  });
});
