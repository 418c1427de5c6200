/**
 * The lecture panels under the plane: logistic regression's three parameters and its line,
 * and softmax's W and b, z and softmax(z) under the mouse, and naive vs stable softmax.
 */
import { noGrad, tensor } from "nabla";
import type { App } from "./app.js";
import type { State } from "./state.js";
import { byId, html } from "./dom.js";
import { featureMatrix } from "./features.js";
import { formatNumber } from "./format.js";
import { cssColor } from "./plane.js";

function matrixTable(rows: number[][], rowLabel: (i: number) => string, columns: string[], rowClass: (i: number) => number = (i) => i): HTMLTableElement {
  const table = html("table", { class: "matrix" });
  const head = html("tr");
  head.append(html("th"), ...columns.map((c) => html("th", {}, c)));
  table.append(head);
  rows.forEach((row, i) => {
    const tr = html("tr");
    const label = html("th", {}, rowLabel(i));
    label.style.color = cssColor(rowClass(i));
    tr.append(label, ...row.map((v) => html("td", {}, formatNumber(v))));
    table.append(tr);
  });
  return table;
}

function rowsOf(values: ArrayLike<number>, columns: number): number[][] {
  return Array.from({ length: values.length / columns }, (_, i) => Array.from({ length: columns }, (_, j) => values[i * columns + j]!));
}

/** True when the network is a single linear layer on x1, x2. */
function isLinearOnXY(app: App): boolean {
  return app.state.layers.length === 0 && app.state.features.join() === "x1,x2";
}

function renderLogistic(app: App, panel: HTMLElement): void {
  if (!isLinearOnXY(app) || app.classes !== 2) {
    panel.replaceChildren(html("p", {}, "Logistic regression is a network with no hidden layer on x₁, x₂ and two classes: p = σ(w₁x₁ + w₂x₂ + b)."));
    return;
  }
  const linear = app.trainer.network.linears[0]!;
  const [w1, w2] = linear.weight.toTypedArray();
  const b = linear.bias!.item();
  app.plane.drawLine(w1!, w2!, b);
  const values = html("p", { class: "equation", id: "logistic-parameters" });
  values.innerHTML = `w₁ = <b id="w1">${formatNumber(w1!)}</b>, w₂ = <b id="w2">${formatNumber(w2!)}</b>, b = <b id="bias">${formatNumber(b)}</b>`;
  panel.replaceChildren(
    html("h3", {}, "Logistic regression"),
    html("p", {}, "p(class 1 | x) = σ(w·x + b); the dashed line is w·x + b = 0, where p = ½."),
    values,
  );
}

function renderSoftmaxDemo(app: App, box: HTMLElement): void {
  const input = html("input", { id: "logits", size: "20", value: app.state.logits, spellcheck: "false" });
  const output = html("div", { id: "softmax-demo" });
  const show = (): void => {
    const z = input.value.split(/[,\s]+/).filter((v) => v !== "").map(Number);
    if (z.length === 0 || z.some((v) => !Number.isFinite(v))) {
      output.textContent = "type numbers separated by commas";
      return;
    }
    const logits = tensor(z);
    const naive = logits.exp().div(logits.exp().sum());
    const stable = logits.softmax(0);
    const format = (values: ArrayLike<number>): string => `[${Array.from(values, (v) => formatNumber(v)).join(", ")}]`;
    output.innerHTML = "";
    output.append(
      html("div", { id: "softmax-naive" }, `naive exp(z)/Σexp(z): ${format(naive.toTypedArray())}`),
      html("div", { id: "softmax-stable" }, `stable exp(z − max z)/Σexp(z − max z): ${format(stable.toTypedArray())}`),
    );
  };
  input.addEventListener("change", () => {
    app.state = { ...app.state, logits: input.value };
    app.update({}, "view");
  });
  input.addEventListener("input", show);
  show();
  const label = html("label", {}, "logits z = ");
  label.append(input);
  box.replaceChildren(html("h3", {}, "Naive vs stable softmax (float32)"), label, output);
}

function renderSoftmax(app: App, panel: HTMLElement, hover: HTMLElement): void {
  const linear = app.trainer.network.linears[app.trainer.network.linears.length - 1]!;
  const columns = linear.weight.shape[1]!;
  const inputs = app.state.layers.length === 0 ? app.state.features : Array.from({ length: columns }, (_, i) => `h${i + 1}`);
  const outputs = linear.weight.shape[0]!;
  const label = (i: number): string => (outputs === 1 ? "z (class 1)" : `z${i} (class ${i})`);
  // one logit is class 1's score (class 0's is fixed at 0): it takes class 1's colour
  const table = matrixTable(rowsOf(linear.weight.toTypedArray(), columns).map((row, i) => [...row, linear.bias!.toTypedArray()[i]!]), label, [...inputs.map((n) => `W·${n}`), "b"], (i) => (outputs === 1 ? 1 : i));
  table.id = "softmax-weights";
  panel.replaceChildren(html("h3", {}, outputs === 1 ? "Output layer (one logit; σ(z) is softmax over [0, z])" : `Output layer: W (${outputs}×${columns}) and b`), table, hover);
}

/** z and softmax(z) of the network at the plane point under the mouse. */
function describePoint(app: App, x: number, y: number): string {
  return noGrad(() => {
    const features = tensor(featureMatrix(app.state.features, [x, y]), { shape: [1, app.state.features.length] });
    const logits = app.trainer.network.forward(features);
    const z = app.classes === 2 ? [0, logits.item()] : Array.from(logits.toTypedArray());
    const p = tensor(z).softmax(0).toTypedArray();
    return `at (${formatNumber(x, 3)}, ${formatNumber(y, 3)}): z = [${z.map((v) => formatNumber(v)).join(", ")}], softmax(z) = [${Array.from(p, (v) => formatNumber(v, 3)).join(", ")}]`;
  });
}

/**
 * What opening a lecture tab changes so the lecture shows at once: its model (no hidden layer
 * on x₁, x₂; two clouds for logistic regression, K clouds for softmax) and a speed of one step
 * a frame, at which the boundary visibly turns. Null when the page already shows that model.
 */
export function lectureSetup(app: App, view: State["view"]): Partial<State> | null {
  if (view === "logistic" && !(isLinearOnXY(app) && app.classes === 2)) return { view, layers: [], features: ["x1", "x2"], data: "clouds", extra: [], speed: 1 };
  if (view === "softmax" && !(isLinearOnXY(app) && app.classes > 2)) return { view, layers: [], features: ["x1", "x2"], data: "kclouds", extra: [], speed: 1 };
  return null;
}

/**
 * The button that sets the network up for the view's lecture: no hidden layer on x₁, x₂ (and,
 * for softmax, K clouds). It lives outside the panels redrawn every frame, so a click lands.
 */
function setupButton(app: App): HTMLElement | null {
  if (app.state.view === "logistic" && !(isLinearOnXY(app) && app.classes === 2)) {
    const button = html("button", { id: "make-logistic" }, "make it logistic regression (0 hidden layers, x₁ x₂)");
    button.addEventListener("click", () => app.update({ layers: [], features: ["x1", "x2"], data: app.classes === 2 ? app.state.data : "clouds", extra: [] }, "data"));
    return button;
  }
  if (app.state.view === "softmax" && !(isLinearOnXY(app) && app.classes > 2)) {
    const button = html("button", { id: "make-softmax" }, "make it softmax regression (K clouds, 0 hidden layers, x₁ x₂)");
    button.addEventListener("click", () => app.update({ layers: [], features: ["x1", "x2"], data: "kclouds", extra: [] }, "data"));
    return button;
  }
  return null;
}

export function bindLecturePanels(app: App): void {
  const panel = byId("lecture-panel");
  const actions = html("div", { class: "row" });
  panel.append(actions);
  const main = html("div");
  const hover = html("p", { id: "softmax-hover", class: "equation" }, "hover the plane to see z and softmax(z) there");
  const demo = html("div", { class: "demo" });
  panel.append(main, demo);
  byId("plane").addEventListener("pointermove", (event) => {
    if (app.state.view === "softmax") hover.textContent = describePoint(app, ...app.plane.fromEvent(event));
  });
  app.afterRender.push(() => {
    if (app.state.view === "logistic") renderLogistic(app, main);
    else if (app.state.view === "softmax") renderSoftmax(app, main, hover);
  });
  app.afterChange.push(() => {
    panel.hidden = app.state.view !== "logistic" && app.state.view !== "softmax";
    const button = setupButton(app);
    actions.replaceChildren(...(button === null ? [] : [button]));
    if (app.state.view === "softmax") renderSoftmaxDemo(app, demo);
    else demo.replaceChildren();
  });
}
