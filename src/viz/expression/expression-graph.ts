/**
 * The graph of an evaluated expression as the user wrote it: one node per operation of the
 * expression (`softmax(z)` is one node, `W @ x` one node), not the library's primitives.
 */
import type { Tensor } from "../../tensor/tensor.js";
import { formatNumber, formatTensor } from "../format.js";
import { graph } from "../graph.js";
import { applyExpressionOperation, type ExpressionEvaluation, type ExpressionOperation, type ExpressionValue } from "./evaluate-expression.js";

/** Options of {@link expressionGraph}. */
export interface ExpressionGraphOptions {
  /** Significant digits of printed values (default 4). */
  digits?: number;
  /**
   * Draw the library's primitive ops instead (how `softmax` is built from `exp`, `sum`, …), as
   * {@link graph} does; needs `backward({ retainGraph: true })` for the gradients on its edges.
   */
  expand?: boolean;
  /** Layout direction; default "LR" (the lecture's circuits), "TB" for more than 6 steps in a row. */
  rankdir?: "LR" | "TB";
}

const SYMBOLS: Partial<Record<ExpressionOperation, string>> = { "+": "+", "-": "−", "*": "×", "/": "÷", "@": "@", "**": "^", neg: "−x" };
const VALUE_COLOUR = "#1e7b34";
const GRAD_COLOUR = "#c0392b";
const FONT = "Helvetica";
// A value with more elements prints as its shape and mean, so no node grows wider than a page allows.
const MAX_ELEMENTS = 6;

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** A value as label text; a small matrix one row a line, so a node is as narrow as a row. */
function show(t: Tensor, digits: number): string {
  if (t.ndim !== 2 || t.size > MAX_ELEMENTS || t.shape[0] === 1) return escapeHtml(formatTensor(t, { digits, maxElements: MAX_ELEMENTS }));
  const rows = (t.toArray() as number[][]).map((row) => `[${row.map((v) => formatNumber(v, digits)).join(", ")}]`);
  return escapeHtml(`[${rows.join(",\n")}]`).replace(/\n/g, "<br/>");
}

/** The gradient each operand received through this one operation: its own backward, re-run on fresh leaves. */
function edgeShares(value: ExpressionValue): (Tensor | null)[] {
  const grad = value.tensor.grad;
  if (value.operation === undefined || grad === null) return value.operands.map(() => null);
  const leaves = value.operands.map((o) => (o.tensor.requiresGrad ? o.tensor.detach().requiresGrad_() : o.tensor.detach()));
  const local = applyExpressionOperation(value.operation, leaves);
  if (!local.requiresGrad) return value.operands.map(() => null);
  local.backward(grad);
  return leaves.map((leaf) => (leaf.requiresGrad ? leaf.grad : null));
}

/** How many operations the longest path passes through: the picture's length. */
function depth(values: readonly ExpressionValue[]): number {
  const level = new Map<ExpressionValue, number>();
  for (const v of values) level.set(v, v.operands.reduce((m, o) => Math.max(m, (level.get(o) ?? 0) + (v.kind === "operation" ? 1 : 0)), 0));
  return Math.max(0, ...level.values());
}

/**
 * Graphviz DOT of an {@link evaluateExpression} result after `output.tensor.backward()`: a box
 * per variable and constant, an ellipse per operation of the expression labelled with its
 * symbol and its name (`+ → q`, `× → f`), forward values in green, and on every edge, in red,
 * the gradient that flowed back along it (a value used twice gets two edges whose gradients
 * add up to its own). `expand: true` draws the library's primitives instead. Render with
 * `viz.renderDot`.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * const evaluation = viz.evaluateExpression("(x + y) * z", { x: -2, y: 5, z: -4 });
 * evaluation.output.tensor.backward();
 * const dot = viz.expressionGraph(evaluation);
 * console.log(dot.includes("→ q") && dot.includes("→ f")); // true
 * ```
 */
export function expressionGraph(evaluation: ExpressionEvaluation, options: ExpressionGraphOptions = {}): string {
  const digits = options.digits ?? 4;
  const { values, output } = evaluation;
  if (options.expand === true) {
    const names = new Map<Tensor, string>(values.filter((v) => v.kind !== "constant").map((v) => [v.tensor, v.name]));
    return graph(output.tensor, { names, digits, rankdir: options.rankdir ?? (depth(values) > 6 ? "TB" : "LR") });
  }
  // an alias (`f = q`) is the node it names, under both names
  const target = (v: ExpressionValue): ExpressionValue => (v.kind === "alias" ? target(v.operands[0]!) : v);
  const aliases = new Map<ExpressionValue, string[]>();
  for (const v of values) if (v.kind === "alias") aliases.set(target(v), [...(aliases.get(target(v)) ?? []), v.name]);
  const drawn = values.filter((v) => v.kind !== "alias");
  const ids = new Map(drawn.map((v, i) => [v, `v${i}`]));
  const lines = [
    "digraph nabla {",
    `  rankdir=${options.rankdir ?? (depth(values) > 6 ? "TB" : "LR")};`,
    `  node [fontname="${FONT}", fontsize=11];`,
    `  edge [fontname="${FONT}", fontsize=10];`,
  ];
  for (const v of drawn) {
    const names = [v.name, ...(aliases.get(v) ?? [])].map(escapeHtml).join(" = ");
    const value = `<font color="${VALUE_COLOUR}">${show(v.tensor, digits)}</font>`;
    if (v.kind === "operation") {
      const symbol = escapeHtml(SYMBOLS[v.operation!] ?? v.operation!);
      lines.push(`  ${ids.get(v)} [shape=ellipse, style=filled, fillcolor="#eef3fb", label=<<b>${symbol}</b> → ${names}<br/>${value}>];`);
    } else if (v.kind === "constant") {
      lines.push(`  ${ids.get(v)} [shape=box, style="rounded,dashed", label=<${value}>];`);
    } else {
      const style = v.tensor.requiresGrad ? `style="rounded,filled", fillcolor="#fdf6e3"` : `style="rounded,dashed"`;
      lines.push(`  ${ids.get(v)} [shape=box, ${style}, label=<<b>${names}</b><br/>${value}>];`);
    }
  }
  const gradLabel = (grad: Tensor | null): string => (grad === null ? "" : `label=<<font color="${GRAD_COLOUR}">${show(grad, digits)}</font>>`);
  for (const v of drawn) {
    if (v.kind !== "operation") continue;
    const shares = edgeShares(v);
    v.operands.forEach((operand, i) => {
      const from = target(operand);
      const attributes = [from.tensor.requiresGrad ? "" : "style=dashed", gradLabel(shares[i] ?? null)].filter((a) => a !== "");
      lines.push(`  ${ids.get(from)} -> ${ids.get(v)} [${attributes.join(", ")}];`);
    });
  }
  const root = target(output);
  if (root.tensor.grad !== null) {
    lines.push(`  output [shape=point, width=0.05];`);
    lines.push(`  ${ids.get(root)} -> output [${gradLabel(root.tensor.grad)}];`);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
