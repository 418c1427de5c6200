import "../helpers.js";
import { test } from "node:test";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { runBlock } from "./code-blocks.js";

// Every public function carries a runnable @example; running them keeps them runnable.
function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === "assembly" ? [] : sourceFiles(path);
    return name.endsWith(".ts") ? [path] : [];
  });
}

const EXAMPLE = /@example\s*\n((?:\s*\*.*\n)*?)\s*\*\s*```ts\s*\n((?:\s*\*.*\n)*?)\s*\*\s*```/g;

for (const file of sourceFiles("src")) {
  const text = readFileSync(file, "utf8");
  for (const match of text.matchAll(EXAMPLE)) {
    const line = text.slice(0, match.index).split("\n").length;
    const code = match[2]!
      .split("\n")
      .map((l) => l.replace(/^\s*\* ?/, ""))
      .join("\n");
    if (!code.includes('from "nabla"')) continue;
    test(`${file}:${line} @example runs`, async () => {
      await runBlock(code);
    });
  }
}
