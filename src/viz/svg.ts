/** Small shared pieces of hand-written SVG: document, text, axes with "nice" ticks, palette. */
import { formatNumber } from "./format.js";

/**
 * Colours of classes and series (matplotlib's tab10, readable on white and in print): class k
 * is `PALETTE[k]` in every picture nabla draws — the CLI's, `viz`'s and the playground's.
 */
export const PALETTE: readonly string[] = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"];
export const FONT = "DejaVu Sans, Helvetica, Arial, sans-serif";

/**
 * The colour of class (or series) `index`, repeating after ten.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * console.log(viz.paletteColour(0), viz.paletteColour(1)); // #1f77b4 #ff7f0e
 * ```
 */
export function paletteColour(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/** Rounds for SVG coordinates: two decimals are finer than any screen. */
export function px(value: number): string {
  return String(Math.round(value * 100) / 100);
}

export function svgDocument(width: number, height: number, body: string[]): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
    ...body,
    "</svg>",
    "",
  ].join("\n");
}

export function text(x: number, y: number, content: string, attributes = ""): string {
  return `<text x="${px(x)}" y="${px(y)}"${attributes === "" ? "" : ` ${attributes}`}>${escapeXml(content)}</text>`;
}

/** About `count` round tick values covering [min, max] (steps of 1, 2 or 5 × 10^k). */
export function niceTicks(min: number, max: number, count = 7): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * power).find((s) => s >= rough)!;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : Number(v.toPrecision(12)));
  return ticks;
}

/** A linear map from data to pixels. */
export interface Scale {
  (value: number): number;
  domain: [number, number];
}

export function linearScale(domain: [number, number], range: [number, number]): Scale {
  const [d0, d1] = domain[1] > domain[0] ? domain : [domain[0] - 0.5, domain[0] + 0.5];
  const scale = ((value: number) => range[0] + ((value - d0) / (d1 - d0)) * (range[1] - range[0])) as Scale;
  scale.domain = [d0, d1];
  return scale;
}

/** A plot frame: box, grid lines, tick labels and axis titles. */
export function axes(xScale: Scale, yScale: Scale, options: { xLabel: string; yLabel: string; xTicks?: number[] }): string[] {
  const [left, right] = [xScale(xScale.domain[0]), xScale(xScale.domain[1])];
  const [bottom, top] = [yScale(yScale.domain[0]), yScale(yScale.domain[1])];
  const out = [`<rect x="${px(left)}" y="${px(top)}" width="${px(right - left)}" height="${px(bottom - top)}" fill="none" stroke="#444"/>`];
  for (const tick of options.xTicks ?? niceTicks(...xScale.domain)) {
    out.push(`<line x1="${px(xScale(tick))}" y1="${px(bottom)}" x2="${px(xScale(tick))}" y2="${px(bottom + 4)}" stroke="#444"/>`);
    out.push(text(xScale(tick), bottom + 16, formatNumber(tick), `font-size="11" text-anchor="middle"`));
  }
  for (const tick of niceTicks(...yScale.domain)) {
    out.push(`<line x1="${px(left)}" y1="${px(yScale(tick))}" x2="${px(right)}" y2="${px(yScale(tick))}" stroke="#e5e5e5"/>`);
    out.push(text(left - 6, yScale(tick) + 4, formatNumber(tick), `font-size="11" text-anchor="end"`));
  }
  out.push(text((left + right) / 2, bottom + 34, options.xLabel, `font-size="12" text-anchor="middle"`));
  const middle = (top + bottom) / 2;
  out.push(text(left - 44, middle, options.yLabel, `font-size="12" text-anchor="middle" transform="rotate(-90 ${px(left - 44)} ${px(middle)})"`));
  return out;
}

/** Width of a legend box for these labels (text width estimated at 6.5 px per character). */
export function legendWidth(labels: readonly string[]): number {
  return 42 + 6.5 * Math.max(...labels.map((label) => label.length));
}

/** A legend box: one coloured marker and label per entry. */
export function legend(x: number, y: number, entries: { label: string; colour: string; dashed?: boolean; dot?: boolean }[]): string[] {
  const out = [`<rect x="${px(x)}" y="${px(y)}" width="${px(legendWidth(entries.map((e) => e.label)))}" height="${px(8 + 16 * entries.length)}" fill="white" fill-opacity="0.85" stroke="#bbb"/>`];
  entries.forEach((entry, i) => {
    const cy = y + 12 + 16 * i;
    out.push(
      entry.dot
        ? `<circle cx="${px(x + 14)}" cy="${px(cy)}" r="4" fill="${entry.colour}" stroke="white"/>`
        : `<line x1="${px(x + 6)}" y1="${px(cy)}" x2="${px(x + 22)}" y2="${px(cy)}" stroke="${entry.colour}" stroke-width="2"${entry.dashed ? ` stroke-dasharray="4 3"` : ""}/>`,
    );
    out.push(text(x + 28, cy + 4, entry.label, `font-size="11"`));
  });
  return out;
}
