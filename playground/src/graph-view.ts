/**
 * Draws a computational graph as SVG: forward values above each node, gradients on the edges
 * and under each node, revealed one node at a time when stepping (forward in topological
 * order, then backward in reverse).
 */
import type { Graph, GraphNode } from "./graph.js";
import { formatNumber, formatTensor } from "./format.js";
import { svg } from "./dom.js";

const COLUMN_WIDTH = 150;
const ROW_HEIGHT = 78;
const NODE_WIDTH = 92;
const NODE_HEIGHT = 34;

/** How far the animation has got: forward values for `forward` nodes, then `backward` gradients. */
export interface GraphProgress {
  forward: number;
  backward: number;
}

interface Layout {
  x: number[];
  y: number[];
  width: number;
  height: number;
}

function layout(graph: Graph): Layout {
  const { nodes } = graph;
  const column = nodes.map(() => 0);
  for (const node of nodes) for (const input of node.inputs) column[node.id] = Math.max(column[node.id]!, column[input]! + 1);
  // constants (and a network's parameters) sit right before the operation that uses them
  const nearUse = (id: number): boolean => nodes[id]!.kind === "constant" || (graph.leavesNearUse === true && nodes[id]!.inputs.length === 0);
  for (const node of nodes) for (const input of node.inputs) if (nearUse(input)) column[input] = Math.max(0, column[node.id]! - 1);
  const row = nodes.map(() => 0);
  let nextLeaf = 0;
  const placed = new Set<number>();
  const stack: [number, boolean][] = [[graph.output, false]];
  while (stack.length > 0) {
    const [id, expanded] = stack.pop()!;
    const node = nodes[id]!;
    if (expanded) {
      if (node.inputs.length > 0) row[id] = node.inputs.reduce((s, i) => s + row[i]!, 0) / node.inputs.length;
      continue;
    }
    if (placed.has(id)) continue;
    placed.add(id);
    if (node.inputs.length === 0) row[id] = nextLeaf++;
    else {
      stack.push([id, true]);
      for (let i = node.inputs.length - 1; i >= 0; i--) stack.push([node.inputs[i]!, false]);
    }
  }
  const columns = Math.max(...column) + 1;
  // a network's nodes hold vectors, whose values need more room than scalars
  const columnWidth = graph.leavesNearUse === true ? COLUMN_WIDTH + 30 : COLUMN_WIDTH;
  return {
    x: column.map((c) => 30 + c * columnWidth),
    y: row.map((r) => 40 + r * ROW_HEIGHT),
    width: 60 + (columns - 1) * columnWidth + NODE_WIDTH,
    height: 80 + Math.max(0, nextLeaf - 1) * ROW_HEIGHT + NODE_HEIGHT,
  };
}

/** The order in which backward reveals gradients: reverse topological, constants skipped. */
export function backwardOrder(graph: Graph): GraphNode[] {
  return graph.nodes.filter((n) => n.kind !== "constant").reverse();
}

/** Renders `graph` into `container`, showing as much as `progress` has reached. */
export function renderGraph(container: Element, graph: Graph, progress: GraphProgress): void {
  const { x, y, width, height } = layout(graph);
  const gradKnown = new Set(backwardOrder(graph).slice(0, progress.backward).map((n) => n.id));
  const root = svg("svg", { viewBox: `0 0 ${width} ${height}`, width, height, class: "graph", role: "img", "aria-label": "computational graph" });
  for (const edge of graph.edges) {
    const x1 = x[edge.from]! + NODE_WIDTH;
    const y1 = y[edge.from]! + NODE_HEIGHT / 2;
    const x2 = x[edge.to]!;
    const y2 = y[edge.to]! + NODE_HEIGHT / 2;
    root.append(svg("line", { x1, y1, x2, y2, class: "edge" }));
    // a matrix on every edge would bury the picture: its share is in the node's tooltip
    const shown = gradKnown.has(edge.to) && edge.grad !== null && edge.grad.size <= 2;
    const label = svg("text", { x: (x1 + x2) / 2, y: (y1 + y2) / 2 + 14, class: "edge-grad", "data-from": graph.nodes[edge.from]!.label });
    label.textContent = shown ? formatTensor(edge.grad!) : "";
    root.append(label);
  }
  for (const node of graph.nodes) {
    const group = svg("g", { class: `node node-${node.kind}`, "data-label": node.label, transform: `translate(${x[node.id]}, ${y[node.id]})` });
    group.append(svg("rect", { width: NODE_WIDTH, height: NODE_HEIGHT, rx: 8 }));
    const name = svg("text", { x: NODE_WIDTH / 2, y: NODE_HEIGHT / 2 + 5, class: "node-label" });
    name.textContent = node.label;
    const value = svg("text", { x: NODE_WIDTH / 2, y: -6, class: "node-value" });
    value.textContent = node.id < progress.forward ? formatTensor(node.value, 2) : "";
    const grad = svg("text", { x: NODE_WIDTH / 2, y: NODE_HEIGHT + 16, class: "node-grad" });
    grad.textContent = gradKnown.has(node.id) && node.grad !== null ? `∂=${formatTensor(node.grad, 2)}` : "";
    const title = svg("title", {});
    title.textContent = `${node.label}: value ${formatTensor(node.value, 8)}${node.grad ? `, gradient ${formatTensor(node.grad, 8)}` : ""}`;
    group.append(title, name, value, grad);
    root.append(group);
  }
  container.replaceChildren(root);
}

/** A one-line description of the step just taken, for the caption under the graph. */
export function describeStep(graph: Graph, progress: GraphProgress): string {
  const total = graph.nodes.length;
  if (progress.backward > 0) {
    const node = backwardOrder(graph)[progress.backward - 1]!;
    return `backward: ∂out/∂${node.label} = ${node.grad ? formatTensor(node.grad) : "—"}`;
  }
  if (progress.forward > 0) {
    const node = graph.nodes[progress.forward - 1]!;
    return `forward ${progress.forward}/${total}: ${node.label} = ${formatTensor(node.value)}`;
  }
  return `press "forward step" to evaluate the ${total} nodes one at a time`;
}

export { formatNumber };
