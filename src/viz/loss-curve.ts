/** Training curves (loss and accuracy per epoch, training and validation) as SVG. */
import type { History } from "../train/fit.js";
import { axes, escapeXml, legend, legendWidth, linearScale, niceTicks, paletteColour, px, svgDocument, text, type Scale } from "./svg.js";

/** One epoch's metrics, e.g. `{ epoch: 1, loss: 0.6, accuracy: 0.7, valLoss: 0.62, valAccuracy: 0.68 }` (numeric fields are read). */
export type EpochMetrics = object;

/**
 * What {@link lossCurve} draws: `fit`'s {@link History}, per-epoch records, or one array per
 * metric (`{ loss: [...], valLoss: [...] }`).
 */
export type LossCurveInput = History | readonly EpochMetrics[] | Readonly<Record<string, readonly (number | null | undefined)[]>>;

/** Options of {@link lossCurve}. */
export interface LossCurveOptions {
  /** Caption above the plots (default none). */
  title?: string;
  /** Picture width in pixels (default 760 with both loss and accuracy panels, 420 with one). */
  width?: number;
  /** Picture height in pixels (default 320). */
  height?: number;
}

interface Series {
  name: string;
  values: (number | null)[];
}

function toSeries(history: LossCurveInput): Series[] {
  const names = new Map<string, (number | null)[]>();
  if (Array.isArray(history)) {
    const records = history as readonly Record<string, unknown>[];
    for (const record of records) for (const key of Object.keys(record)) if (key !== "epoch" && !names.has(key)) names.set(key, []);
    for (const [key, values] of names) for (const record of records) values.push(finiteOrNull(record[key]));
  } else {
    for (const [key, values] of Object.entries(history as Record<string, readonly (number | null | undefined)[]>)) {
      if (key !== "epoch" && Array.isArray(values)) names.set(key, values.map(finiteOrNull));
    }
  }
  // Empty series (e.g. valLoss without validation data) would only add a legend entry.
  return [...names].map(([name, values]) => ({ name, values })).filter((series) => series.values.some((v) => v !== null));
}

function finiteOrNull(value: unknown): number | null {
  return typeof value === "number" && Number.isFinite(value) ? value : null;
}

function polyline(series: Series, xScale: Scale, yScale: Scale, colour: string, dashed: boolean): string[] {
  const out: string[] = [];
  const points = series.values.map((v, i) => (v === null ? null : `${px(xScale(i + 1))},${px(yScale(v))}`));
  out.push(`<polyline points="${points.filter((p) => p !== null).join(" ")}" fill="none" stroke="${colour}" stroke-width="2"${dashed ? ` stroke-dasharray="5 3"` : ""}/>`);
  // A single epoch draws no line, so mark the points too when there are few.
  if (series.values.length <= 30) for (const p of points) if (p !== null) out.push(`<circle cx="${p.split(",")[0]}" cy="${p.split(",")[1]}" r="2.5" fill="${colour}"/>`);
  return out;
}

function panel(series: Series[], left: number, right: number, top: number, bottom: number, label: string, isAccuracy: boolean): string[] {
  const epochs = Math.max(1, ...series.map((s) => s.values.length));
  const values = series.flatMap((s) => s.values.filter((v): v is number => v !== null));
  let [low, high] = values.length === 0 ? [0, 1] : [Math.min(...values), Math.max(...values)];
  if (isAccuracy) [low, high] = [Math.max(0, Math.floor(low * 10) / 10), Math.min(1, Math.ceil(high * 10) / 10 || 1)];
  else [low, high] = [Math.min(0, low), high > 0 ? high * 1.05 : 1];
  const xScale = linearScale([1, Math.max(2, epochs)], [left, right]);
  const yScale = linearScale([low, high > low ? high : low + 1], [bottom, top]);
  const xTicks = niceTicks(1, Math.max(2, epochs), 6).filter((t) => Number.isInteger(t) && t >= 1);
  const out = axes(xScale, yScale, { xLabel: "epoch", yLabel: label, xTicks });
  const entries: { label: string; colour: string; dashed: boolean }[] = [];
  for (const s of series) {
    const validation = /^val/i.test(s.name);
    const colour = paletteColour(validation ? 1 : 0);
    out.push(...polyline(s, xScale, yScale, colour, validation));
    entries.push({ label: validation ? `validation` : `training`, colour, dashed: validation });
  }
  if (entries.length > 0) out.push(...legend(right - legendWidth(entries.map((e) => e.label)) - 8, isAccuracy ? bottom - 12 - 16 * entries.length : top + 6, entries));
  return out;
}

/**
 * Loss and accuracy per epoch as an SVG string: two panels side by side, training as solid
 * and validation (`val…` keys) as dashed lines. Keys containing "loss" go to the left panel,
 * keys containing "acc" to the right; a history with no accuracy gets one panel.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * const svg = viz.lossCurve([
 *   { epoch: 1, loss: 0.69, accuracy: 0.55, valLoss: 0.7, valAccuracy: 0.5 },
 *   { epoch: 2, loss: 0.41, accuracy: 0.83, valLoss: 0.45, valAccuracy: 0.8 },
 * ]);
 * console.log(svg.includes("polyline")); // true
 * ```
 */
export function lossCurve(history: LossCurveInput, options: LossCurveOptions = {}): string {
  const series = toSeries(history);
  const losses = series.filter((s) => /loss/i.test(s.name));
  const accuracies = series.filter((s) => /acc/i.test(s.name));
  if (losses.length + accuracies.length === 0) throw new Error(`lossCurve: the history has no "loss" or "accuracy" metrics (keys: ${series.map((s) => s.name).join(", ") || "none"})`);
  const [width, height] = [options.width ?? (accuracies.length > 0 && losses.length > 0 ? 760 : 420), options.height ?? 320];
  const top = options.title === undefined ? 15 : 38;
  const body: string[] = [`<title>${escapeXml(options.title ?? "training curves")}</title>`];
  const panels = [losses.length > 0 ? { series: losses, label: "loss", accuracy: false } : null, accuracies.length > 0 ? { series: accuracies, label: "accuracy", accuracy: true } : null].filter((p) => p !== null);
  const panelWidth = width / panels.length;
  panels.forEach((p, i) => body.push(...panel(p.series, i * panelWidth + 70, (i + 1) * panelWidth - 20, top, height - 50, p.label, p.accuracy)));
  if (options.title !== undefined) body.push(text(width / 2, 24, options.title, `font-size="14" text-anchor="middle" font-weight="bold"`));
  return svgDocument(width, height, body);
}
