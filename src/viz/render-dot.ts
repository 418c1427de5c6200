/** Graphviz layout without a system Graphviz: @viz-js/viz runs Graphviz compiled to WebAssembly. */
import type { Viz } from "@viz-js/viz";

let instance: Promise<Viz> | null = null;

/**
 * Lays out Graphviz DOT and returns it as an SVG document (Node and browser alike). A DOT
 * syntax error is an error carrying Graphviz's message.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * const svg = await viz.renderDot("digraph { x -> y }");
 * console.log(svg.includes("<svg")); // true
 * ```
 */
export async function renderDot(dot: string, options: { engine?: "dot" | "neato" | "fdp" | "circo" } = {}): Promise<string> {
  // Loaded on first use: the WebAssembly build is large and most users of nabla never draw.
  instance ??= import("@viz-js/viz").then((module) => module.instance());
  const graphviz = await instance;
  const result = graphviz.render(dot, { format: "svg", engine: options.engine ?? "dot" });
  if (result.status !== "success") {
    const messages = result.errors.map((error) => error.message.trim()).join("; ");
    throw new Error(`renderDot: Graphviz could not lay out the graph: ${messages || "unknown error"}`);
  }
  return result.output;
}
