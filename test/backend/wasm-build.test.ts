import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// CI's guard against a stale WebAssembly build: recompiles src/backend/wasm/assembly (and the
// opcodes from the op table) into a temporary directory and fails if the committed
// assembly/opcodes.ts or generated/kernels.ts differ. About 10 s, so it runs once per `npm test`
// (under the js backend run; it does not depend on the backend).
test("the committed WebAssembly build is what src/backend/wasm/assembly and the op table build (npm run build:wasm regenerates it)", { skip: backendUnderTest !== "js" && "runs once, in the js backend's run" }, () => {
  const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/build-wasm.mjs", "--check"], { encoding: "utf8" });
  assert.equal(result.status, 0, `${result.stdout}${result.stderr}`);
  assert.match(result.stdout, /match the sources/);
});
