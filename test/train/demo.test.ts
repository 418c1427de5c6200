import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";

test("npm run demo (scripts/demo.ts) trains the three lecture models and the spiral, each to ≥ 0.95", () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/demo.ts"], { encoding: "utf8", env: process.env });
  assert.equal(run.status, 0, run.stderr);
  const accuracies = [...run.stdout.matchAll(/training accuracy: (\d\.\d+)/g)].map((match) => Number(match[1]));
  assert.equal(accuracies.length, 4, run.stdout);
  for (const value of accuracies) assert.ok(value >= 0.95, `accuracy ${value}`);
  assert.match(run.stdout, /== 3\. A one-hidden-layer MLP on two moons/);
});
