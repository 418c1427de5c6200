// The playground's WebGPU choice in Chromium headless: with Chromium's WebGPU flags (the
// SwiftShader adapter) the selector offers "webgpu", names the adapter beside it, and the
// worker trains on it (at "fastest" and at a set speed) while the page draws on wasm: the loss
// goes down and the boundary moves. Without the flags the option is disabled, saying why, and
// `backend=webgpu` in the URL falls back to wasm with that reason shown.
import "../helpers.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { WEBGPU_FLAGS } from "../browser/chromium-webgpu.js";
import { browserSkip, usePlayground } from "./page-fixture.js";

const SMALL = "data=xor&points=200&features=x1,x2&layers=8,8&act=tanh&opt=adam&lr=0.03&batch=10";

interface Shown {
  label: string;
  option: { disabled: boolean; title: string } | null;
}

async function shown(page: Page): Promise<Shown> {
  return (await page.evaluate(`(() => {
    const option = [...document.querySelectorAll("#backend option")].find((o) => o.value === "webgpu");
    return { label: document.querySelector("#backend-active").textContent, option: option ? { disabled: option.disabled, title: option.title } : null };
  })()`)) as Shown;
}

/** What the page's worker reported and where training stands. */
interface Training {
  inWorker: boolean;
  steps: number;
  workerBackend: string;
  workerAdapter: string;
  trainingBackend: string;
  drawing: string;
}

function training(page: Page): Promise<Training> {
  return page.evaluate(`(() => {
    const app = window.playground;
    return { inWorker: app.trainingInWorker, steps: app.trainer.steps, workerBackend: app.remote.backend, workerAdapter: app.remote.adapter,
      trainingBackend: app.trainingBackend, drawing: app.backendName };
  })()`) as Promise<Training>;
}

function pixels(page: Page): Promise<string> {
  return page.evaluate(`document.querySelector("#plane").toDataURL()`) as Promise<string>;
}

async function stepsPast(page: Page, steps: number): Promise<void> {
  await page.waitForFunction((s) => (window as unknown as { playground: { trainer: { steps: number } } }).playground.trainer.steps >= s, steps, { timeout: 60_000 });
}

describe("playground in Chromium with WebGPU (SwiftShader): training on the GPU in the worker", { skip: browserSkip(), timeout: 240_000 }, () => {
  const { open, finish, number } = usePlayground({ browserArgs: WEBGPU_FLAGS });

  test("the selector offers webgpu and names the adapter; the worker trains on it at fastest: the loss goes down, the boundary moves", async (t) => {
    const { page, problems } = await open(SMALL);
    const before = await shown(page);
    assert.notEqual(before.option, null, "a webgpu option");
    if (before.option!.disabled) return t.skip(`Chromium gave no WebGPU adapter with ${WEBGPU_FLAGS.join(" ")}: ${before.option!.title}`);
    assert.match(before.label, /^\(wasm\)$/, "auto draws and trains on wasm");

    await page.selectOption("#backend", "webgpu");
    const label = (await shown(page)).label;
    assert.match(label, /^\(webgpu: .*swiftshader.* — drawing on wasm\)$/i);
    assert.match(page.url(), /backend=webgpu/);

    const loss = await number(page, "train-loss");
    const plane = await pixels(page);
    await page.click("#run");
    await stepsPast(page, 300);
    const running = await training(page);
    assert.equal(running.inWorker, true, "the worker trains");
    assert.equal(running.workerBackend, "webgpu");
    assert.match(running.workerAdapter, /swiftshader/i);
    assert.equal(running.trainingBackend, "webgpu");
    assert.equal(running.drawing, "wasm", "the page draws on wasm");
    // the label names the adapter the worker's nabla opened
    assert.equal((await shown(page)).label, `(webgpu: ${running.workerAdapter} — drawing on wasm)`);
    await page.waitForFunction((l) => Number(document.querySelector("#train-loss")!.textContent) < 0.8 * l, loss, { timeout: 60_000 }).catch(async () => {
      throw new Error(`the loss did not go down on webgpu: ${loss} → ${await page.textContent("#train-loss")}`);
    });
    assert.notEqual(await pixels(page), plane, "the boundary moved");

    await page.click("#run");
    const paused = (await page.evaluate(`(() => {
      const app = window.playground;
      const first = app.trainer.network.parameters()[0];
      return { inWorker: app.trainingInWorker, steps: app.trainer.steps, adamSteps: app.trainer.optimizer.state.get(first).step };
    })()`)) as { inWorker: boolean; steps: number; adamSteps: number };
    assert.equal(paused.inWorker, false);
    assert.equal(paused.adamSteps, paused.steps, "the GPU's optimizer state came back with the weights");
    // measured on the page, on wasm, with the weights trained on the GPU
    assert.ok((await number(page, "train-loss")) < 0.8 * loss);
    await finish(page, problems, "webgpu-fastest");
  });

  test("at a set speed the worker still trains on webgpu, that many steps per frame", async (t) => {
    const { page, problems } = await open(`${SMALL}&backend=webgpu&speed=5`);
    const label = (await shown(page)).label;
    if (!label.startsWith("(webgpu:")) return t.skip(`no WebGPU adapter: ${label}`);
    await page.click("#run");
    await stepsPast(page, 50);
    const running = await training(page);
    assert.equal(running.inWorker, true);
    assert.equal(running.workerBackend, "webgpu");
    assert.equal(running.steps % 5, 0, "whole frames of 5 steps");
    await page.click("#run");
    await finish(page, problems, "webgpu-speed");
  });

  test("when the worker fails on webgpu (as on a lost device) the page trains on wasm from the last weights, saying why", async (t) => {
    const { page, problems } = await open(`${SMALL}&backend=webgpu`);
    if (!(await shown(page)).label.startsWith("(webgpu:")) return t.skip("no WebGPU adapter");
    await page.click("#run");
    await stepsPast(page, 30);
    // the error message the worker posts when a step or a read on the GPU throws
    const steps = (await page.evaluate(`(() => {
      const remote = window.playground.remote;
      remote.worker.onmessage({ data: { type: "error", session: remote.session, message: "training on webgpu failed at step 7: device lost (simulated)" } });
      return window.playground.trainer.steps;
    })()`)) as number;
    await page.waitForFunction(() => document.querySelector("#backend-active")!.textContent!.startsWith("(wasm: webgpu failed"), null, { timeout: 10_000 });
    assert.equal((await shown(page)).label, "(wasm: webgpu failed, training on wasm: training on webgpu failed at step 7: device lost (simulated))");
    assert.ok(((await page.evaluate("window.playground.trainer.steps")) as number) >= steps, "the page went on from the worker's last snapshot");
    await stepsPast(page, steps + 100);
    const after = await training(page);
    assert.equal(after.inWorker, false, "the page trains itself");
    assert.equal(after.trainingBackend, "wasm");
    await page.click("#run");
    await finish(page, problems, "webgpu-failed");
  });
});

describe("playground in Chromium without WebGPU flags: webgpu is not offered", { skip: browserSkip(), timeout: 240_000 }, () => {
  const { open, finish } = usePlayground();

  test("the option is disabled with the reason; backend=webgpu in the URL falls back to wasm, saying why", async () => {
    const { page, problems } = await open(SMALL);
    const plain = await shown(page);
    assert.deepEqual(plain.option !== null && plain.option.disabled, true, "webgpu offered but disabled");
    assert.match(plain.option!.title, /not available: .*(adapter|WebGPU)/);

    await page.close();
    const again = await open(`${SMALL}&backend=webgpu`);
    const label = (await shown(again.page)).label;
    assert.match(label, /^\(wasm: webgpu unavailable: .+\)$/);
    await again.page.click("#run");
    await stepsPast(again.page, 50);
    assert.equal(((await training(again.page)) as Training).trainingBackend, "wasm");
    await again.page.click("#run");
    assert.deepEqual(problems, []);
    await finish(again.page, again.problems, "webgpu-unavailable");
  });
});
