import "../helpers.js";
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserSkip, usePlayground } from "./page-fixture.js";

const LARGEST = "data=spiral&points=500&features=x1,x2&layers=16,16,16,16,16,16&act=tanh&opt=adam&batch=32";

/** The pixels of a canvas, to see it change. */
function pixels(page: Page, selector: string): Promise<string> {
  return page.evaluate(`document.querySelector(${JSON.stringify(selector)}).toDataURL()`) as Promise<string>;
}

async function changes(page: Page, selector: string, what: string): Promise<void> {
  const before = await pixels(page, selector);
  await page.waitForFunction(([s, b]) => (document.querySelector(s!) as HTMLCanvasElement).toDataURL() !== b, [selector, before], { timeout: 15_000 }).catch(() => {
    throw new Error(`${what} did not change while training`);
  });
}

describe("playground in Chromium: training in a worker while the page draws", { skip: browserSkip(), timeout: 180_000 }, () => {
  const { open, finish, distDir } = usePlayground();

  test("the page and the worker load one shared copy of nabla: the worker's entry is small and imports the chunk the page preloads", () => {
    const assets = join(distDir(), "assets");
    const scripts = readdirSync(assets).filter((name) => name.endsWith(".js"));
    // an error message of nabla's that minifying keeps: the file holding it holds the library
    const withNabla = scripts.filter((name) => readFileSync(join(assets, name), "utf8").includes("input must have at least 2 dims"));
    assert.equal(withNabla.length, 1, `nabla is in ${withNabla.join(", ")}`);
    const chunk = withNabla[0]!;
    const worker = readFileSync(join(assets, "training-worker.js"), "utf8");
    assert.ok(worker.length < 20_000, `the worker's entry is ${worker.length} bytes`);
    assert.ok(worker.includes(`from"./${chunk}"`), `the worker imports ${chunk}`);
    assert.ok(readFileSync(join(distDir(), "index.html"), "utf8").includes(`<link rel="modulepreload" crossorigin href="./assets/${chunk}">`), `the page preloads ${chunk}`);
  });

  test("when the worker's script cannot load, fastest trains on the page instead", async () => {
    const { page, problems } = await open("data=clouds&points=100&layers=4&act=tanh&batch=10");
    await page.route("**/training-worker.js", (route) => route.fulfill({ status: 404, body: "not found" }));
    await page.click("#step");
    await page.click("#run");
    await page.waitForFunction(() => (window as unknown as { playground: { trainer: { steps: number } } }).playground.trainer.steps > 50, null, { timeout: 15_000 });
    const state = (await page.evaluate(`(() => {
      const app = window.playground;
      return { inWorker: app.trainingInWorker, failure: app.remote.failure, available: app.remote.available };
    })()`)) as { inWorker: boolean; failure: string; available: boolean };
    assert.equal(state.inWorker, false, "the page trains itself");
    assert.equal(state.available, false);
    assert.notEqual(state.failure, "", "the failure is kept");
    await page.click("#run");
    await finish(page, problems, "worker-missing");
  });

  test("the largest network trains in a worker; the plane, the thumbnails, the links and the counters keep updating", async () => {
    const { page, problems } = await open(LARGEST);
    await page.click("#run");
    await page.waitForFunction(() => (window as unknown as { playground: { trainer: { steps: number } } }).playground.trainer.steps > 100, null, { timeout: 20_000 });
    assert.equal(await page.evaluate("window.playground.trainingInWorker"), true, "fastest trains in the worker");
    await changes(page, "#plane", "the plane");
    await changes(page, "#network canvas.thumbnails", "the neuron thumbnails");
    await changes(page, "#network canvas.links", "the links");
    const epoch = Number(await page.textContent("#epoch"));
    await page.waitForFunction((e) => Number(document.querySelector("#epoch")!.textContent) > e, epoch, { timeout: 15_000 });
    assert.ok(Number(await page.textContent("#steps-per-second")) > 0, "steps/s shown");
    // the worker measures the loss: the numbers and the plot move on
    const loss = await page.textContent("#train-loss");
    await page.waitForFunction((l) => document.querySelector("#train-loss")!.textContent !== l, loss, { timeout: 15_000 });
    await changes(page, "#curves", "the loss plot");

    await page.click("#run");
    // pausing takes the worker's state back: the optimizer's too (Adam has counted every step)
    const paused = (await page.evaluate(`(() => {
      const app = window.playground;
      const first = app.trainer.network.parameters()[0];
      return { inWorker: app.trainingInWorker, steps: app.trainer.steps, adamSteps: app.trainer.optimizer.state.get(first).step, order: app.trainer.order.length, points: app.train.points.length };
    })()`)) as { inWorker: boolean; steps: number; adamSteps: number; order: number; points: number };
    assert.equal(paused.inWorker, false);
    assert.equal(paused.adamSteps, paused.steps, "Adam's step count came back with the weights");
    assert.equal(paused.order, paused.points, "the epoch's order came back");
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate("window.playground.trainer.steps"), paused.steps, "nothing trains once paused");
    // after the pause, the full redraw labels every link with its weight
    const firstWeight = (await page.evaluate("window.playground.trainer.network.linears[0].weight.toTypedArray()[0]")) as number;
    const label = await page.locator("#network svg.links line").first().getAttribute("data-weight");
    assert.equal(Number(label!.replace("−", "-")), Number(firstWeight.toPrecision(4)));
    // and the page's own trainer goes on from there
    await page.click("#step");
    assert.equal(await page.evaluate("window.playground.trainer.steps"), paused.steps + 1);
    assert.equal(await page.evaluate("window.playground.trainer.optimizer.state.get(window.playground.trainer.network.parameters()[0]).step"), paused.steps + 1);
    await finish(page, problems, "worker-largest");
  });

  test("a point added while the worker trains joins its training data; a set speed trains on the page", async () => {
    const { page, problems } = await open("data=clouds&points=100&layers=4&act=tanh&batch=10");
    await page.click("#run");
    await page.waitForFunction(() => (window as unknown as { playground: { trainingInWorker: boolean } }).playground.trainingInWorker);
    const before = (await page.evaluate("window.playground.train.points.length")) as number;
    await page.click("#plane", { position: { x: 240, y: 240 } });
    assert.equal(await page.evaluate("window.playground.train.points.length"), before + 1);
    // a whole epoch later the worker's shuffled order covers the new point too
    const steps = (await page.evaluate("window.playground.trainer.steps")) as number;
    await page.waitForFunction((s) => (window as unknown as { playground: { trainer: { steps: number } } }).playground.trainer.steps > s + 50, steps, { timeout: 15_000 });
    await page.click("#run");
    assert.equal(await page.evaluate("window.playground.trainer.order.length"), before + 1);

    await page.selectOption("#speed", "10");
    await page.click("#run");
    const start = (await page.evaluate("window.playground.trainer.steps")) as number;
    await page.waitForFunction((s) => (window as unknown as { playground: { trainer: { steps: number } } }).playground.trainer.steps >= s + 30, start, { timeout: 15_000 });
    assert.equal(await page.evaluate("window.playground.trainingInWorker"), false, "a set speed trains on the page, a few steps a frame");
    await page.click("#run");
    await finish(page, problems, "worker-point-and-speed");
  });
});
