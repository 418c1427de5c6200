import "../helpers.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import * as ort from "onnxruntime-node";
import { io, tensor } from "../../src/index.js";
import { OUTPUT } from "./browser.js";
import { browserSkip, usePlayground } from "./page-fixture.js";

describe("playground in Chromium: lecture views, URL state, data, export", { skip: browserSkip(), timeout: 120_000 }, () => {
  const { open, finish } = usePlayground();

  test("the backprop view shows −4, −4 and 3 for (x + y) * z at −2, 5, −4, and steps through it", async () => {
    const { page, problems } = await open("view=backprop");
    const grad = (label: string): Promise<string | null> => page.textContent(`#graph g.node[data-label="${label}"] .node-grad`);
    const value = (label: string): Promise<string | null> => page.textContent(`#graph g.node[data-label="${label}"] .node-value`);
    assert.equal(await page.inputValue("#expression"), "(x + y) * z");
    assert.deepEqual([await grad("x"), await grad("y"), await grad("z")], ["∂=−4", "∂=−4", "∂=3"]);
    assert.deepEqual([await value("+"), await value("×")], ["3", "−12"]);
    await page.screenshot({ path: join(OUTPUT, "backprop.png"), fullPage: true });

    await page.click("#graph-reset");
    assert.equal(await value("×"), "");
    for (let i = 0; i < 5; i++) await page.click("#graph-forward");
    assert.equal(await value("×"), "−12");
    assert.equal(await grad("z"), "");
    await page.click("#graph-backward");
    assert.equal(await grad("×"), "∂=1");
    await page.click("#graph-backward");
    assert.equal(await grad("z"), "∂=3");
    assert.equal(await grad("+"), "");
    await page.click("#graph-backward");
    assert.equal(await grad("+"), "∂=−4");

    await page.fill("#expression", "x * x + 1");
    await page.press("#expression", "Enter");
    assert.equal(await grad("x"), "∂=−4", "d(x² + 1)/dx at −2 adds both uses of x");
    assert.match(page.url(), /expr=x\+\*\+x\+%2B\+1/);
    // nabla's expression language: ^ is **, and -x^2 is -(x²) as in Python.
    await page.fill("#expression", "-x^2 / 2");
    await page.press("#expression", "Enter");
    assert.deepEqual([await value("^"), await value("−x"), await grad("x")], ["4", "−4", "∂=2"]);
    await page.fill("#expression", "x * w");
    await page.press("#expression", "Enter");
    assert.match((await page.textContent("#graph-error"))!, /the variable "w" has no value/);

    await page.selectOption("#graph-source", "network");
    await page.waitForSelector('#graph g.node[data-label="W1"]');
    assert.ok((await page.locator('#graph g.node[data-label="W1"]').count()) === 1);
    assert.match(page.url(), /graph=network/);
    // the graph's gradient for the last bias is the network's own: dLoss/db = σ(z) − y for BCE
    const check = (await page.evaluate(`(() => {
      const app = window.playground;
      const x = app.train.x.toTypedArray().slice(0, 2);
      const z = app.logitsFor([Array.from(x)])[0];
      return { expected: 1 / (1 + Math.exp(-z)) - app.train.labels[0] };
    })()`)) as { expected: number };
    const shown = Number((await grad("b3"))!.replace("∂=", "").replace("−", "-"));
    assert.ok(Math.abs(shown - check.expected) < 1e-3, `∂loss/∂b3 shown ${shown}, expected σ(z) − y = ${check.expected}`);
    await finish(page, problems, "backprop-network");
  });

  test("a URL with state restores it, and changes go back into the URL", async () => {
    const hash = "view=softmax&data=kclouds&classes=4&noise=0.35&seed=7&layers=5,3&act=relu&opt=sgd&lr=0.1&features=x1,x2,x1x2&batch=16&reg=l2&regRate=0.01&discretize=1";
    const { page, problems } = await open(hash);
    const values = await Promise.all(["dataset", "classes", "seed", "activation", "optimizer", "lr", "batch", "regularization", "regularization-rate"].map((id) => page.inputValue(`#${id}`)));
    assert.deepEqual(values, ["kclouds", "4", "7", "relu", "sgd", "0.1", "16", "l2", "0.01"]);
    assert.equal(await page.textContent("#layer-count"), "2");
    assert.equal(await page.locator("#network .neuron").count(), 3 + 5 + 3 + 4);
    assert.equal(await page.isChecked("#feature-x1x2"), true);
    assert.equal(await page.isChecked("#discretize"), true);
    assert.equal(await page.getAttribute('#views button[data-view="softmax"]', "class"), "active");
    assert.equal(await page.textContent("#problem"), "4 classes: softmax + cross-entropy");
    assert.equal(await page.locator("#softmax-weights tr").count(), 1 + 4);

    await page.selectOption("#activation", "sigmoid");
    await page.click("#add-layer");
    assert.match(page.url(), /act=sigmoid/);
    assert.match(page.url(), /layers=5%2C3%2C4/);
    await page.reload();
    await page.waitForSelector("#network .neuron", { state: "attached" });
    assert.equal(await page.inputValue("#activation"), "sigmoid");
    assert.equal(await page.textContent("#layer-count"), "3");
    await finish(page, problems, "softmax");
  });

  test("clicking the plane adds a point of the chosen class; a CSV replaces the data", async () => {
    const { page, problems } = await open("data=xor&points=100&train=0.5");
    const trainCount = (): Promise<number> => page.evaluate("window.playground.train.points.length") as Promise<number>;
    assert.equal(await trainCount(), 50);
    await page.selectOption("#paint-class", "1");
    await page.click("#plane", { position: { x: 60, y: 60 } });
    assert.equal(await trainCount(), 51);
    const width = (await page.locator("#plane").boundingBox())!.width;
    const [x, y, label] = /pts=([^&]+)/.exec(decodeURIComponent(page.url()))![1]!.split(",").map(Number);
    const expected = -6 + (12 * 60) / width;
    assert.ok(Math.abs(x! - expected) < 0.05 && Math.abs(y! + expected) < 0.05 && label === 1, `point (${x}, ${y}) of class ${label}; expected (${expected}, ${-expected}) of class 1`);
    await page.reload();
    await page.waitForSelector("#network .neuron", { state: "attached" });
    assert.equal(await trainCount(), 51, "the added point is restored from the URL");

    const csv = "a,b,label\n" + Array.from({ length: 30 }, (_, i) => `${i % 10},${Math.floor(i / 10)},${i % 3}`).join("\n") + "\n";
    await page.setInputFiles("#csv", { name: "three.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.waitForFunction(() => document.querySelector("#problem")!.textContent!.startsWith("3 classes"));
    assert.equal(await page.inputValue("#dataset"), "custom");
    assert.equal(await page.evaluate("window.playground.points.length"), 30);

    // painting on an empty custom plane while running: a new class rebuilds the output layer
    await page.evaluate("location.hash = 'data=custom'");
    await page.waitForFunction(() => (window as unknown as { playground: { points: unknown[] } }).playground.points.length === 0);
    await page.click("#run");
    for (const [label, x, y] of [[0, 80, 80], [1, 300, 300], [2, 80, 300], [2, 90, 290]] as const) {
      await page.selectOption("#paint-class", String(label));
      await page.click("#plane", { position: { x, y } });
    }
    await page.waitForFunction(() => document.querySelector("#problem")!.textContent!.startsWith("3 classes"));
    await page.waitForFunction(() => Number(document.querySelector("#steps-per-second")!.textContent) > 0);
    await page.click("#run");

    await page.setInputFiles("#csv", { name: "bad.csv", mimeType: "text/csv", buffer: Buffer.from("a,b,label\n1,x,0\n") });
    await page.waitForFunction(() => document.querySelector("#data-error")!.textContent !== "");
    assert.match((await page.textContent("#data-error"))!, /line 2, column 2/);
    await finish(page, problems, "custom-data");
  });

  test("the softmax demo overflows naively and not when stable; the Jacobian of Wx is W", async () => {
    const { page, problems } = await open("view=softmax&data=circle&layers=3");
    await page.click("#make-softmax");
    assert.equal(await page.inputValue("#dataset"), "kclouds");
    assert.equal(await page.textContent("#layer-count"), "0");
    assert.match((await page.textContent("#softmax-naive"))!, /NaN/);
    assert.match((await page.textContent("#softmax-stable"))!, /\[1, 0, 0\]/);
    await page.hover("#plane", { position: { x: 100, y: 100 } });
    assert.match((await page.textContent("#softmax-hover"))!, /softmax\(z\) = \[/);

    await page.click('#views button[data-view="jacobian"]');
    const cells = (id: string): Promise<string[]> => page.locator(`#${id} td`).allTextContents();
    assert.deepEqual(await cells("jacobian-weights"), ["1", "2", "3", "4", "5", "6"]);
    assert.deepEqual(await cells("jacobian-result"), await cells("jacobian-weights"));
    assert.deepEqual(await cells("jacobian-output"), ["3", "7", "11"]);
    assert.equal(await page.locator("#jacobian-network-result td").count(), 3 * 2, "the network's 3 logits by 2 inputs");
    await page.fill("#jacobian-w", "2, 0; 1, -3");
    assert.deepEqual(await cells("jacobian-result"), ["2", "0", "1", "−3"]);
    await page.screenshot({ path: join(OUTPUT, "jacobian.png"), fullPage: true });
    await finish(page, problems, "jacobian-edited");
  });

  test("export downloads config.json + model.safetensors that io.load reads back, model.onnx that onnxruntime runs, and a PNG", async () => {
    const { page, problems } = await open("data=moons&layers=6&act=relu&features=x1,x2,x1x2");
    for (let i = 0; i < 3; i++) await page.click("#step");
    const directory = join(OUTPUT, "exported-model");
    mkdirSync(directory, { recursive: true });
    for (const button of ["#export-model", "#export-config"]) {
      const [download] = await Promise.all([page.waitForEvent("download"), page.click(button)]);
      await download.saveAs(join(directory, download.suggestedFilename()));
    }
    const { model, config } = await io.load(directory);
    assert.deepEqual(config.inputShape, [3]);
    assert.deepEqual(config.featureNames, ["x1", "x2", "x1x2"]);
    assert.deepEqual(config.architecture.map((layer) => layer.type), ["linear", "relu", "linear"]);
    assert.equal(config.training!.loss, "bce", "one logit for two classes, as the CLI records it");
    assert.equal(config.training!.layers, "3-6-1");
    // the page's own prediction for three points must match the reloaded model's
    const rows = [[1, 2, 2], [-3, 0.5, -1.5], [0, -4, 0]];
    const inPage = (await page.evaluate(`window.playground.logitsFor(${JSON.stringify(rows)})`)) as number[];
    const reloaded = Array.from(model.call(tensor(rows)).toTypedArray());
    assert.equal(reloaded.length, 3);
    reloaded.forEach((value, i) => assert.ok(Math.abs(value - inPage[i]!) < 1e-5, `row ${i}: ${value} vs ${inPage[i]} in the page`));
    // model.onnx: the same logits in onnxruntime, from the features the page computes
    const [onnx] = await Promise.all([page.waitForEvent("download"), page.click("#export-onnx")]);
    assert.equal(onnx.suggestedFilename(), "model.onnx");
    await onnx.saveAs(join(directory, "model.onnx"));
    const session = await ort.InferenceSession.create(readFileSync(join(directory, "model.onnx")));
    const served = await session.run({ features: new ort.Tensor("float32", Float32Array.from(rows.flat()), [3, 3]) });
    Array.from(served.logits!.data as Float32Array).forEach((value, i) => assert.ok(Math.abs(value - inPage[i]!) < 1e-5, `row ${i}: ${value} in onnxruntime vs ${inPage[i]} in the page`));

    const [png] = await Promise.all([page.waitForEvent("download"), page.click("#export-png")]);
    const pngPath = join(OUTPUT, png.suggestedFilename());
    await png.saveAs(pngPath);
    const bytes = readFileSync(pngPath);
    assert.deepEqual([...bytes.subarray(1, 4)], [0x50, 0x4e, 0x47], "PNG signature");
    assert.equal(bytes.readUInt32BE(16), 480, "PNG width");
    await finish(page, problems, "export");
  });
});
