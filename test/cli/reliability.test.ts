// Issue 11 from the user's side of the CLI: a model directory from a stranger is data, data that
// cannot be right is an error (or a warning naming the classes), and a training that diverged is
// reported for every optimizer and never saved as a success.
import { after, before, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { io, nn } from "../../src/index.js";
import { nabla } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-reliability-"));
after(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, text: string) => {
  writeFileSync(join(work, name), text);
  return join(work, name);
};
const moonsLike = (rows: number, label: (i: number) => string) =>
  "a,b,label\n" + Array.from({ length: rows }, (_, i) => `${(i % 7) / 3},${(i % 5) / 2},${label(i)}`).join("\n") + "\n";

describe("nabla on untrusted directories, bad data and diverging runs", { concurrency: 4, skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" }, () => {
  const secretDir = join(work, "elsewhere");
  const stranger = join(work, "stranger", "model");
  before(async () => {
    mkdirSync(secretDir, { recursive: true });
    writeFileSync(join(secretDir, "secret.txt"), "the-secret-first-line\n1,2\n");
    await io.save(new nn.Sequential(new nn.Linear(2, 2)), stranger, { classNames: ["a", "b"], training: { data: "../../elsewhere/secret.txt" } });
  });

  test("eval without --data never reads a file the model directory names", async () => {
    const result = await nabla(["eval", "--model", stranger], { cwd: stranger });
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /give --data: .* was trained on a file .*; eval reads a data file only when you name it with --data/);
    assert.doesNotMatch(result.stderr + result.stdout, /the-secret-first-line/);
  });

  test("a NaN pixel in the data is an error naming the sample and feature; nothing is saved", async () => {
    // float32 IDX images (type 0x0d), 40 images of 2×2, one NaN pixel in image 7
    const images = new DataView(new ArrayBuffer(16 + 40 * 4 * 4));
    [0, 0, 0x0d, 3].forEach((b, i) => images.setUint8(i, b));
    [40, 2, 2].forEach((d, i) => images.setUint32(4 + 4 * i, d));
    for (let i = 0; i < 160; i++) images.setFloat32(16 + 4 * i, i === 6 * 4 + 2 ? NaN : (i * 37) % 255);
    const labels = new Uint8Array(8 + 40);
    labels.set([0, 0, 0x08, 1, 0, 0, 0, 40]);
    for (let i = 0; i < 40; i++) labels[8 + i] = i % 2;
    const idx = join(work, "nan-idx");
    mkdirSync(idx);
    writeFileSync(join(idx, "train-images-idx3-ubyte"), new Uint8Array(images.buffer));
    writeFileSync(join(idx, "train-labels-idx1-ubyte"), labels);
    const out = join(work, "nan-run");
    const result = await nabla(["train", "--data", idx, "--epochs", "2", "--out", out, "--quiet"]);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /sample 7, feature 3 is NaN; data with NaN or infinite values cannot be trained on/);
    assert.equal(existsSync(join(out, "model.safetensors")), false);
  });

  test("labels 255 among 0/1 are named in a warning", async () => {
    const data = file("labels.csv", moonsLike(40, (i) => (i === 3 ? "255" : String(i % 2))));
    const result = await nabla(["train", "--data", data, "--epochs", "1", "--out", join(work, "labels-run"), "--quiet"]);
    assert.match(result.stderr, /warning: .*labels\.csv: label column "label" holds the classes 0, 1, 255; 253 of the classes 0…255 have no samples, but the model gets 256 outputs/);
  });

  for (const [name, args] of [
    ["adam at lr 1e6", ["--optimizer", "adam", "--lr", "1e6"]],
    ["tanh-SGD at lr 1e6", ["--optimizer", "sgd", "--activation", "tanh", "--lr", "1e6"]],
    ["rmsprop at lr 1e6", ["--optimizer", "rmsprop", "--lr", "1e6"]],
  ] as const) {
    test(`${name}: reported as diverged, exit code not 0, no model saved`, async () => {
      const out = join(work, `diverged-${name.replace(/\W+/g, "-")}`);
      const result = await nabla(["train", "--data", "moons", "--samples", "200", "--epochs", "20", "--out", out, "--quiet", ...args]);
      assert.notEqual(result.code, 0, result.stdout);
      assert.match(result.stderr, /training diverged/);
      assert.equal(existsSync(join(out, "model.safetensors")), false);
    });
  }
});
