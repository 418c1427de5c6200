/**
 * Type-level tests of the public API with expect-type: real call chains that must compile as a
 * user writes them (`npm run typecheck` checks this file), run once so they are real code too.
 */
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { expectTypeOf } from "expect-type";
import { data, fit, nn, optim, setPrintOptions, tensor, viz, type BackwardOptions, type History, type PrintOptions, type Tensor } from "../../src/index.js";

test("fit's History is viz's History, and viz.lossCurve draws it as it comes", () => {
  const blobs = data.makeBlobs({ nSamples: 40, centers: [[-2, 0], [2, 0]], clusterStd: 0.5, seed: 0 });
  const model = new nn.Sequential(new nn.Linear(2, 2));
  const history = fit(model, blobs, { epochs: 2, loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.5 }) });
  expectTypeOf(history).toEqualTypeOf<History>();
  expectTypeOf<viz.History>().toEqualTypeOf<History>();
  expectTypeOf<History>().toExtend<Parameters<typeof viz.lossCurve>[0]>();
  assert.ok(viz.lossCurve(history).includes("polyline"));
  assert.ok(viz.lossCurve([{ epoch: 1, loss: 0.5 }, { epoch: 2, loss: 0.25 }]).includes("polyline"));
});

test("backward takes a gradient, options, or both; a number is a type error", () => {
  const x = tensor([1, 2], { requiresGrad: true });
  expectTypeOf(x.backward).parameter(0).toEqualTypeOf<Tensor | BackwardOptions | undefined>();
  x.mul(x).sum().backward({ retainGraph: true });
  x.mul(2).backward(tensor([1, 1]), { retainGraph: true });
  // @ts-expect-error a number is neither a gradient nor options
  assert.throws(() => x.sum().backward(1));
});

test("tensors print: String, toString and setPrintOptions are typed", () => {
  const t = tensor([[1.5, 2], [3, 4]]);
  expectTypeOf(t.toString()).toBeString();
  expectTypeOf(setPrintOptions).returns.toEqualTypeOf<PrintOptions>();
  expectTypeOf<{ precision: number; profile: "short" }>().toExtend<Parameters<typeof setPrintOptions>[0]>();
  expectTypeOf(setPrintOptions).parameter(0).toExtend<{ precision?: number; profile?: "default" | "short" | "full" } | undefined>();
  // @ts-expect-error an unknown option is a type error (and a runtime one)
  assert.throws(() => setPrintOptions({ digits: 3 }));
  assert.equal(String(t), t.toString());
});

test("a model's call chain is typed end to end: Sequential → Tensor → number", () => {
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 1));
  const out = model.call(tensor([[1, 2]]));
  expectTypeOf(out).toEqualTypeOf<Tensor>();
  expectTypeOf(out.sum().item()).toBeNumber();
  expectTypeOf(viz.evaluateExpression("x * y", { x: 1, y: 2 }).output.tensor).toEqualTypeOf<Tensor>();
  expectTypeOf(viz.expressionGraph).returns.toBeString();
  assert.deepEqual(out.shape, [1, 1]);
});
