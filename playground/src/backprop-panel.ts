/**
 * The backprop view: the graph of a typed expression, or of the current network on one
 * training point, with forward values and gradients revealed one node at a time.
 */
import { nn, tensor, type Tensor } from "nabla";
import type { App } from "./app.js";
import { byId } from "./dom.js";
import { expressionGraph, GraphRecorder, primitiveGraph, type Graph } from "./graph.js";
import { backwardOrder, describeStep, layoutGraph, showProgress, type GraphProgress } from "./graph-view.js";
import { parseVariables } from "./variables.js";

/** The network's loss on one training point as a graph of layer-sized operations. */
export function networkGraph(app: App, pointIndex: number): Graph {
  const { network } = app.trainer;
  const set = app.train;
  const index = Math.min(Math.max(0, pointIndex), set.points.length - 1);
  if (index < 0) throw new Error("the network graph needs at least one training point");
  const width = app.state.features.length;
  const recorder = new GraphRecorder();
  const row = tensor(set.x.toTypedArray().slice(index * width, (index + 1) * width), { shape: [1, width], dtype: "float64" });
  let h = recorder.constant("x", row);
  network.linears.forEach((linear, l) => {
    const weight = recorder.input(`W${l + 1}`, linear.weight.to("float64"));
    const bias = recorder.input(`b${l + 1}`, linear.bias!.to("float64"));
    const input = recorder.nodes[h]!.name;
    const product = recorder.operation("@", `${input}·W${l + 1}ᵀ`, [h, weight], ([x, w]) => x!.matmul(w!.t()));
    h = recorder.operation("+", `z${l + 1}`, [product, bias], ([a, b]) => a!.add(b!));
    if (l + 1 < network.linears.length && app.state.activation !== "linear") {
      const activation = app.state.activation;
      h = recorder.operation(activation, `h${l + 1}`, [h], ([a]) => a![activation]());
    }
  });
  const label = set.labels[index]!;
  const target = recorder.constant(`y=${label}`, tensor([label], { dtype: "float64" }));
  const loss = app.classes === 2
    ? recorder.operation("BCE", "L", [h, target], ([z, y]) => nn.functional.binaryCrossEntropyWithLogits(z!.reshape([1]), y!))
    : recorder.operation("cross-entropy", "L", [h, target], ([z, y]) => nn.functional.crossEntropy(z!, y as Tensor));
  return { ...recorder.finish(loss), leavesNearUse: true };
}

export function bindBackpropPanel(app: App): void {
  const expression = byId<HTMLInputElement>("expression");
  const variables = byId<HTMLInputElement>("variables");
  const source = byId<HTMLSelectElement>("graph-source");
  const point = byId<HTMLInputElement>("graph-point");
  const expand = byId<HTMLInputElement>("graph-expand");
  let graph: Graph | null = null;
  // the graph whose layout is in the page; null while Graphviz lays out a new one
  let laidOut: Graph | null = null;
  let progress: GraphProgress = { forward: 0, backward: 0 };
  const draw = (): void => {
    if (graph === null) return;
    if (laidOut === graph) showProgress(byId("graph"), graph, progress);
    byId("graph-caption").textContent = describeStep(graph, progress);
  };
  const layout = (drawn: Graph): void => {
    laidOut = null;
    byId("graph").replaceChildren();
    layoutGraph(byId("graph"), drawn).then(
      () => {
        if (graph !== drawn) return; // a newer graph was built meanwhile
        laidOut = drawn;
        draw();
        byId("graph").setAttribute("data-ready", String(Number(byId("graph").getAttribute("data-ready") ?? 0) + 1));
      },
      (error: unknown) => {
        if (graph === drawn) byId("graph-error").textContent = (error as Error).message;
      },
    );
  };
  const build = (): void => {
    const fromNetwork = source.value === "network";
    byId("expression-label").hidden = fromNetwork;
    byId("variables-label").hidden = fromNetwork;
    byId("expand-label").hidden = fromNetwork;
    byId("point-label").hidden = !fromNetwork;
    try {
      const draw = expand.checked ? primitiveGraph : expressionGraph;
      graph = fromNetwork ? networkGraph(app, Number(point.value)) : draw(expression.value, parseVariables(variables.value));
      byId("graph-error").textContent = "";
      progress = { forward: graph.nodes.length, backward: backwardOrder(graph).length };
      layout(graph);
    } catch (error) {
      graph = null;
      laidOut = null;
      byId("graph").replaceChildren();
      byId("graph-error").textContent = (error as Error).message;
    }
    draw();
  };
  const showState = (): void => {
    expression.value = app.state.expression;
    variables.value = app.state.variables;
    source.value = app.state.graphSource;
    point.value = String(app.state.graphPoint);
  };
  showState();
  const save = (): void => {
    const graphSource = source.value === "network" ? "network" : "expression";
    app.update({ expression: expression.value, variables: variables.value, graphSource, graphPoint: Math.max(0, Math.round(Number(point.value) || 0)) }, "view");
    build();
  };
  for (const input of [expression, variables, source, point]) input.addEventListener("change", save);
  expand.addEventListener("change", build);
  byId("graph-reset").addEventListener("click", () => {
    progress = { forward: 0, backward: 0 };
    draw();
  });
  byId("graph-forward").addEventListener("click", () => {
    if (graph !== null && progress.forward < graph.nodes.length) progress = { forward: progress.forward + 1, backward: 0 };
    draw();
  });
  byId("graph-backward").addEventListener("click", () => {
    if (graph === null) return;
    if (progress.forward < graph.nodes.length) progress = { forward: graph.nodes.length, backward: 0 };
    else if (progress.backward < backwardOrder(graph).length) progress = { ...progress, backward: progress.backward + 1 };
    draw();
  });
  byId("graph-all").addEventListener("click", () => {
    if (graph !== null) progress = { forward: graph.nodes.length, backward: backwardOrder(graph).length };
    draw();
  });
  app.afterChange.push((change) => {
    if (app.state.view !== "backprop") return;
    const stale = expression.value !== app.state.expression || variables.value !== app.state.variables || source.value !== app.state.graphSource || point.value !== String(app.state.graphPoint);
    if (stale || change !== "view" || graph === null) {
      showState();
      build();
    }
  });
}
