import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { optim, tensor } from "../../src/index.js";

interface SchedulerCase {
  scheduler: "StepLR" | "CosineAnnealingLR";
  stepSize?: number;
  tMax?: number;
  options: Record<string, number>;
  lrs: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/optim.json", import.meta.url), "utf8")) as { schedulers: SchedulerCase[] };

for (const c of fixture.schedulers) {
  test(`${c.scheduler} ${JSON.stringify(c.options)}: the learning rates PyTorch produces, epoch by epoch`, () => {
    const optimizer = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.5 });
    const scheduler = c.scheduler === "StepLR" ? new optim.StepLR(optimizer, c.stepSize!, c.options) : new optim.CosineAnnealingLR(optimizer, c.tMax!, c.options);
    const lrs = [scheduler.getLastLr()[0]!];
    for (let epoch = 1; epoch < c.lrs.length; epoch++) {
      optimizer.step();
      scheduler.step();
      lrs.push(scheduler.getLastLr()[0]!);
    }
    lrs.forEach((lr, i) => assert.ok(Math.abs(lr - c.lrs[i]!) < 1e-12, `epoch ${i}: ${lr} vs PyTorch ${c.lrs[i]}`));
    assert.equal(optimizer.paramGroups[0]!.lr, lrs[lrs.length - 1]);
  });
}

test("schedulers reject invalid periods", () => {
  const optimizer = new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.5 });
  assert.throws(() => new optim.StepLR(optimizer, 0), /stepSize must be a positive integer/);
  assert.throws(() => new optim.CosineAnnealingLR(optimizer, 0), /tMax must be positive/);
});
