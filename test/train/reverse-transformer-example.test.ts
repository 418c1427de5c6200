import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// examples/reverse-transformer.ts in a child process, on the js pass only (the script picks its
// own backend): a short run must print its losses and test line; the default run must learn.
const skip = backendUnderTest === "js" ? false : "runs once, in the js pass";

function run(args: string[]): string {
  const result = spawnSync(process.execPath, ["--import", "tsx", "examples/reverse-transformer.ts", ...args], { encoding: "utf8" });
  assert.equal(result.status, 0, result.stderr);
  return result.stdout;
}

test("examples/reverse-transformer runs a few steps and decodes 200 sequences", { skip }, () => {
  const out = run(["--steps", "3", "--backend", "wasm"]);
  const losses = [...out.matchAll(/step (\d+) {2}loss (\d+\.\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(losses.map(([step]) => step), [1, 3]);
  assert.ok(losses.every(([, loss]) => loss! > 1.5 && loss! < 4), out); // untrained: near ln 10 ≈ 2.3
  assert.match(out, /reversed \d+ of 200 new sequences exactly\ne\.g\. \d{6} → \d{6}\n$/);
});

test("examples/reverse-transformer learns to reverse: 150 steps reverse nearly every new sequence", { skip }, () => {
  const out = run(["--steps", "150", "--backend", "wasm"]);
  const last = Number(/step 150 {2}loss (\d+\.\d+)/.exec(out)?.[1]);
  assert.ok(last < 0.1, out);
  const right = Number(/reversed (\d+) of 200/.exec(out)?.[1]);
  assert.ok(right >= 190, out);
});
