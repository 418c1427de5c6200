import "../helpers.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { join } from "node:path";
import { OUTPUT } from "./browser.js";
import { browserSkip, usePlayground } from "./page-fixture.js";

describe("playground in Chromium: training", { skip: browserSkip(), timeout: 120_000 }, () => {
  const { open, finish, number } = usePlayground();

  test("loads with no console errors or network requests and shows every view", async () => {
    const { page, problems } = await open();
    assert.equal(await page.textContent("#problem"), "2 classes: sigmoid + binary cross-entropy");
    assert.equal(await page.textContent("#backend-active"), "(wasm)", "nabla picks its WASM backend in Chromium");
    assert.equal(await page.locator("#network .neuron").count(), 2 + 4 + 2 + 1);
    await page.screenshot({ path: join(OUTPUT, "train.png"), fullPage: true });
    const picture = (): Promise<string> => page.evaluate("document.querySelector('#plane').toDataURL()") as Promise<string>;
    const boundary = await picture();
    await page.hover("#network .neuron >> nth=3");
    await page.waitForFunction((before) => (document.querySelector("#plane") as HTMLCanvasElement).toDataURL() !== before, boundary);
    await page.mouse.move(0, 0);
    await page.waitForFunction((before) => (document.querySelector("#plane") as HTMLCanvasElement).toDataURL() === before, boundary);
    const weights = await page.locator("#network svg.links line").evaluateAll((lines) => lines.map((line) => line.getAttribute("data-weight")));
    assert.equal(weights.length, 2 * 4 + 4 * 2 + 2 * 1, "a link per weight");
    const firstLayer = (await page.evaluate("Array.from(window.playground.trainer.network.linears[0].weight.toTypedArray())")) as number[];
    assert.deepEqual(weights.slice(0, 8).map((w) => Number(w!.replace("−", "-"))), firstLayer.map((w) => Number(w.toPrecision(4))));
    for (const view of ["logistic", "softmax", "jacobian", "backprop"]) {
      await page.click(`#views button[data-view="${view}"]`);
      assert.match(page.url(), new RegExp(`view=${view}`));
    }
    await finish(page, problems, "views-visited");
  });

  test("training on two clouds lowers the loss and reaches accuracy ≥ 0.95 within seconds", async () => {
    const { page, problems } = await open("data=clouds&noise=0.2&layers=4,2&act=tanh&opt=adam&lr=0.03");
    const startLoss = await number(page, "train-loss");
    const started = Date.now();
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#train-accuracy")!.textContent) >= 0.95, null, { timeout: 10_000 });
    await page.waitForFunction((start) => Number(document.querySelector("#train-loss")!.textContent) < start / 2, startLoss, { timeout: 10_000 });
    await page.waitForFunction(() => Number(document.querySelector("#test-accuracy")!.textContent) >= 0.9, null, { timeout: 10_000 });
    await page.click("#run");
    console.log(`# two clouds: accuracy ≥ 0.95 and loss below half of ${startLoss} after ${((Date.now() - started) / 1000).toFixed(1)} s`);
    assert.ok((await number(page, "epoch")) > 0);
    await finish(page, problems, "two-clouds-trained");
  });

  test("training also works on the pure-TypeScript backend", async () => {
    const { page, problems } = await open("data=clouds&backend=js&layers=4&act=relu");
    assert.equal(await page.textContent("#backend-active"), "(js)");
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#train-accuracy")!.textContent) >= 0.95, null, { timeout: 10_000 });
    await page.click("#run");
    await page.selectOption("#backend", "auto");
    assert.equal(await page.textContent("#backend-active"), "(wasm)", "auto goes back to nabla's first choice");
    assert.equal(await number(page, "epoch"), 0, "switching backend rebuilds data and network on it");
    await finish(page, problems, "backend-js");
  });

  test("every optimizer trains; L1 and L2 regularisation shrink the weights", async () => {
    const { page, problems } = await open("data=clouds&layers=6&act=tanh");
    // deterministic: the same seed and steps for each setting, run inside the page
    const run = async (hash: string): Promise<{ accuracy: number; size: number; optimizer: string; regularization: string }> => {
      const full = `data=clouds&layers=6&act=tanh&seed=3&${hash}`;
      await page.evaluate(`new Promise((resolve) => {
        window.addEventListener("hashchange", () => setTimeout(resolve, 0), { once: true });
        location.hash = ${JSON.stringify(full)};
      })`);
      return (await page.evaluate(`(() => {
        const app = window.playground;
        for (let i = 0; i < 300; i++) app.trainer.step();
        const size = app.trainer.network.weights().reduce((sum, w) => sum + w.abs().sum().item(), 0);
        const { optimizer, regularization } = app.trainer.config;
        return { accuracy: app.trainer.evaluate(app.train).accuracy, size, optimizer, regularization };
      })()`)) as { accuracy: number; size: number; optimizer: string; regularization: string };
    };
    for (const optimizer of ["sgd", "momentum", "adam"]) {
      const result = await run(`opt=${optimizer}&lr=0.03`);
      assert.equal(result.optimizer, optimizer);
      assert.ok(result.accuracy >= 0.95, `${optimizer}: accuracy ${result.accuracy}`);
    }
    const plain = await run("opt=sgd&lr=0.1&reg=none");
    const l1 = await run("opt=sgd&lr=0.1&reg=l1&regRate=0.03");
    const l2 = await run("opt=sgd&lr=0.1&reg=l2&regRate=0.03");
    assert.deepEqual([plain.regularization, l1.regularization, l2.regularization], ["none", "l1", "l2"]);
    assert.ok(l1.size < 0.8 * plain.size && l2.size < 0.8 * plain.size, `Σ|w|: none ${plain.size}, L1 ${l1.size}, L2 ${l2.size}`);
    await finish(page, problems, "optimizers");
  });

  test("fits a phone screen", async () => {
    const { page, problems } = await open("data=moons&layers=8,8");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.waitForTimeout(100);
    assert.ok((await page.evaluate("document.documentElement.scrollWidth")) as number <= 390, "no sideways scrolling of the page");
    await page.tap("#run").catch(() => page.click("#run"));
    await page.waitForFunction(() => Number(document.querySelector("#epoch")!.textContent) > 1);
    await finish(page, problems, "phone");
  });

  test("a spiral defeats a network without hidden layers; two hidden layers learn it", async () => {
    const linear = await open("data=spiral&noise=0&features=x1,x2&layers=&act=tanh&opt=adam&lr=0.01&batch=32");
    await linear.page.click("#run");
    await linear.page.waitForFunction(() => Number(document.querySelector("#epoch")!.textContent) >= 100, null, { timeout: 15_000 });
    const linearAccuracy = await number(linear.page, "train-accuracy");
    assert.ok(linearAccuracy < 0.7, `no hidden layer reached ${linearAccuracy}`);
    await finish(linear.page, linear.problems, "spiral-no-hidden");

    const deep = await open("data=spiral&noise=0&features=x1,x2&layers=8,8&act=tanh&opt=adam&lr=0.01&batch=32");
    await deep.page.click("#run");
    await deep.page.waitForFunction(() => Number(document.querySelector("#train-accuracy")!.textContent) >= 0.85, null, { timeout: 30_000 });
    await deep.page.click("#run");
    await finish(deep.page, deep.problems, "spiral-two-hidden");
  });

  test("logistic regression shows w1, w2, b converging on two clouds", async () => {
    const { page, problems } = await open("view=logistic&data=moons&layers=4&features=x1,x2,x1sq");
    await page.click("#make-logistic");
    assert.equal(await page.textContent("#layer-count"), "0");
    assert.equal(await page.locator("#make-logistic").count(), 0);
    await page.selectOption("#dataset", "clouds");
    const before = await page.textContent("#logistic-parameters");
    await page.click("#run");
    await page.waitForFunction(() => Number(document.querySelector("#train-accuracy")!.textContent) >= 0.95, null, { timeout: 10_000 });
    await page.click("#run");
    assert.notEqual(await page.textContent("#logistic-parameters"), before);
    // the clouds sit around (2.2, 2.2) (class 0) and (−2.2, −2.2) (class 1): the line must put
    // them on its negative and positive side
    const read = async (id: string): Promise<number> => Number((await page.textContent(`#${id}`))!.replace("−", "-"));
    const [w1, w2, b] = [await read("w1"), await read("w2"), await read("bias")];
    assert.ok(2.2 * w1 + 2.2 * w2 + b < 0 && -2.2 * w1 - 2.2 * w2 + b > 0, `w = (${w1}, ${w2}), b = ${b}`);
    await finish(page, problems, "logistic");
  });

  test("the page is cross-origin isolated, so the WASM backend multiplies on Web Workers too", async () => {
    const { page, problems } = await open();
    assert.equal(await page.evaluate("crossOriginIsolated"), true, "served with COOP/COEP, the page has SharedArrayBuffer");
    const result = (await page.evaluate(`(async () => {
      const { tensor, backendInfo } = window.nabla;
      const n = 256; // 2²⁴ multiply-adds: big enough to split
      const a = Float32Array.from({ length: n * n }, (_, i) => Math.sin(i));
      const b = Float32Array.from({ length: n * n }, (_, i) => Math.cos(i));
      const [ta, tb] = [tensor(a, { shape: [n, n] }), tensor(b, { shape: [n, n] })];
      ta.matmul(tb); // starts the workers, which run once the event loop turns
      for (let i = 0; i < 200 && backendInfo().threads < navigator.hardwareConcurrency; i++) await new Promise((r) => setTimeout(r, 25));
      const threads = backendInfo().threads;
      const c = ta.matmul(tb).toTypedArray();
      let worst = 0;
      for (let i = 0; i < n; i += 5) for (let j = 0; j < n; j += 7) {
        let s = 0;
        for (let p = 0; p < n; p++) s += a[i * n + p] * b[p * n + j];
        worst = Math.max(worst, Math.abs(c[i * n + j] - s));
      }
      return { threads, cores: navigator.hardwareConcurrency, name: backendInfo().name, worst };
    })()`)) as { threads: number; cores: number; name: string; worst: number };
    console.log(`# browser: ${result.threads} threads on ${result.cores} cores, largest error ${result.worst}`);
    assert.equal(result.name, "wasm");
    assert.equal(result.threads, Math.min(result.cores, 32), "one Web Worker per further core has started");
    assert.ok(result.threads >= 2 || result.cores === 1, "this machine has more than one core");
    assert.ok(result.worst < 1e-3, `product error ${result.worst}`);
    await finish(page, problems, "web-workers");
  });
});
