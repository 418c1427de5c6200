/**
 * Draws a computational graph laid out by Graphviz (nabla's `viz.renderDot`, WebAssembly in the
 * page): forward values above each node's name, gradients under it and on the edges, revealed
 * one node at a time when stepping (forward in topological order, then backward in reverse).
 * Graphviz sizes every box for its full text, so revealing a value never moves anything.
 */
import { viz } from "nabla";
import type { Graph, GraphNode } from "./graph.js";
import { formatNumber, formatTensor } from "./format.js";

/** How far the animation has got: forward values for `forward` nodes, then `backward` gradients. */
export interface GraphProgress {
  forward: number;
  backward: number;
}

// Graphviz colours each kind of text; the drawn SVG is read back by these colours.
const VALUE_COLOUR = "#1e7b34";
const GRAD_COLOUR = "#c0392b";
const FILL: Record<GraphNode["kind"], string> = { input: "#eef6ff", constant: "#f3f3f3", operation: "#ffffff" };

const escapeHtml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** What a node's lines say once revealed. */
export function nodeTexts(node: GraphNode): { value: string; name: string; grad: string | null } {
  const name = node.kind === "operation" && node.name !== node.label ? `${node.label} → ${node.name}` : node.name;
  return { value: formatTensor(node.value, 2), name, grad: node.grad === null ? null : `∂=${formatTensor(node.grad, 2)}` };
}

/** A matrix on every edge would bury the picture: its share is in the node's tooltip. */
function edgeText(graph: Graph, index: number): string {
  const grad = graph.edges[index]!.grad;
  return grad !== null && grad.size <= 2 ? formatTensor(grad) : "";
}

/** How many operations the longest path passes through. */
function depth(graph: Graph): number {
  const level = graph.nodes.map(() => 0);
  for (const node of graph.nodes) for (const input of node.inputs) level[node.id] = Math.max(level[node.id]!, level[input]! + 1);
  return Math.max(0, ...level);
}

/** The graph as Graphviz DOT, every text at its full length. */
export function graphDot(graph: Graph): string {
  // left to right like the lecture's circuits; a long chain (a network) top to bottom, so it fits the page's width
  const rankdir = depth(graph) > 6 ? "TB" : "LR";
  const lines = [
    "digraph backprop {",
    `  rankdir=${rankdir}; nodesep=0.3; ranksep=0.45;`,
    `  node [fontname="Helvetica", fontsize=11, margin="0.12,0.05"];`,
    `  edge [fontname="Helvetica", fontsize=10, color="#888888", arrowsize=0.7];`,
  ];
  for (const node of graph.nodes) {
    const text = nodeTexts(node);
    const rows = [`<font color="${VALUE_COLOUR}">${escapeHtml(text.value)}</font>`, `<b>${escapeHtml(text.name)}</b>`];
    if (text.grad !== null) rows.push(`<font color="${GRAD_COLOUR}">${escapeHtml(text.grad)}</font>`);
    const shape = node.kind === "operation" ? "ellipse" : "box";
    const style = node.kind === "constant" ? `"rounded,dashed,filled"` : node.kind === "input" ? `"rounded,filled"` : "filled";
    lines.push(`  n${node.id} [id="n${node.id}", shape=${shape}, style=${style}, fillcolor="${FILL[node.kind]}", label=<${rows.join("<br/>")}>];`);
  }
  graph.edges.forEach((edge, i) => {
    const label = edgeText(graph, i);
    const dashed = graph.nodes[edge.from]!.kind === "constant" ? ", style=dashed" : "";
    lines.push(`  n${edge.from} -> n${edge.to} [id="e${i}"${dashed}${label === "" ? "" : `, label=<<font color="${GRAD_COLOUR}">${escapeHtml(label)}</font>>`}];`);
  });
  lines.push("}");
  return lines.join("\n") + "\n";
}

/** The order in which backward reveals gradients: reverse topological, constants skipped. */
export function backwardOrder(graph: Graph): GraphNode[] {
  return graph.nodes.filter((n) => n.kind !== "constant").reverse();
}

/**
 * Lays `graph` out with Graphviz and puts the picture into `container`; each node's texts get
 * the classes node-value, node-label and node-grad, and each edge label edge-grad, and keep
 * their full text in data-text for {@link showProgress}.
 */
export async function layoutGraph(container: Element, graph: Graph): Promise<SVGSVGElement> {
  const markup = await viz.renderDot(graphDot(graph));
  const parsed = new DOMParser().parseFromString(markup, "image/svg+xml").documentElement;
  const root = container.ownerDocument.importNode(parsed, true) as unknown as SVGSVGElement;
  root.classList.add("graph");
  root.setAttribute("role", "img");
  root.setAttribute("aria-label", "computational graph");
  for (const title of Array.from(root.querySelectorAll("g.node > title, g.edge > title, g.graph > title"))) title.remove();
  for (const node of graph.nodes) {
    const group = root.querySelector(`g#n${node.id}`);
    if (group === null) continue;
    group.classList.add(`node-${node.kind}`);
    group.setAttribute("data-label", node.label);
    group.setAttribute("data-name", node.name);
    for (const text of Array.from(group.querySelectorAll("text"))) {
      const fill = (text.getAttribute("fill") ?? "").toLowerCase();
      text.classList.add(fill === VALUE_COLOUR ? "node-value" : fill === GRAD_COLOUR ? "node-grad" : "node-label");
      text.setAttribute("data-text", text.textContent ?? "");
    }
    const title = container.ownerDocument.createElementNS("http://www.w3.org/2000/svg", "title");
    title.textContent = `${nodeTexts(node).name}: value ${formatTensor(node.value, 8)}${node.grad ? `, gradient ${formatTensor(node.grad, 8)}` : ""}`;
    group.prepend(title);
  }
  graph.edges.forEach((edge, i) => {
    const group = root.querySelector(`g#e${i}`);
    group?.setAttribute("data-from", graph.nodes[edge.from]!.name);
    group?.setAttribute("data-to", graph.nodes[edge.to]!.name);
    for (const text of Array.from(group?.querySelectorAll("text") ?? [])) {
      text.classList.add("edge-grad");
      text.setAttribute("data-text", text.textContent ?? "");
    }
  });
  container.replaceChildren(root);
  return root;
}

/** Shows the texts `progress` has reached in a picture made by {@link layoutGraph}. */
export function showProgress(container: Element, graph: Graph, progress: GraphProgress): void {
  const gradKnown = new Set(backwardOrder(graph).slice(0, progress.backward).map((n) => n.id));
  const reveal = (text: Element, shown: boolean): void => {
    text.textContent = shown ? (text.getAttribute("data-text") ?? "") : "";
  };
  for (const node of graph.nodes) {
    const group = container.querySelector(`g#n${node.id}`);
    if (group === null) continue;
    for (const text of Array.from(group.querySelectorAll(".node-value"))) reveal(text, node.id < progress.forward);
    for (const text of Array.from(group.querySelectorAll(".node-grad"))) reveal(text, gradKnown.has(node.id));
  }
  graph.edges.forEach((edge, i) => {
    for (const text of Array.from(container.querySelectorAll(`g#e${i} .edge-grad`))) reveal(text, gradKnown.has(edge.to));
  });
}

/** A one-line description of the step just taken, for the caption under the graph. */
export function describeStep(graph: Graph, progress: GraphProgress): string {
  const total = graph.nodes.length;
  const output = graph.nodes[graph.output]!;
  if (progress.backward > 0) {
    const node = backwardOrder(graph)[progress.backward - 1]!;
    return `backward: ∂${output.name}/∂${node.name} = ${node.grad ? formatTensor(node.grad) : "—"}`;
  }
  if (progress.forward >= total) return `forward pass done: ${output.name} = ${formatTensor(output.value)}; press "backward step" for ∂${output.name}/∂${output.name} = 1`;
  if (progress.forward > 0) {
    const node = graph.nodes[progress.forward - 1]!;
    return `forward ${progress.forward}/${total}: ${node.name} = ${formatTensor(node.value)}`;
  }
  return `press "forward step" to evaluate the ${total} nodes one at a time`;
}

export { formatNumber };
