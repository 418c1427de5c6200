/** The computational graph behind a tensor as Graphviz DOT: values on nodes, gradients on edges. */
import { noGrad } from "../autograd/grad-mode.js";
import type { Tensor } from "../tensor/tensor.js";
import { isRecycled } from "../tensor/storage.js";
import { formatNumber, formatTensor } from "./format.js";
import { graphTensors } from "./retain-grads.js";

/** Options of {@link graph}. */
export interface GraphOptions {
  /** Labels for tensors (inputs, named intermediates, the result): `{ x, y, q, f }`. */
  names?: Record<string, Tensor> | Map<Tensor, string>;
  /** Significant digits of printed values (default 4). */
  digits?: number;
  /** Layout direction (default "LR", left to right like the lecture's circuit diagrams). */
  rankdir?: "LR" | "TB";
}

const SYMBOLS: Record<string, string> = { add: "+", sub: "−", mul: "×", div: "÷", matmul: "@", pow: "**", neg: "−x" };
// The lecture's colours: forward values green, gradients red.
const VALUE_COLOUR = "#1e7b34";
const GRAD_COLOUR = "#c0392b";
// Graphviz measures text with its built-in Helvetica metrics; the SVG falls back to sans-serif.
const FONT = "Helvetica";

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function namesByTensor(names: GraphOptions["names"]): Map<Tensor, string> {
  if (names === undefined) return new Map();
  if (names instanceof Map) return names;
  return new Map(Object.entries(names).map(([name, t]) => [t, name]));
}

/** A number broadcast against a tensor is a stride-0 view of one value: show the value. */
function formatValue(t: Tensor, digits: number): string {
  // a library function's own buffer that backward gave back (autograd/internal-to.ts), as PyTorch frees saved tensors
  if (isRecycled(t.storage)) return "(freed after backward)";
  const broadcastScalar = t.size > 1 && t.isLeaf && t.strides.every((stride) => stride === 0);
  return broadcastScalar ? formatNumber(t.toTypedArray()[0]!, digits) : formatTensor(t, { digits });
}

function nodeLabel(t: Tensor, name: string | undefined, digits: number): string {
  const value = `<font color="${VALUE_COLOUR}">${escapeHtml(formatValue(t, digits))}</font>`;
  if (t.gradFn !== null) {
    const op = escapeHtml(SYMBOLS[t.gradFn.name] ?? t.gradFn.name);
    return `<<b>${op}</b>${name === undefined ? "" : ` → ${escapeHtml(name)}`}<br/>${value}>`;
  }
  return name === undefined ? `<${value}>` : `<<b>${escapeHtml(name)}</b><br/>${value}>`;
}

function nodeStyle(t: Tensor): string {
  if (t.gradFn !== null) return `shape=ellipse, style=filled, fillcolor="#eef3fb"`;
  return t.requiresGrad ? `shape=box, style="rounded,filled", fillcolor="#fdf6e3"` : `shape=box, style="rounded,dashed"`;
}

function gradLabel(grad: Tensor | null, digits: number): string {
  return grad === null ? "" : `, label=<<font color="${GRAD_COLOUR}">${escapeHtml(formatTensor(grad, { digits }))}</font>>`;
}

/**
 * The gradient each input of `t`'s op received through that op: its backward rule applied to
 * dL/dt again — possible while the graph is kept (`backward({ retainGraph: true })`). Null
 * when the rule is gone or dL/dt unknown: the edges then show each input's total gradient.
 */
function edgeGradients(t: Tensor): readonly (Tensor | null)[] | null {
  const node = t.gradFn;
  if (node === null || node.rule === null || t.grad === null) return null;
  const rule = node.rule;
  const grad = t.grad;
  return noGrad(() => rule(grad));
}

/**
 * Graphviz DOT of the graph that produced `root`: one node per tensor (inputs as boxes, op
 * results as ellipses with the op and its forward value), and an edge from each input to the
 * op that used it, labelled with the gradient that flowed back along that edge. Call
 * {@link retainGrads} before `backward({ retainGraph: true })` for the full picture: every edge
 * then carries its own share (a value used twice gets two edges whose gradients add up to its
 * `.grad`). Without `retainGraph` the edges show each input's total gradient, and without
 * `retainGrads` only leaves have one. Render with `viz.renderDot`.
 *
 * @example
 * ```ts
 * import { tensor, viz } from "nabla";
 * const x = tensor(-2, { requiresGrad: true });
 * const y = tensor(5, { requiresGrad: true });
 * const z = tensor(-4, { requiresGrad: true });
 * const q = x.add(y);
 * const f = viz.retainGrads(q.mul(z));
 * f.backward(undefined, { retainGraph: true });
 * const dot = viz.graph(f, { names: { x, y, z, q, f } });
 * console.log(dot.startsWith("digraph")); // true
 * ```
 */
export function graph(root: Tensor, options: GraphOptions = {}): string {
  const digits = options.digits ?? 4;
  const names = namesByTensor(options.names);
  const tensors = graphTensors(root);
  const ids = new Map(tensors.map((t, i) => [t, `t${i}`]));
  const lines = [
    "digraph nabla {",
    `  rankdir=${options.rankdir ?? "LR"};`,
    `  node [fontname="${FONT}", fontsize=11];`,
    `  edge [fontname="${FONT}", fontsize=10];`,
  ];
  // Inputs first, so Graphviz places them in reading order.
  for (const t of [...tensors].reverse()) lines.push(`  ${ids.get(t)} [${nodeStyle(t)}, label=${nodeLabel(t, names.get(t), digits)}];`);
  for (const t of [...tensors].reverse()) {
    const perEdge = edgeGradients(t);
    (t.gradFn?.inputs ?? []).forEach((input, i) => {
      const grad = input.requiresGrad ? (perEdge === null ? input.grad : (perEdge[i] ?? null)) : null;
      lines.push(`  ${ids.get(input)} -> ${ids.get(t)} [${input.requiresGrad ? "" : "style=dashed"}${gradLabel(grad, digits)}];`.replace("[, ", "["));
    });
    // a number operand (x.mul(2)) is no tensor, but the lecture's graphs show it: a dashed input
    (t.gradFn?.constants ?? []).forEach((value, k) => {
      const id = `${ids.get(t)}c${k}`;
      lines.push(`  ${id} [shape=box, style="rounded,dashed", label=<<font color="${VALUE_COLOUR}">${escapeHtml(formatNumber(value, digits))}</font>>];`);
      lines.push(`  ${id} -> ${ids.get(t)} [style=dashed];`);
    });
  }
  if (root.grad !== null) {
    lines.push(`  output [shape=point, width=0.05];`);
    lines.push(`  ${ids.get(root)} -> output [${gradLabel(root.grad, digits).slice(2)}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
