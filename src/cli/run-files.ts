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

/** Writes `name`.svg and `name`.png (atomically); returns both paths. */
export async function writePicture(dir: string, name: string, svg: string): Promise<string[]> {
  mkdirSync(dir, { recursive: true });
  const svgPath = join(dir, `${name}.svg`);
  const pngPath = join(dir, `${name}.png`);
  await io.writeFileAtomic(svgPath, svg);
  await io.writeFileAtomic(pngPath, await viz.toPng(svg, { zoom: 2 }));
  return [svgPath, pngPath];
}

/** Writes JSON with a trailing newline, atomically. */
export async function writeJson(path: string, value: unknown): Promise<void> {
  await io.writeFileAtomic(path, JSON.stringify(value, null, 2) + "\n");
}
