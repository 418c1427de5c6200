// The browser bundle (`npm run bundle`, dist/browser/nabla.js) imported by a plain HTML page —
// no bundler, no import map — trains the lecture's logistic regression in Chromium, and what
// it trained comes back through io.exportOnnx with the same outputs in onnxruntime.
import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { backendUnderTest } from "../helpers.js";
import { assertClose } from "../helpers.js";
import { nn, tensor } from "../../src/index.js";
import { trainLogisticRegression } from "../../examples/logistic-regression.js";
import { launchBrowser, REPO, serve, skipReason } from "../playground/browser.js";

const skip = backendUnderTest !== "js" ? "the browser test runs once, in the js pass" : (skipReason() ?? false);
if (skip !== false) console.log(`# ${skip}`);

// The lecture's logistic regression (examples/logistic-regression.ts), written against the bundle.
const PAGE = `<!doctype html>
<meta charset="utf-8">
<title>nabla bundle</title>
<link rel="icon" href="data:,">
<script type="module">
  import { backendInfo, data, io, manualSeed, nn, noGrad } from "./nabla.js";
  try {
    manualSeed(0);
    const { x, y } = data.makeBlobs({ nSamples: 200, centers: [[-2, -1], [2, 1]], clusterStd: 1, seed: 0 });
    const target = y.unsqueeze(1);
    const model = new nn.Linear(2, 1);
    const losses = [];
    for (let step = 1; step <= 100; step++) {
      const p = model.call(x).sigmoid();
      const loss = nn.functional.binaryCrossEntropy(p, target);
      model.zeroGrad();
      loss.backward();
      noGrad(() => {
        for (const parameter of model.parameters()) parameter.copy_(parameter.sub(parameter.grad.mul(0.5)));
      });
      losses.push(loss.item());
    }
    const accuracy = noGrad(() => model.call(x).sigmoid().gt(0.5)).eq(target).sum().item() / 200;
    const onnx = io.exportOnnx(new nn.Sequential(model, new nn.Sigmoid()));
    let fileError = null;
    try { await io.saveOnnx(model, "model.onnx"); } catch (error) { fileError = String(error.message); }
    window.result = { losses, accuracy, weight: model.weight.toArray(), bias: model.bias.toArray(), backend: backendInfo().name, onnx: Array.from(onnx), fileError };
  } catch (error) {
    window.result = { error: String(error && error.stack || error) };
  }
</script>`;

interface PageResult {
  losses: number[];
  accuracy: number;
  weight: number[][];
  bias: number[];
  backend: string;
  onnx: number[];
  fileError: string | null;
  error?: string;
}

test("a plain HTML page imports dist/browser/nabla.js and trains the lecture's logistic regression in Chromium", { skip, timeout: 180_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-bundle-"));
  try {
    execFileSync(process.execPath, [join(REPO, "scripts", "bundle-browser.mjs")], { env: { ...process.env, BUNDLE_OUT_DIR: dir }, stdio: "pipe" });
    writeFileSync(join(dir, "index.html"), PAGE);
    const { url, server } = await serve(dir);
    const { context, close } = await launchBrowser();
    try {
      const page = await context.newPage();
      const problems: string[] = [];
      page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
      page.on("console", (message) => void (message.type() === "error" && problems.push(`console error: ${message.text()}`)));
      page.on("request", (request) => void (!request.url().startsWith(url) && !request.url().startsWith("blob:") && !request.url().startsWith("data:") && problems.push(`request: ${request.url()}`)));
      await page.goto(url);
      await page.waitForFunction("window.result !== undefined", undefined, { timeout: 120_000 });
      const result = (await page.evaluate("window.result")) as PageResult;
      assert.equal(result.error, undefined, result.error);
      assert.deepEqual(problems, []);
      assert.ok(result.losses.at(-1)! < result.losses[0]! / 3, `loss ${result.losses[0]} → ${result.losses.at(-1)}`);
      assert.ok(result.accuracy > 0.9, `accuracy ${result.accuracy}`);
      assert.ok(["wasm", "js"].includes(result.backend), result.backend);
      // the same run in Node gives the same parameters (both start from manualSeed(0))
      const { model } = trainLogisticRegression({ steps: 100 });
      assertClose(result.weight, model.weight.toArray(), 1e-4, 1e-4);
      assertClose(result.bias, model.bias!.toArray(), 1e-4, 1e-4);
      // the ONNX the page exported runs in onnxruntime with the page's model's outputs
      const session = await ort.InferenceSession.create(Uint8Array.from(result.onnx));
      const x = tensor([[0.5, -1], [-2, 2], [3, 0.25]]);
      const output = await session.run({ input: new ort.Tensor("float32", x.toTypedArray() as Float32Array, [3, 2]) });
      const pageModel = new nn.Linear(2, 1);
      pageModel.loadStateDict({ weight: tensor(result.weight), bias: tensor(result.bias) });
      assertClose(Array.from(output.output!.data as Float32Array), Array.from(pageModel.call(x).sigmoid().toTypedArray()), 1e-6, 1e-5);
      // file functions say they need Node instead of breaking the bundle
      assert.match(result.fileError ?? "", /writeFileAtomic: needs Node\.js/);
    } finally {
      await close();
      server.close();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
