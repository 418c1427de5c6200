/** Test helpers: an SVG must be well-formed XML that resvg renders; a PNG must have its signature. */
import assert from "node:assert/strict";
import { viz } from "../../src/index.js";

/** Checks tags balance (a small XML tokenizer) and returns the root's width and height. */
export function assertWellFormedSvg(svg: string): { width: number; height: number } {
  const body = svg.replace(/<\?xml[^>]*\?>/, "").replace(/<!DOCTYPE[^>]*>/, "").replace(/<!--[\s\S]*?-->/g, "");
  const open: string[] = [];
  for (const match of body.matchAll(/<(\/?)([A-Za-z][\w:.-]*)([^>]*?)(\/?)>/g)) {
    const [, closing, name, , selfClosing] = match;
    if (selfClosing === "/") continue;
    if (closing === "/") assert.equal(open.pop(), name, `unbalanced </${name}>`);
    else open.push(name!);
  }
  assert.deepEqual(open, [], "unclosed tags");
  assert.ok(!/<(?![\/!?A-Za-z])/.test(body), "stray < in text");
  const root = /<svg\b[^>]*>/.exec(body);
  assert.ok(root, "no <svg> root");
  const size = (attribute: string) => {
    const match = new RegExp(`${attribute}="([\\d.]+)(pt|px)?"`).exec(root[0]);
    assert.ok(match, `<svg> has no ${attribute}`);
    return Number(match[1]) * (match[2] === "pt" ? 4 / 3 : 1); // CSS: 1pt = 4/3 px
  };
  return { width: size("width"), height: size("height") };
}

/** Width and height from a PNG's IHDR, after checking the 8-byte signature. */
export function pngSize(png: Uint8Array): { width: number; height: number } {
  assert.deepEqual(Array.from(png.subarray(0, 8)), [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "PNG signature");
  assert.equal(new TextDecoder().decode(png.subarray(12, 16)), "IHDR");
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/** Renders the SVG with resvg (a strict XML parser): throws on anything it cannot parse. */
export async function assertRenders(svg: string, zoom = 1): Promise<{ width: number; height: number }> {
  const { width } = assertWellFormedSvg(svg);
  const size = pngSize(await viz.toPng(svg, { zoom }));
  assert.ok(Math.abs(size.width - width * zoom) <= 1, `PNG width ${size.width} for SVG width ${width}`);
  return size;
}
