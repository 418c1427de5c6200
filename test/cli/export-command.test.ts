// `nabla export --format onnx`: the file runs in onnxruntime on raw features with the model's outputs.
import { after, describe, test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { assertClose, backendUnderTest } from "../helpers.js";
import { io, nn, randn, manualSeed, tensor } from "../../src/index.js";
import { nabla } from "./run-nabla.js";

const work = mkdtempSync(join(tmpdir(), "nabla-cli-export-"));
after(() => rmSync(work, { recursive: true, force: true }));

describe("nabla export", { skip: backendUnderTest !== "js" && "the CLI runs on the default backend; tested in the js pass" }, () => {
  test("writes ONNX that reads raw features: the standardisation is folded into the first layer", async () => {
    manualSeed(8);
    const model = new nn.Sequential(new nn.Linear(3, 5), new nn.Tanh(), new nn.Linear(5, 2));
    const normalization = { mean: [1, -2, 0.5], std: [2, 0.5, 4] };
    const dir = join(work, "standardised");
    await io.save(model, dir, { classNames: ["a", "b"], normalization });
    const out = join(work, "standardised.onnx");
    const run = await nabla(["export", "--model", dir, "--format", "onnx", "--out", out, "--input-name", "features"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^wrote .*standardised\.onnx \(\d+ bytes\): ONNX opset 17, input "features" \[batch, 3\] float32, output "output"\nthe standardisation from config\.json is folded into the first layer: feed raw features\n$/);
    const x = randn([6, 3]).mul(3);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const result = await session.run({ features: new ort.Tensor("float32", x.toTypedArray() as Float32Array, [6, 3]) });
    const expected = model.eval().call(x.sub(tensor(normalization.mean)).div(tensor(normalization.std)));
    assertClose(Array.from(result.output!.data as Float32Array), Array.from(expected.toTypedArray()), 1e-5, 1e-5);
  });

  test("--batch-size fixes the batch; a model without standardisation is exported as it is", async () => {
    const dir = join(work, "plain");
    await io.save(new nn.Sequential(new nn.Linear(2, 2), new nn.Softmax(1)), dir, { classNames: ["a", "b"] });
    const out = join(work, "plain.onnx");
    const run = await nabla(["export", "--model", dir, "--out", out, "--batch-size", "1", "--opset", "18"]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /ONNX opset 18, input "input" \[1, 2\] float32/);
    const { model, inputShape, opset } = await io.loadOnnx(out);
    assert.deepEqual([inputShape, opset, model.length], [[2], 18, 2]);
  });

  test("bad input: one line naming the problem, no file written", async () => {
    const flat = join(work, "flat");
    await io.save(new nn.Sequential(new nn.Flatten(), new nn.Linear(4, 2)), flat, { inputShape: [2, 2], classNames: ["a", "b"], normalization: { mean: [0, 0, 0, 0], std: [1, 1, 1, 1] } });
    const cases: [string[], RegExp][] = [
      [["export", "--model", join(work, "missing"), "--out", join(work, "x.onnx")], /^nabla export: io\.load: model directory .*missing does not exist\n$/],
      [["export", "--model", flat, "--out", join(work, "x.onnx")], /^nabla export: .*flat: the standardisation in config\.json can only be folded into a first Linear layer of 4 inputs, but the first layer is Flatten\(startDim=1, endDim=-1\)\n$/],
      [["export", "--model", flat, "--format", "tflite", "--out", join(work, "x.onnx")], /argument 'tflite' is invalid\. Allowed choices are onnx\./],
      [["export", "--model", flat, "--out", join(work, "x.onnx"), "--opset", "13"], /^nabla export: --opset must be an integer ≥ 17, got 13\n$/],
    ];
    const runs = await Promise.all(cases.map(([args]) => nabla(args)));
    runs.forEach((run, i) => {
      assert.notEqual(run.code, 0, cases[i]![0].join(" "));
      assert.match(run.stderr, cases[i]![1]);
    });
    assert.equal(existsSync(join(work, "x.onnx")), false);
  });
});
