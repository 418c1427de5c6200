import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { extractBlocks, runBlock } from "./code-blocks.js";

test("extractBlocks pairs each ts block with the text block introduced by Output:, and only that", () => {
  const markdown = ["# T", "```ts", "console.log(1);", "```", "", "Output:", "", "```text", "1", "```", "", "```ts", "let a = 2;", "```", "", "```text", "not an output", "```", "```sh", "ls", "```"].join("\n");
  assert.deepEqual(extractBlocks(markdown), [
    { line: 2, code: "console.log(1);", output: "1" },
    { line: 12, code: "let a = 2;", output: null },
  ]);
  assert.throws(() => extractBlocks("```ts\nx"), /unclosed code fence at line 1/);
});

test("runBlock runs a block against the source tree and captures what it prints", async () => {
  const printed = await runBlock('import { tensor } from "nabla";\nconsole.log(tensor([1, 2]).sum().item());\nconsole.log("a", [1]);');
  assert.equal(printed, "3\na [ 1 ]");
  await assert.rejects(runBlock('throw new Error("block failed");'), /block failed/);
});
