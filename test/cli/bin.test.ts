import { test } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { backendUnderTest } from "../helpers.js";
import { REPO } from "./run-nabla.js";

const packageJson = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as { bin?: Record<string, string> };
const built = join(REPO, "dist/cli/main.js");

test("package.json maps the nabla command to the built entry point, which starts with a shebang", () => {
  assert.equal(packageJson.bin?.nabla, "dist/cli/main.js");
  assert.match(readFileSync(join(REPO, "src/cli/main.ts"), "utf8"), /^#!\/usr\/bin\/env node\n/);
});

test("the built bin (npm install runs the build) answers the lecture's example", { skip: (backendUnderTest !== "js" && "tested in the js pass") || (!existsSync(built) && "dist/ not built: run npm run build") }, () => {
  const out = mkdtempSync(join(tmpdir(), "nabla-bin-"));
  try {
    const stdout = execFileSync(process.execPath, [built, "graph", "(x + y) * z", "--x", "-2", "--y", "5", "--z", "-4", "--out", out], { encoding: "utf8" });
    assert.match(stdout, /f = q \* z = -12/);
    assert.match(stdout, /df\/dx = -4/);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});
