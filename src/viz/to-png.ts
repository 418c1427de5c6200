/** SVG → PNG in Node with resvg compiled to WebAssembly (shipped inside its npm package). */
import type { ResvgRenderOptions } from "@resvg/resvg-wasm";
import { nodeBuiltin } from "../io/node-builtin.js";

/** Options of {@link toPng}. */
export interface ToPngOptions {
  /** Output width in pixels (height follows the aspect ratio); default: the SVG's own size. */
  width?: number;
  /** Scale factor when `width` is not given (default 2, for sharp text). */
  zoom?: number;
  /** TTF/OTF font files for the text; default: a sans-serif font found on the system. */
  fonts?: Uint8Array[];
  /** CSS colour behind the picture (default white; SVGs are transparent otherwise). */
  background?: string;
}

// resvg-wasm cannot see system fonts, so text needs a font handed over as bytes.
// Liberation Sans and Arial first: Graphviz sizes its boxes with Helvetica/Arial metrics, which
// they match; DejaVu Sans is wider and would overflow the boxes slightly.
const FONT_CANDIDATES = [
  "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
  "/usr/share/fonts/liberation-sans/LiberationSans-Regular.ttf",
  "/usr/share/fonts/liberation/LiberationSans-Regular.ttf",
  "/Library/Fonts/Arial.ttf",
  "/System/Library/Fonts/Supplemental/Arial.ttf",
  "C:\\Windows\\Fonts\\arial.ttf",
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
  "/usr/share/fonts/TTF/DejaVuSans.ttf",
  "/usr/share/fonts/dejavu/DejaVuSans.ttf",
];

let ready: Promise<typeof import("@resvg/resvg-wasm")> | null = null;
let systemFonts: Uint8Array[] | null = null;

async function loadResvg(): Promise<typeof import("@resvg/resvg-wasm")> {
  const resvg = await import("@resvg/resvg-wasm");
  const { readFile } = nodeBuiltin("toPng", "node:fs/promises");
  const { createRequire } = nodeBuiltin("toPng", "node:module");
  const wasm = await readFile(createRequire(import.meta.url).resolve("@resvg/resvg-wasm/index_bg.wasm"));
  await resvg.initWasm(wasm);
  return resvg;
}

async function findSystemFonts(): Promise<Uint8Array[]> {
  const { readFile } = nodeBuiltin("toPng", "node:fs/promises");
  for (const path of FONT_CANDIDATES) {
    try {
      return [await readFile(path)];
    } catch {
      // not on this system; try the next
    }
  }
  return [];
}

/**
 * Rasterises an SVG document to PNG bytes (Node only). Text is drawn with `fonts`, or with a
 * sans-serif font from the usual system folders; with no font at all, text is left out.
 *
 * @example
 * ```ts
 * import { writeFileSync } from "node:fs";
 * import { viz } from "nabla";
 * const svg = await viz.renderDot("digraph { x -> y }");
 * writeFileSync("/tmp/graph.png", await viz.toPng(svg));
 * ```
 */
export async function toPng(svg: string, options: ToPngOptions = {}): Promise<Uint8Array> {
  ready ??= loadResvg();
  const resvg = await ready;
  const fonts = options.fonts ?? (systemFonts ??= await findSystemFonts());
  const renderOptions: ResvgRenderOptions = {
    fitTo: options.width === undefined ? { mode: "zoom", value: options.zoom ?? 2 } : { mode: "width", value: options.width },
    background: options.background ?? "white",
    font: { fontBuffers: fonts, defaultFontFamily: "sans-serif" },
  };
  const renderer = new resvg.Resvg(svg, renderOptions);
  try {
    const image = renderer.render();
    const png = image.asPng();
    image.free();
    return png;
  } finally {
    renderer.free();
  }
}
