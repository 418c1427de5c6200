import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

// A smoke test of examples/char-transformer.ts: a few training steps and a short sample, in a
// child process, on the js pass only (the script picks its own backend).
test("examples/char-transformer trains a few steps on Ecclesiastes and samples text", { skip: backendUnderTest === "js" ? false : "runs once, in the js pass" }, () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "examples/char-transformer.ts", "--steps", "3", "--sample", "40", "--backend", "wasm"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  assert.match(run.stdout, /Ecclesiastes \(KJV\): 28498 characters, 68 distinct; TinyGPT with 112896 parameters/);
  const losses = [...run.stdout.matchAll(/step (\d+) {2}loss (\d+\.\d+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
  assert.deepEqual(losses.map(([step]) => step), [1, 3]);
  // 68 characters: an untrained model's loss is near ln 68 ≈ 4.2
  assert.ok(losses.every(([, loss]) => loss! > 3 && loss! < 6), run.stdout);
  // the prompt "The " and 40 drawn characters, then console.log's newline
  const sample = /sample \(temperature 0\.8\):\n([\s\S]*)\n$/.exec(run.stdout)?.[1] ?? "";
  assert.ok(sample.startsWith("The "), run.stdout);
  assert.equal(sample.length, 44, JSON.stringify(sample));
});
