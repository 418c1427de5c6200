import { test } from "node:test";
import assert from "node:assert/strict";
import "../helpers.js";
import { tensor, viz, type Tensor } from "../../src/index.js";
import { assertRenders } from "./svg-check.js";

/** Node labels (HTML stripped) by id, and edges with their labels, of the DOT viz.expressionGraph writes. */
function parseDot(dot: string): { labels: Map<string, string>; edges: { from: string; to: string; label: string | null }[] } {
  const strip = (html: string) => html.replace(/<br\/>/g, " ").replace(/<[^>]+>/g, "").replace(/&gt;/g, ">").trim();
  const labels = new Map<string, string>();
  const edges: { from: string; to: string; label: string | null }[] = [];
  for (const line of dot.split("\n")) {
    const edge = /^\s*(\w+) -> (\w+) \[(.*)\];$/.exec(line);
    if (edge) {
      const label = /label=<(.*)>/.exec(edge[3]!);
      edges.push({ from: edge[1]!, to: edge[2]!, label: label ? strip(label[1]!) : null });
      continue;
    }
    const node = /^\s*(\w+) \[.*label=<(.*)>\];$/.exec(line);
    if (node) labels.set(node[1]!, strip(node[2]!));
  }
  return { labels, edges };
}

function drawn(expression: string, variables: Record<string, number | Tensor>, options: viz.ExpressionGraphOptions = {}) {
  const evaluation = viz.evaluateExpression(expression, variables);
  evaluation.output.tensor.backward(undefined, { retainGraph: options.expand === true });
  const dot = viz.expressionGraph(evaluation, options);
  const { labels, edges } = parseDot(dot);
  const id = (label: string): string => [...labels].find(([, l]) => l === label)?.[0] ?? assert.fail(`no node "${label}" in ${[...labels.values()].join(" | ")}`);
  return { dot, labels, edges, id, edge: (from: string, to: string) => edges.filter((e) => e.from === id(from) && e.to === id(to)).map((e) => e.label) };
}

test("expressionGraph: the lecture's (x + y) * z names q and f, values on nodes, each edge its gradient", async () => {
  const { dot, edge } = drawn("(x + y) * z", { x: -2, y: 5, z: -4 });
  assert.deepEqual(edge("x -2", "+ → q 3"), ["-4"]);
  assert.deepEqual(edge("y 5", "+ → q 3"), ["-4"]);
  assert.deepEqual(edge("+ → q 3", "× → f -12"), ["-4"]);
  assert.deepEqual(edge("z -4", "× → f -12"), ["3"]);
  await assertRenders(await viz.renderDot(dot));
});

test("expressionGraph: a value used twice has one edge per use, their gradients adding up to its own", () => {
  const { edge } = drawn("x * x + 1", { x: -2 });
  assert.deepEqual(edge("x -2", "× → q 4"), ["-2", "-2"]);
});

test("expressionGraph: softmax and W @ x are one node each; expand shows softmax's primitives", () => {
  const variables = { W: tensorOf([[1, 2], [-1, 0.5], [0, 1]]), x: tensorOf([1, -1]) };
  const user = drawn("f = sum(softmax(W @ x))", variables);
  const ops = [...user.labels.values()].filter((l) => l.includes("→")).map((l) => l.split(" → ")[0]);
  assert.deepEqual(ops, ["@", "softmax", "sum"]);
  const expanded = drawn("f = sum(softmax(W @ x))", { W: tensorOf([[1, 2], [-1, 0.5], [0, 1]]), x: tensorOf([1, -1]) }, { expand: true });
  const primitives = [...expanded.labels.values()].join(" | ");
  assert.match(primitives, /exp/);
  assert.ok(!primitives.includes("softmax"), primitives);
  assert.ok(expanded.labels.size > user.labels.size + 2, primitives);
});

test("expressionGraph: an alias names the node it refers to", () => {
  const { labels } = drawn("q = x + y; f = q", { x: 1, y: 2 });
  assert.ok([...labels.values()].includes("+ → q = f 3"), [...labels.values()].join(" | "));
});

function tensorOf(value: number[] | number[][]): Tensor {
  return tensor(value, { dtype: "float64", requiresGrad: true });
}
