import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { extractBlocks, runBlock } from "./code-blocks.js";

// The README's examples are the first code a new user runs: each must print what it shows.
const path = "README.md";
const blocks = extractBlocks(readFileSync(path, "utf8"));

test(`${path} has its API tour, each block followed by its "Output:"`, () => {
  assert.ok(blocks.length >= 5, `only ${blocks.length} ts blocks`);
  for (const block of blocks) assert.notEqual(block.output, null, `${path}:${block.line}: a ts block without an "Output:" text block after it`);
});

for (const block of blocks) {
  test(`${path}:${block.line} prints its documented output`, async () => {
    const printed = await runBlock(block.code);
    assert.equal(printed.trimEnd(), (block.output ?? "").trimEnd(), `${path}:${block.line}`);
  });
}
