/** A classifier's decision regions over the plane, with the data points on top, as SVG. */
import { noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { axes, escapeXml, legend, legendWidth, linearScale, paletteColour, px, svgDocument, text } from "./svg.js";

/** Anything that maps a batch of points [n, 2] to class scores: a function or an `nn.Module`. */
export type Classifier = ((x: Tensor) => Tensor) | {
  /** Class scores [n, K] for points [n, 2]. */
  forward(x: Tensor): Tensor;
  training?: boolean;
  /** Switches training mode (the picture is drawn in eval mode, then the mode restored). */
  train?(mode?: boolean): unknown;
};

/** Options of {@link decisionBoundary}. */
export interface DecisionBoundaryOptions {
  /** Grid cells along each axis (default 120). */
  resolution?: number;
  /** Picture size in pixels (default 520 × 460). */
  width?: number;
  /** Picture height in pixels (default 460). */
  height?: number;
  /** Caption above the plot (default none). */
  title?: string;
  /** Legend names of the classes, by class index (default "class 0", "class 1" …). */
  classNames?: readonly string[];
  /** Names of the two input features, for the axes (default "x1", "x2"). */
  axisLabels?: readonly [string, string];
  /** Applied to grid points and data before the model sees them (e.g. the training standardisation). */
  preprocess?: (x: Tensor) => Tensor;
  /** What the model returns: "logits" (default; softmax, or sigmoid for one column) or "probabilities". */
  output?: "logits" | "probabilities";
}

/** Class index and confidence of each row of scores [n, K] (or [n, 1] / [n] for one logit). */
export function classify(scores: Tensor, output: "logits" | "probabilities"): { classes: Int32Array; confidence: Float64Array } {
  const n = scores.shape[0] ?? 1;
  const columns = scores.ndim < 2 ? 1 : scores.shape[1]!;
  const probabilities = output === "probabilities" ? scores : columns === 1 ? scores.sigmoid() : scores.softmax(1);
  const values = probabilities.toTypedArray();
  const classes = new Int32Array(n);
  const confidence = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (columns === 1) {
      const p = values[i]!;
      classes[i] = p > 0.5 ? 1 : 0;
      confidence[i] = Math.max(p, 1 - p);
      continue;
    }
    let best = 0;
    for (let k = 1; k < columns; k++) if (values[i * columns + k]! > values[i * columns + best]!) best = k;
    classes[i] = best;
    confidence[i] = values[i * columns + best]!;
  }
  return { classes, confidence };
}

function predictInEvalMode(model: Classifier, x: Tensor): Tensor {
  if (typeof model === "function") return noGrad(() => model(x));
  const wasTraining = model.training;
  // Dropout would make the picture noisy: draw what the model predicts in evaluation mode.
  if (wasTraining !== undefined && model.train !== undefined) model.train(false);
  try {
    return noGrad(() => model.forward(x));
  } finally {
    if (wasTraining !== undefined && model.train !== undefined) model.train(wasTraining);
  }
}

function range(values: Float32Array | Float64Array, column: number): [number, number] {
  let min = Infinity;
  let max = -Infinity;
  for (let i = column; i < values.length; i += 2) [min, max] = [Math.min(min, values[i]!), Math.max(max, values[i]!)];
  const pad = (max - min) * 0.1 || 1;
  return [min - pad, max + pad];
}

/** Row-wise runs of equal class and shade, so a 120×120 grid is hundreds of rects, not 14,400. */
function regionRects(classes: Int32Array, confidence: Float64Array, resolution: number, cell: (i: number, j: number) => [number, number, number, number]): string[] {
  const out: string[] = [];
  const shade = (index: number) => Math.round(Math.min(1, Math.max(0, (confidence[index]! - 0.5) / 0.5)) * 4);
  for (let j = 0; j < resolution; j++) {
    let start = 0;
    for (let i = 1; i <= resolution; i++) {
      const a = j * resolution + start;
      const b = j * resolution + i;
      if (i < resolution && classes[a] === classes[b] && shade(a) === shade(b)) continue;
      const [x0, y0] = cell(start, j);
      const [, , x1, y1] = cell(i - 1, j);
      const opacity = 0.12 + 0.08 * shade(a);
      out.push(`<rect x="${px(x0)}" y="${px(y1)}" width="${px(x1 - x0)}" height="${px(y0 - y1)}" fill="${paletteColour(classes[a]!)}" fill-opacity="${opacity.toFixed(2)}"/>`);
      start = i;
    }
  }
  return out;
}

/**
 * The decision regions of a classifier over the plane as an SVG string: the background is
 * coloured by the predicted class (stronger where the model is surer), with the points `x`
 * ([n, 2]) coloured by their labels `y` ([n] class indices) on top. Runs without a DOM.
 *
 * @example
 * ```ts
 * import { nn, data, viz } from "nabla";
 * const { x, y } = data.makeMoons({ nSamples: 100, noise: 0.1 });
 * const model = new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
 * const svg = viz.decisionBoundary(model, { x, y }, { title: "untrained" });
 * console.log(svg.startsWith("<svg")); // true
 * ```
 */
export function decisionBoundary(model: Classifier, points: { x: Tensor; y?: Tensor }, options: DecisionBoundaryOptions = {}): string {
  if (points.x.ndim !== 2 || points.x.shape[1] !== 2) throw new Error(`decisionBoundary: x must have shape [n,2] (points in the plane), got [${points.x.shape.join(",")}]`);
  const resolution = options.resolution ?? 120;
  const [width, height] = [options.width ?? 520, options.height ?? 460];
  const coords = points.x.to("float64").toTypedArray() as Float64Array;
  const xScale = linearScale(range(coords, 0), [70, width - 20]);
  const yScale = linearScale(range(coords, 1), [height - 55, options.title === undefined ? 15 : 35]);
  const [[x0, x1], [y0, y1]] = [xScale.domain, yScale.domain];
  const grid = new Float64Array(resolution * resolution * 2);
  for (let j = 0; j < resolution; j++) {
    for (let i = 0; i < resolution; i++) {
      grid[2 * (j * resolution + i)] = x0 + ((i + 0.5) / resolution) * (x1 - x0);
      grid[2 * (j * resolution + i) + 1] = y0 + ((j + 0.5) / resolution) * (y1 - y0);
    }
  }
  const gridInput = tensor(grid, { shape: [resolution * resolution, 2], dtype: points.x.dtype });
  const scores = predictInEvalMode(model, options.preprocess === undefined ? gridInput : options.preprocess(gridInput));
  const { classes, confidence } = classify(scores, options.output ?? "logits");
  const cell = (i: number, j: number): [number, number, number, number] => [
    xScale(x0 + (i / resolution) * (x1 - x0)), yScale(y0 + (j / resolution) * (y1 - y0)),
    xScale(x0 + ((i + 1) / resolution) * (x1 - x0)), yScale(y0 + ((j + 1) / resolution) * (y1 - y0)),
  ];
  // crispEdges: anti-aliased neighbouring rects would show hairline seams between rows.
  const body = [`<g shape-rendering="crispEdges">`, ...regionRects(classes, confidence, resolution, cell), "</g>"];
  const labels = points.y === undefined ? null : points.y.toTypedArray();
  for (let n = 0; n < coords.length / 2; n++) {
    const colour = labels === null ? "#333" : paletteColour(Math.round(labels[n]!));
    body.push(`<circle cx="${px(xScale(coords[2 * n]!))}" cy="${px(yScale(coords[2 * n + 1]!))}" r="3.2" fill="${colour}" stroke="white" stroke-width="0.8"/>`);
  }
  // Plain "x1": subscript digits are missing from common fonts and would render as boxes.
  const [xLabel, yLabel] = options.axisLabels ?? ["x1", "x2"];
  body.push(...axes(xScale, yScale, { xLabel, yLabel }));
  let classCount = 0;
  for (const c of classes) classCount = Math.max(classCount, c + 1);
  for (const label of labels ?? []) classCount = Math.max(classCount, Math.round(label) + 1);
  const names = Array.from({ length: classCount }, (_, k) => options.classNames?.[k] ?? `class ${k}`);
  body.push(...legend(xScale(x1) - legendWidth(names) - 8, yScale(y1) + 8, names.map((label, k) => ({ label, colour: paletteColour(k), dot: true }))));
  if (options.title !== undefined) body.push(text(width / 2, 22, options.title, `font-size="14" text-anchor="middle" font-weight="bold"`));
  return svgDocument(width, height, [`<title>${escapeXml(options.title ?? "decision boundary")}</title>`, ...body]);
}
