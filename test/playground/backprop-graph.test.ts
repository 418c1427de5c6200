import "../helpers.js";
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Page } from "playwright-core";
import { browserSkip, usePlayground } from "./page-fixture.js";

interface Box {
  what: string;
  left: number;
  top: number;
  right: number;
  bottom: number;
}

interface Picture {
  nodes: Box[];
  texts: (Box & { text: string; node: number })[];
  edgeLabels: (Box & { text: string })[];
  svg: Box;
}

/** The laid-out graph's node shapes, node texts and edge labels, as boxes on the screen. */
async function picture(page: Page): Promise<Picture> {
  // a string, not a function: the test runner's compiler would add helpers the page lacks
  return page.evaluate(`(() => {
    const box = (element, what) => {
      const r = element.getBoundingClientRect();
      return { what, left: r.left, top: r.top, right: r.right, bottom: r.bottom };
    };
    const groups = Array.from(document.querySelectorAll("#graph g.node"));
    const nodes = groups.map((g) => box(g.querySelector("path, ellipse, polygon"), g.getAttribute("data-name")));
    const texts = groups.flatMap((g, node) => Array.from(g.querySelectorAll("text")).map((t) => ({ ...box(t, g.getAttribute("data-name") + ": " + t.textContent), text: t.textContent, node })));
    const edgeLabels = Array.from(document.querySelectorAll("#graph .edge-grad")).filter((t) => t.textContent !== "").map((t) => ({ ...box(t, "edge label " + t.textContent), text: t.textContent }));
    return { nodes, texts, edgeLabels, svg: box(document.querySelector("#graph svg"), "svg") };
  })()`);
}

const overlap = (a: Box, b: Box, slack = 0.5): boolean => a.left < b.right - slack && b.left < a.right - slack && a.top < b.bottom - slack && b.top < a.bottom - slack;
const inside = (inner: Box, outer: Box, slack = 1): boolean => inner.left >= outer.left - slack && inner.right <= outer.right + slack && inner.top >= outer.top - slack && inner.bottom <= outer.bottom + slack;

/** No two node boxes overlap; every node's text is shown, legible and inside its box; edge labels hide nothing. */
function assertReadable(shot: Picture, expression: string): void {
  assert.ok(shot.nodes.length >= 3, `${expression}: ${shot.nodes.length} nodes`);
  for (let i = 0; i < shot.nodes.length; i++) {
    for (let j = i + 1; j < shot.nodes.length; j++) assert.ok(!overlap(shot.nodes[i]!, shot.nodes[j]!), `${expression}: ${shot.nodes[i]!.what} overlaps ${shot.nodes[j]!.what}`);
  }
  for (const text of shot.texts) {
    assert.notEqual(text.text.trim(), "", `${expression}: an empty text in ${text.what}`);
    assert.ok(text.bottom - text.top >= 12, `${expression}: ${text.what} is ${text.bottom - text.top}px tall`);
    assert.ok(inside(text, shot.nodes[text.node]!), `${expression}: ${text.what} sticks out of its node`);
    assert.ok(inside(text, shot.svg), `${expression}: ${text.what} is outside the picture`);
  }
  for (const label of shot.edgeLabels) {
    assert.ok(inside(label, shot.svg), `${expression}: ${label.what} is outside the picture`);
    for (const node of shot.nodes) assert.ok(!overlap(label, node, 1), `${expression}: ${label.what} covers node ${node.what}`);
    for (const other of shot.edgeLabels) if (other !== label) assert.ok(!overlap(label, other, 1), `${expression}: ${label.what} overlaps ${other.what}`);
  }
}

describe("playground in Chromium: the backprop graph", { skip: browserSkip(), timeout: 180_000 }, () => {
  const { open, finish } = usePlayground();

  /** Types an expression and its values, and waits for Graphviz's new layout. */
  async function show(page: Page, expression: string, variables: string): Promise<void> {
    if ((await page.inputValue("#expression")) === expression && (await page.inputValue("#variables")) === variables) return;
    const before = await page.getAttribute("#graph", "data-ready");
    await page.fill("#variables", variables);
    await page.fill("#expression", expression);
    await page.press("#expression", "Enter");
    await page.waitForFunction((previous) => document.querySelector("#graph")!.getAttribute("data-ready") !== previous, before);
  }

  test("Graphviz lays out every expression with no overlapping nodes and every value and gradient legible", async () => {
    const { page, problems } = await open("view=backprop");
    await page.waitForSelector("#graph g.node");
    const cases: [string, string][] = [
      ["(x + y) * z", "x=-2, y=5, z=-4"],
      ["tanh(x * w + b) / (1 + exp(-x)) + x ^ 2", "x=0.5, w=-1.5, b=0.3"],
      ["sigmoid(w0 * x0 + w1 * x1 + w2)", "w0=2, x0=-1, w1=-3, x1=-2, w2=-3"],
      ["q = x * x; r = q + exp(-q) * x; f = r / (1 + q)", "x=0.7"],
    ];
    for (const [expression, variables] of cases) {
      await show(page, expression, variables);
      assert.equal(await page.textContent("#graph-error"), "");
      assertReadable(await picture(page), expression);
    }
    // the lecture's names: the op nodes are q and f, and the caption says ∂f/∂q
    await show(page, "(x + y) * z", "x=-2, y=5, z=-4");
    assert.deepEqual(await page.$$eval("#graph g.node-operation .node-label", (ts) => ts.map((t) => t.textContent)), ["+ → q", "× → f"]);
    await page.click("#graph-reset");
    for (let i = 0; i < 3; i++) await page.click("#graph-forward");
    assert.equal(await page.textContent("#graph-caption"), "forward 3/5: q = 3");
    // backward in the middle of the forward pass finishes it first, and skips nothing
    await page.click("#graph-backward");
    assert.equal(await page.textContent('#graph g.node[data-name="f"] .node-value'), "−12");
    assert.equal(await page.textContent('#graph g.node[data-name="f"] .node-grad'), "");
    assert.match((await page.textContent("#graph-caption"))!, /^forward pass done: f = −12/);
    await page.click("#graph-backward");
    assert.equal(await page.textContent("#graph-caption"), "backward: ∂f/∂f = 1");
    await page.click("#graph-backward");
    assert.equal(await page.textContent("#graph-caption"), "backward: ∂f/∂z = 3");
    await page.click("#graph-backward");
    assert.equal(await page.textContent("#graph-caption"), "backward: ∂f/∂q = −4");
    // one node per operation of the expression; "expand composites" shows softmax's primitives
    await show(page, "softmax(x) * y", "x=0.5, y=2");
    const ops = (): Promise<string[]> => page.$$eval("#graph g.node-operation", (gs) => gs.map((g) => g.getAttribute("data-label") ?? ""));
    assert.deepEqual(await ops(), ["softmax", "×"]);
    const before = await page.getAttribute("#graph", "data-ready");
    await page.check("#graph-expand");
    await page.waitForFunction((previous) => document.querySelector("#graph")!.getAttribute("data-ready") !== previous, before);
    assert.deepEqual((await ops()).sort(), ["exp", "sum", "×", "÷", "−"].sort());
    assertReadable(await picture(page), "softmax(x) * y, expanded");
    // ∂f/∂x through the primitives: softmax of one number is 1 whatever x, so 0
    assert.equal(await page.textContent('#graph g.node[data-name="x"] .node-grad'), "∂=0");
    await finish(page, problems, "backprop-graph");
  });

  test("the network on one point is laid out readably, from the input to the loss L", async () => {
    const { page, problems } = await open("view=backprop&graph=network&layers=4,4");
    await page.waitForSelector('#graph g.node[data-name="L"]');
    assertReadable(await picture(page), "network 2-4-4-1");
    assert.match((await page.textContent("#graph-caption"))!, /^backward: ∂L\/∂W1 = /);
    await finish(page, problems, "backprop-graph-network");
  });
});
