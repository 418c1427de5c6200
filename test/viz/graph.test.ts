import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { nn, tensor, viz, type Tensor } from "../../src/index.js";
import { assertRenders } from "./svg-check.js";

interface ParsedDot {
  labels: Map<string, string>;
  edges: { from: string; to: string; label: string | null; dashed: boolean }[];
}

/** Node labels (HTML tags stripped) and labelled edges of the DOT that viz.graph writes. */
function parseDot(dot: string): ParsedDot {
  const strip = (html: string) => html.replace(/<br\/>/g, " ").replace(/<[^>]+>/g, "").replace(/&gt;/g, ">").trim();
  const labels = new Map<string, string>();
  const edges: ParsedDot["edges"] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s*(\w+) -> (\w+) \[(.*)\];$/.exec(line);
    if (edge) {
      const label = /label=<(.*)>/.exec(edge[3]!);
      edges.push({ from: edge[1]!, to: edge[2]!, label: label ? strip(label[1]!) : null, dashed: edge[3]!.includes("dashed") });
      continue;
    }
    const node = /^\s*(\w+) \[.*label=<(.*)>\];$/.exec(line);
    if (node) labels.set(node[1]!, strip(node[2]!));
  }
  return { labels, edges };
}

function lectureExample() {
  const x = tensor(-2, { requiresGrad: true });
  const y = tensor(5, { requiresGrad: true });
  const z = tensor(-4, { requiresGrad: true });
  const q = x.add(y);
  const f = q.mul(z);
  return { x, y, z, q, f };
}

test("lecture example: values on the nodes, gradients on the edges (q = 3, f = −12, −4, −4, 3)", () => {
  const { x, y, z, q, f } = lectureExample();
  viz.retainGrads(f);
  f.backward(undefined, { retainGraph: true });
  const { labels, edges } = parseDot(viz.graph(f, { names: { x, y, z, q, f } }));
  const id = (text: string) => [...labels].find(([, label]) => label === text)?.[0];
  const [ix, iy, iz, iq, iff] = [id("x -2"), id("y 5"), id("z -4"), id("+ → q 3"), id("× → f -12")];
  assert.ok(ix && iy && iz && iq && iff, `labels: ${JSON.stringify([...labels])}`);
  const edgeLabel = (from: string, to: string) => edges.find((e) => e.from === from && e.to === to)?.label;
  assert.equal(edgeLabel(ix, iq), "-4");
  assert.equal(edgeLabel(iy, iq), "-4");
  assert.equal(edgeLabel(iq, iff), "-4");
  assert.equal(edgeLabel(iz, iff), "3");
  assert.equal(edgeLabel(iff, "output"), "1");
  assert.equal(edges.length, 5);
});

test("before backward the graph has values but no gradient labels", () => {
  const { f } = lectureExample();
  const { labels, edges } = parseDot(viz.graph(f));
  assert.ok([...labels.values()].includes("× -12"));
  assert.equal(edges.length, 4);
  assert.ok(edges.every((e) => e.label === null));
});

test("with retainGraph each edge carries its own share: x·x at x = 3 sends 3 along each edge (6 in all)", () => {
  const x = tensor(3, { requiresGrad: true });
  const f = viz.retainGrads(x.mul(x));
  f.backward(undefined, { retainGraph: true });
  const { labels, edges } = parseDot(viz.graph(f, { names: { x } }));
  const fromX = edges.filter((e) => labels.get(e.from) === "x 3");
  assert.deepEqual(fromX.map((e) => e.label), ["3", "3"]);
  assert.equal(x.grad!.item(), 6);
});

test("fan-out into different ops: each edge its own gradient, summing to the leaf's", () => {
  // f = (x + 1) · (2x) at x = 2: through + the gradient is 2x = 4, through ×2 it is (x + 1) · 2 = 6.
  const x = tensor(2, { requiresGrad: true, dtype: "float64" });
  const f = viz.retainGrads(x.add(1).mul(x.mul(2)));
  f.backward(undefined, { retainGraph: true });
  const { labels, edges } = parseDot(viz.graph(f, { names: { x } }));
  const fromX = edges.filter((e) => labels.get(e.from) === "x 2").map((e) => `${labels.get(e.to)!.split(" ")[0]}:${e.label}`).sort();
  assert.deepEqual(fromX, ["+:4", "×:6"]);
  assert.equal(x.grad!.item(), 10);
});

test("without retainGraph, a tensor used twice is one node with two edges, carrying its total gradient", () => {
  const x = tensor(3, { requiresGrad: true });
  const f = x.mul(x);
  f.backward();
  const { labels, edges } = parseDot(viz.graph(f, { names: { x } }));
  assert.equal([...labels.values()].filter((l) => l.startsWith("x ")).length, 1);
  const fromX = edges.filter((e) => labels.get(e.from) === "x 3");
  assert.equal(fromX.length, 2);
  assert.ok(fromX.every((e) => e.label === "6"));
});

test("constants are dashed inputs; large tensors print shape and mean", () => {
  const w = tensor(new Float32Array(64).fill(0.5), { shape: [8, 8], requiresGrad: true });
  const f = w.mul(2).sum();
  const { labels, edges } = parseDot(viz.graph(f, { names: { w } }));
  assert.ok([...labels.values()].includes("w [8×8] mean 0.5"));
  assert.ok(edges.some((e) => e.dashed && labels.get(e.from) === "2"));
});

test("graphTensors walks a 20,000-op chain without recursion", () => {
  let t: Tensor = tensor(0, { requiresGrad: true });
  for (let i = 0; i < 20_000; i++) t = t.add(1);
  assert.equal(viz.graphTensors(t).length, 20_001); // the numbers added are no tensors
});

test("renderDot lays out the graph as SVG with the labels, and toPng rasterises it", async () => {
  const { x, y, z, q, f } = lectureExample();
  viz.retainGrads(f);
  f.backward();
  const svg = await viz.renderDot(viz.graph(f, { names: { x, y, z, q, f } }));
  const text = svg.replace(/&#45;/g, "-");
  for (const label of [">x<", ">-2<", ">-12<", ">3<", ">-4<"]) assert.ok(text.includes(label), label);
  const { width, height } = await assertRenders(svg, 2);
  assert.ok(width > 200 && height > 100, `${width}×${height}`);
});

test("renderDot reports a DOT syntax error with Graphviz's message", async () => {
  await assert.rejects(viz.renderDot("digraph { a -> }"), /renderDot: Graphviz could not lay out the graph: .*syntax error/);
});

test("moduleGraph draws input → layers (with parameter shapes) → output, edges carrying each layer's output size", async () => {
  const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 3));
  const dot = viz.moduleGraph(model, { inputShape: [2], classNames: ["a", "b", "c"] });
  assert.equal(model.training, true);
  assert.match(dot, /layer0 \[label=<<b>0: Linear<\/b><br\/><font point-size="9">weight \[16×2\]<\/font><br\/><font point-size="9">bias \[16\]<\/font>>\];/);
  assert.match(dot, /layer1 \[label=<<b>1: ReLU<\/b>>\];/);
  const edges = [...dot.matchAll(/(\w+) -> (\w+) \[label=" ([\d×]+)"\]/g)].map((m) => `${m[1]}->${m[2]}:${m[3]}`);
  assert.deepEqual(edges, ["input->layer0:2", "layer0->layer1:16", "layer1->layer2:16", "layer2->output:3"]);
  await assertRenders(await viz.renderDot(dot));
});
