/**
 * Finds the ```ts blocks of a Markdown document and the "Output:" block after each, and runs a
 * block in this process (with `from "nabla"` pointing at the source tree) capturing what it prints.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  line: number;
  code: string;
  /** The text of the ```text block introduced by "Output:" right after the code, if any. */
  output: string | null;
}

const FENCE = /^```(\w*)\s*$/;

export function extractBlocks(markdown: string): CodeBlock[] {
  const lines = markdown.split("\n");
  const fences: { line: number; lang: string; body: string; textBefore: string }[] = [];
  let previousEnd = 0;
  for (let i = 0; i < lines.length; i++) {
    const open = FENCE.exec(lines[i]!);
    if (open === null) continue;
    const end = lines.findIndex((l, j) => j > i && l.trim() === "```");
    if (end < 0) throw new Error(`unclosed code fence at line ${i + 1}`);
    fences.push({ line: i + 1, lang: open[1]!, body: lines.slice(i + 1, end).join("\n"), textBefore: lines.slice(previousEnd, i).join("\n").trim() });
    previousEnd = end + 1;
    i = end;
  }
  const blocks: CodeBlock[] = [];
  fences.forEach((fence, k) => {
    if (fence.lang !== "ts") return;
    const next = fences[k + 1];
    const isOutput = next !== undefined && next.lang === "text" && next.textBefore === "Output:";
    blocks.push({ line: fence.line, code: fence.body, output: isOutput ? next.body : null });
  });
  return blocks;
}

const sourceIndex = pathToFileURL(resolve(fileURLToPath(import.meta.url), "../../../src/index.js")).href;

/** Runs one block as an ES module and returns what it wrote with console.log, one line per call. */
export async function runBlock(code: string): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "nabla-doc-"));
  const file = join(dir, "block.mts"); // .mts: an ES module wherever the temp directory is
  writeFileSync(file, code.replace(/from "nabla"/g, `from ${JSON.stringify(sourceIndex)}`));
  const printed: string[] = [];
  const original = console.log;
  console.log = (...values: unknown[]) => void printed.push(format(...values));
  try {
    await import(pathToFileURL(file).href);
  } finally {
    console.log = original;
    rmSync(dir, { recursive: true });
  }
  return printed.join("\n");
}
