/**
 * Finds the ```ts blocks of a Markdown document and the "Output:" block after each, and runs a
 * block in this process (with `from "nabla"` pointing at the source tree) capturing what it prints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { format } from "node:util";
import { test } from "node:test";
import assert from "node:assert/strict";

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

/**
 * Registers the tests of a Markdown document: it has at least `minimumBlocks` ts blocks, each
 * followed by its "Output:", and each prints exactly that output when run.
 */
export function testDocument(path: string, minimumBlocks: number): void {
  const blocks = extractBlocks(readFileSync(path, "utf8"));
  test(`${path} has code blocks, each followed by its "Output:"`, () => {
    assert.ok(blocks.length >= minimumBlocks, `only ${blocks.length} ts blocks`);
    for (const block of blocks) assert.notEqual(block.output, null, `${path}:${block.line}: a ts block without an "Output:" text block after it`);
  });
  for (const block of blocks) {
    test(`${path}:${block.line} prints its documented output`, async () => {
      const printed = await runBlock(block.code);
      assert.equal(printed.trimEnd(), (block.output ?? "").trimEnd(), `${path}:${block.line}`);
    });
  }
}
