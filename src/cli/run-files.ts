/** Writing a run's files: metrics, pictures as SVG and PNG, and the default run directory. */
import { existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { io, viz } from "../index.js";

/** `runs/<date>_<time>` under the working directory, with a suffix if that already exists. */
export function defaultRunDir(prefix = ""): string {
  const stamp = new Date().toISOString().slice(0, 19).replace("T", "_").replace(/:/g, "-");
  let dir = join("runs", `${prefix}${stamp}`);
  for (let n = 2; existsSync(dir); n++) dir = join("runs", `${prefix}${stamp}-${n}`);
  return dir;
}

// A PNG no wider than a printed page at 300 dpi (A4 and Letter are about 2,500 px wide there).
const PAGE_WIDTH_PX = 2400;

/** The SVG's width in CSS pixels, from its width attribute (Graphviz writes points). */
export function svgWidthPx(svg: string): number {
  const match = /<svg[^>]*\swidth="([\d.]+)(pt|px)?"/.exec(svg);
  if (match === null) return 0;
  return Number(match[1]) * (match[2] === "pt" ? 4 / 3 : 1);
}

/** Writes `name`.svg and `name`.png (atomically, the PNG at twice the size, at most a page wide); returns both paths. */
export async function writePicture(dir: string, name: string, svg: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  await io.writeFileAtomic(svgPath, svg);
  const fitsPage = svgWidthPx(svg) * 2 <= PAGE_WIDTH_PX;
  await io.writeFileAtomic(pngPath, await viz.toPng(svg, fitsPage ? { zoom: 2 } : { width: PAGE_WIDTH_PX }));
  return [svgPath, pngPath];
}

/** Writes JSON with a trailing newline, atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await io.writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
