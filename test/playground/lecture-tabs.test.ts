import "../helpers.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { viz } from "../../src/index.js";
import { browserSkip, usePlayground } from "./page-fixture.js";

/** "#1f77b4" as the browser reports a CSS colour. */
function rgb(hex: string): string {
  return `rgb(${[1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16)).join(", ")})`;
}

describe("playground in Chromium: lecture tabs and class colours", { skip: browserSkip(), timeout: 120_000 }, () => {
  const { open, finish } = usePlayground();

  test("a lecture tab sets up its model and trains at a speed where the line visibly turns", async () => {
    const { page, problems } = await open("");
    await page.click('#views button[data-view="logistic"]');
    assert.equal(await page.textContent("#layer-count"), "0");
    assert.equal(await page.inputValue("#dataset"), "clouds");
    assert.equal(await page.inputValue("#speed"), "1");
    assert.match(page.url(), /view=logistic/);
    assert.match(page.url(), /data=clouds/);
    assert.match(page.url(), /speed=1(&|$)/);
    assert.match((await page.textContent("#run"))!, /pause/);
    // the parameters move between frames: the student sees the line turn, not a finished fit
    const first = await page.textContent("#logistic-parameters");
    await page.waitForFunction((before) => document.querySelector("#logistic-parameters")?.textContent !== before, first, { timeout: 5_000 });
    const epochs = Number(await page.textContent("#epoch"));
    assert.ok(epochs < 2000, `after a moment at one step a frame, ${epochs} epochs`);

    await page.click('#views button[data-view="softmax"]');
    assert.equal(await page.inputValue("#dataset"), "kclouds");
    assert.equal(await page.textContent("#layer-count"), "0");
    assert.match(page.url(), /view=softmax/);
    // the tab does nothing more once its model is there: the train tab and back keep it
    await page.click('#views button[data-view="train"]');
    await page.click('#views button[data-view="softmax"]');
    assert.equal(await page.inputValue("#dataset"), "kclouds");
    await finish(page, problems, "lecture-tabs");
  });

  test("class k has nabla's palette colour everywhere: class picker, softmax panel, the CLI's pictures", async () => {
    const { page, problems } = await open("view=softmax&data=clouds&layers=&features=x1,x2");
    const optionColours = await page.$$eval("#paint-class option", (options) => options.map((o) => getComputedStyle(o).color));
    assert.deepEqual(optionColours.slice(0, 2), [rgb(viz.PALETTE[0]!), rgb(viz.PALETTE[1]!)]);
    // two classes: one logit, which is class 1's score, in class 1's colour
    const row = page.locator("#softmax-weights tr th", { hasText: "z (class 1)" });
    assert.equal(await row.evaluate((th) => getComputedStyle(th).color), rgb(viz.PALETTE[1]!));
    await finish(page, problems, "class-colours");
  });
});
