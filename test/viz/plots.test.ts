import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { nn, tensor, viz, type Tensor } from "../../src/index.js";
import { assertRenders, assertWellFormedSvg } from "./svg-check.js";

const points = () => ({
  x: tensor([[0, 0], [1, 0], [0, 1], [1, 1]]),
  y: tensor([0, 1, 0, 1]),
});

/** Region rects (inside the crispEdges group): their x span and colour. */
function regions(svg: string): { x0: number; x1: number; fill: string }[] {
  const group = /<g shape-rendering="crispEdges">([\s\S]*?)<\/g>/.exec(svg)![1]!;
  return [...group.matchAll(/<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="[\d.]+" fill="(#\w+)"/g)].map((m) => ({
    x0: Number(m[1]),
    x1: Number(m[1]) + Number(m[2]),
    fill: m[3]!,
  }));
}

test("decisionBoundary colours each region by the predicted class (a known rule: class = x₁ > 0.5)", () => {
  // Logits [0, 10·(x₁ − 0.5)]: class 1 exactly right of x₁ = 0.5.
  const rule = (x: Tensor) => tensor([[0, 0], [10, 0]]).matmul(x.t()).t().sub(tensor([0, 5]));
  const svg = viz.decisionBoundary(rule, points(), { resolution: 40, width: 400, height: 400 });
  assertWellFormedSvg(svg);
  const rects = regions(svg);
  assert.ok(rects.length >= 40, `${rects.length} rects`);
  // Plot x range: [−0.1, 1.1] over pixels [70, 380]; x₁ = 0.5 lies at 225.
  const boundary = 70 + ((0.5 + 0.1) / 1.2) * 310;
  for (const r of rects) {
    if (r.x1 <= boundary + 0.5) assert.equal(r.fill, "#1f77b4", `rect ${r.x0}–${r.x1}`);
    else if (r.x0 >= boundary - 0.5) assert.equal(r.fill, "#ff7f0e", `rect ${r.x0}–${r.x1}`);
    else assert.fail(`a rect ${r.x0}–${r.x1} straddles the boundary at ${boundary}`);
  }
  const circles = [...svg.matchAll(/<circle cx="([\d.]+)" cy="[\d.]+" r="3.2" fill="(#\w+)"/g)];
  assert.deepEqual(circles.map((m) => m[2]), ["#1f77b4", "#ff7f0e", "#1f77b4", "#ff7f0e"]);
});

test("decisionBoundary handles one-logit models (sigmoid) and leaves a module's mode as it was", async () => {
  const model = new nn.Sequential(new nn.Linear(2, 4), new nn.Tanh(), new nn.Dropout(0.5), new nn.Linear(4, 1));
  const svg = viz.decisionBoundary(model, points(), { title: "one logit", classNames: ["no", "yes"] });
  assert.equal(model.training, true);
  assert.ok(svg.includes(">one logit<") && svg.includes(">yes<"));
  await assertRenders(svg);
});

test("decisionBoundary needs points in the plane", () => {
  assert.throws(() => viz.decisionBoundary((x) => x, { x: tensor([[1, 2, 3]]) }), /decisionBoundary: x must have shape \[n,2\].*got \[1,3\]/);
});

test("lossCurve draws one line per metric with one point per epoch, validation dashed", async () => {
  const history = [1, 2, 3, 4].map((epoch) => ({ epoch, loss: 1 / epoch, accuracy: 0.5 + epoch / 10, valLoss: 1.2 / epoch, valAccuracy: 0.45 + epoch / 10 }));
  const svg = viz.lossCurve(history, { title: "curves" });
  const lines = [...svg.matchAll(/<polyline points="([^"]*)"[^>]*?( stroke-dasharray="[^"]*")?\/>/g)];
  assert.equal(lines.length, 4);
  for (const line of lines) assert.equal(line[1]!.split(" ").length, 4);
  assert.equal(lines.filter((line) => line[2] !== undefined).length, 2);
  // Loss falls: the first point is higher on the page (smaller y) than the last.
  const lossPoints = lines[0]![1]!.split(" ").map((p) => Number(p.split(",")[1]));
  assert.ok(lossPoints[0]! < lossPoints[3]!);
  await assertRenders(svg);
});

test("lossCurve accepts one array per metric, skips missing values, and rejects a history without metrics", () => {
  const svg = viz.lossCurve({ loss: [0.9, 0.5, null, 0.2] });
  assert.equal([...svg.matchAll(/<polyline points="([^"]*)"/g)][0]![1]!.split(" ").length, 3);
  assert.throws(() => viz.lossCurve([{ epoch: 1, lr: 0.1 }]), /lossCurve: the history has no "loss" or "accuracy" metrics \(keys: lr\)/);
});

test("lossCurve draws fit()'s History (arrays per metric, empty validation arrays left out)", () => {
  const svg = viz.lossCurve({ loss: [0.7, 0.4, 0.3], accuracy: [0.6, 0.8, 0.9], valLoss: [], valAccuracy: [] });
  assert.equal([...svg.matchAll(/<polyline /g)].length, 2);
  assert.ok(!svg.includes(">validation<"));
});

test("formatNumber keeps four significant digits", () => {
  assert.equal(viz.formatNumber(0.731058578), "0.7311");
  assert.equal(viz.formatNumber(-12), "-12");
  assert.equal(viz.formatNumber(-0), "0");
  assert.equal(viz.formatNumber(123456789), "1.235e+8");
  assert.equal(viz.formatNumber(NaN), "NaN");
});
