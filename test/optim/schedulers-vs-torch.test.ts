import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { optim, tensor } from "../../src/index.js";

type AnyOptimizer = optim.Optimizer<optim.BaseOptions, unknown>;
interface SchedulerSpec {
  scheduler: string;
  /** LambdaLR's functions by name, one or one per group (LAMBDAS). */
  lambdas?: string | string[];
  positional?: string[];
  args?: Record<string, unknown>;
  children?: SchedulerSpec[];
  milestones?: number[];
}
interface SchedulerCase extends SchedulerSpec {
  label: string;
  optimizer: { type: "SGD" | "Adam"; groups: number[]; momentum?: number };
  steps: number;
  metrics?: number[];
  lrs: number[][];
  momenta?: number[][];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/lr-schedulers.json", import.meta.url), "utf8")) as { cases: SchedulerCase[] };

function makeOptimizer(spec: SchedulerCase["optimizer"]): AnyOptimizer {
  const groups = spec.groups.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr }));
  if (spec.type === "SGD") return new optim.SGD(groups, { lr: spec.groups[0]!, momentum: spec.momentum ?? 0 }) as unknown as AnyOptimizer;
  return new optim.Adam(groups, { lr: spec.groups[0]!, betas: [0.9, 0.999] }) as unknown as AnyOptimizer;
}

/** LambdaLR's functions by name, as make_lr_scheduler_fixtures.py defines them. */
const LAMBDAS: Record<string, optim.LrLambda> = { warmup: (epoch) => Math.min(1, (epoch + 1) / 4), decay: (epoch) => 0.9 ** epoch };

/** The scheduler the spec describes, its positional arguments first as in PyTorch. */
function makeScheduler(optimizer: AnyOptimizer, spec: SchedulerSpec): optim.LRScheduler | optim.ReduceLROnPlateau {
  const options: Record<string, unknown> = { ...spec.args };
  const positional = (spec.positional ?? []).map((name) => {
    const value = options[name];
    delete options[name];
    return value;
  });
  switch (spec.scheduler) {
    case "LinearLR":
      return new optim.LinearLR(optimizer, options);
    case "ExponentialLR":
      return new optim.ExponentialLR(optimizer, positional[0] as number);
    case "OneCycleLR":
      return new optim.OneCycleLR(optimizer, positional[0] as number | number[], options);
    case "ReduceLROnPlateau":
      return new optim.ReduceLROnPlateau(optimizer, options);
    case "StepLR":
      return new optim.StepLR(optimizer, positional[0] as number, options);
    case "MultiStepLR":
      return new optim.MultiStepLR(optimizer, positional[0] as number[], options);
    case "LambdaLR":
      return new optim.LambdaLR(optimizer, typeof spec.lambdas === "string" ? LAMBDAS[spec.lambdas]! : spec.lambdas!.map((name) => LAMBDAS[name]!));
    case "CosineAnnealingLR":
      return new optim.CosineAnnealingLR(optimizer, positional[0] as number, options);
    case "SequentialLR":
      return new optim.SequentialLR(optimizer, spec.children!.map((child) => makeScheduler(optimizer, child) as optim.LRScheduler), spec.milestones!);
    default:
      throw new Error(`no scheduler ${spec.scheduler}`);
  }
}

function momentumOf(optimizer: AnyOptimizer): number[] {
  return optimizer.paramGroups.map((group) => {
    const fields = group as unknown as { betas?: number[]; momentum?: number };
    return fields.betas !== undefined ? fields.betas[0]! : fields.momentum!;
  });
}

function assertSequence(got: number[][], expected: number[][], what: string): void {
  assert.equal(got.length, expected.length);
  got.forEach((values, step) => values.forEach((v, g) => {
    const e = expected[step]![g]!;
    assert.ok(Math.abs(v - e) <= 1e-12 + 1e-12 * Math.abs(e), `${what} at step ${step}, group ${g}: ${v} vs PyTorch ${e}`);
  }));
}

for (const c of fixture.cases) {
  test(`${c.scheduler} (${c.label}): the learning rates PyTorch sets, step by step`, () => {
    const optimizer = makeOptimizer(c.optimizer);
    const scheduler = makeScheduler(optimizer, c);
    const lrs = [optimizer.paramGroups.map((group) => group.lr)];
    const momenta = [momentumOf(optimizer)];
    for (let step = 0; step < c.steps; step++) {
      optimizer.step();
      if (scheduler instanceof optim.ReduceLROnPlateau) scheduler.step(c.metrics![step]!);
      else scheduler.step();
      lrs.push(optimizer.paramGroups.map((group) => group.lr));
      momenta.push(momentumOf(optimizer));
      assert.deepEqual(scheduler.getLastLr(), lrs[lrs.length - 1]);
    }
    assertSequence(lrs, c.lrs, "lr");
    if (c.momenta !== undefined) assertSequence(momenta, c.momenta, "momentum");
  });
}

const sgd = (): AnyOptimizer => new optim.SGD([tensor([0], { requiresGrad: true })], { lr: 0.5 }) as unknown as AnyOptimizer;

test("ReduceLROnPlateau takes a one-element tensor as the metric", () => {
  const optimizer = sgd();
  const scheduler = new optim.ReduceLROnPlateau(optimizer, { patience: 0 });
  scheduler.step(tensor(1));
  scheduler.step(tensor([2]));
  assert.deepEqual(scheduler.getLastLr(), [0.05]);
  assert.equal(scheduler.best, 1);
});

test("OneCycleLR: stepping past totalSteps is an error, as in PyTorch", () => {
  const scheduler = new optim.OneCycleLR(sgd(), 1, { totalSteps: 3, cycleMomentum: false });
  for (let i = 0; i < 3; i++) scheduler.step();
  assert.throws(() => scheduler.step(), /OneCycleLR: tried to step 5 times; the specified number of total steps is 3/);
});

test("schedulers reject bad arguments with their names", () => {
  const optimizer = sgd();
  assert.throws(() => new optim.LinearLR(optimizer, { startFactor: 0 }), /LinearLR: startFactor must be in \(0, 1\], got 0/);
  assert.throws(() => new optim.LinearLR(optimizer, { endFactor: 1.5 }), /LinearLR: endFactor must be in \[0, 1\], got 1.5/);
  assert.throws(() => new optim.LinearLR(optimizer, { totalIters: 0 }), /LinearLR: totalIters must be a positive integer, got 0/);
  assert.throws(() => new optim.ExponentialLR(optimizer, -1), /ExponentialLR: gamma must be a non-negative number, got -1/);
  assert.throws(() => new optim.OneCycleLR(optimizer, 1), /OneCycleLR: you must define either totalSteps OR \(epochs AND stepsPerEpoch\)/);
  assert.throws(() => new optim.OneCycleLR(optimizer, 1, { totalSteps: 2.5 }), /OneCycleLR: expected a positive integer totalSteps, got 2.5/);
  assert.throws(() => new optim.OneCycleLR(optimizer, 1, { epochs: 2 }), /OneCycleLR: expected a positive integer stepsPerEpoch, got undefined/);
  assert.throws(() => new optim.OneCycleLR(optimizer, 1, { totalSteps: 5, pctStart: 1.2 }), /OneCycleLR: expected pctStart between 0 and 1, got 1.2/);
  assert.throws(() => new optim.OneCycleLR(optimizer, [1, 2], { totalSteps: 5 }), /OneCycleLR: expected 1 values for maxLr, got 2/);
  assert.throws(() => new optim.OneCycleLR(optimizer, 1, { totalSteps: 5, annealStrategy: "step" as "cos" }), /OneCycleLR: annealStrategy must be "cos" or "linear"/);
  assert.throws(() => new optim.ReduceLROnPlateau(optimizer, { factor: 1 }), /ReduceLROnPlateau: factor should be in \[0, 1\), got 1/);
  assert.throws(() => new optim.ReduceLROnPlateau(optimizer, { mode: "up" as "min" }), /ReduceLROnPlateau: mode must be "min" or "max"/);
  assert.throws(() => new optim.ReduceLROnPlateau(optimizer, { thresholdMode: "pct" as "rel" }), /ReduceLROnPlateau: thresholdMode must be "rel" or "abs"/);
  assert.throws(() => new optim.ReduceLROnPlateau(optimizer, { minLr: [0, 0] }), /ReduceLROnPlateau: expected 1 minLr values \(one per parameter group\), got 2/);
  assert.throws(() => new optim.ReduceLROnPlateau(optimizer, { patience: -1 }), /ReduceLROnPlateau: patience must be a non-negative integer, got -1/);
  const first = new optim.ExponentialLR(optimizer, 0.9);
  const other = new optim.ExponentialLR(sgd(), 0.9);
  assert.throws(() => new optim.SequentialLR(optimizer, [first, other], [2]), /SequentialLR: expects all schedulers to belong to the same optimizer, but schedulers\[1\] was made for another one/);
  assert.throws(() => new optim.SequentialLR(optimizer, [first], [2]), /SequentialLR: expects one milestone fewer than schedulers, got 1 schedulers and 1 milestones/);
  assert.throws(() => new optim.SequentialLR(optimizer, [first, new optim.ExponentialLR(optimizer, 0.5), new optim.ExponentialLR(optimizer, 0.5)], [4, 2]), /SequentialLR: milestones must be non-negative integers in increasing order, got \[4, 2\]/);
});

test("types: ReduceLROnPlateau steps with a metric and cannot be sequenced", () => {
  const optimizer = sgd();
  const plateau = new optim.ReduceLROnPlateau(optimizer);
  plateau.step(0.5);
  assert.deepEqual(plateau.getLastLr(), [0.5]);
  if (Math.random() > 2) {
    // never run: these lines exist for the type checker
    // @ts-expect-error ReduceLROnPlateau needs the metric
    plateau.step();
    // @ts-expect-error ReduceLROnPlateau is not an LRScheduler
    new optim.SequentialLR(optimizer, [plateau], []);
  }
});
