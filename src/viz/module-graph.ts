/** A network drawn layer by layer (what `nabla graph --model` shows), as Graphviz DOT. */
import { noGrad } from "../autograd/grad-mode.js";
import { zeros } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { escapeXml } from "./svg.js";

/** What moduleGraph needs of a model: its children in order (an `nn.Sequential`). */
export interface LayeredModel {
  /** The layers in order, with their names: each runs forward, describes its settings and lists its parameters. */
  namedChildren(): [string, {
    /** Runs the layer. */
    forward(x: Tensor): unknown;
    /** The layer's settings as text, e.g. "inFeatures=2, outFeatures=8, bias=true". */
    extraRepr(): string;
    /** The layer's parameters by name. */
    namedParameters(): [string, Tensor][];
  }][];
  /** Whether the model is in training mode (restored after the shape-finding run). */
  training: boolean;
  /** Switches training mode (the shape-finding run is in eval mode). */
  train(mode?: boolean): unknown;
}

/** Options of {@link moduleGraph}. */
export interface ModuleGraphOptions {
  /** Shape of one input sample, e.g. [2]; a zero batch of one runs through to find each layer's output shape. */
  inputShape: readonly number[];
  /** Shown at the output node. */
  classNames?: readonly string[];
  /** Caption above the graph (default none). */
  title?: string;
}

function layerLabel(name: string, layer: ReturnType<LayeredModel["namedChildren"]>[number][1]): string {
  const kind = (layer as object).constructor.name;
  const parameters = layer.namedParameters().map(([parameterName, p]) => `${parameterName} [${p.shape.join("×")}]`);
  const settings = layer.extraRepr();
  const lines = [`<b>${escapeXml(`${name}: ${kind}`)}</b>`];
  if (settings !== "" && parameters.length === 0) lines.push(escapeXml(settings));
  for (const line of parameters) lines.push(`<font point-size="9">${escapeXml(line)}</font>`);
  return `<${lines.join("<br/>")}>`;
}

/**
 * Graphviz DOT of a layered model (an `nn.Sequential`): input → each layer (with its parameter
 * shapes) → output, each edge labelled with the shape flowing along it.
 *
 * @example
 * ```ts
 * import { nn, viz } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
 * const dot = viz.moduleGraph(model, { inputShape: [2] });
 * console.log(dot.includes("0: Linear")); // true
 * ```
 */
export function moduleGraph(model: LayeredModel, options: ModuleGraphOptions): string {
  const wasTraining = model.training;
  model.train(false);
  const lines = ["digraph model {", "  rankdir=TB;", `  node [fontname="Helvetica", fontsize=11, shape=box, style="rounded,filled", fillcolor="#eef3fb"];`, `  edge [fontname="Helvetica", fontsize=10];`];
  if (options.title !== undefined) lines.push(`  labelloc=t; label=<<b>${escapeXml(options.title)}</b>>;`);
  lines.push(`  input [fillcolor="#fdf6e3", label=<<b>input</b><br/>[${options.inputShape.join("×")}]>];`);
  let previous = "input";
  try {
    noGrad(() => {
      let x: Tensor = zeros([1, ...options.inputShape]);
      for (const [index, [name, layer]] of model.namedChildren().entries()) {
        const id = `layer${index}`;
        lines.push(`  ${id} [label=${layerLabel(name, layer)}];`);
        lines.push(`  ${previous} -> ${id} [label=" ${x.shape.slice(1).join("×")}"];`);
        x = layer.forward(x) as Tensor;
        previous = id;
      }
      const classes = options.classNames === undefined ? "" : `<br/><font point-size="9">${escapeXml(options.classNames.join(", "))}</font>`;
      lines.push(`  output [fillcolor="#e8f6ec", label=<<b>output</b>${classes}>];`);
      lines.push(`  ${previous} -> output [label=" ${x.shape.slice(1).join("×")}"];`);
    });
  } finally {
    model.train(wasTraining);
  }
  lines.push("}");
  return lines.join("\n") + "\n";
}
