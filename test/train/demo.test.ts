import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { backendUnderTest } from "../helpers.js";

// The script runs in a child process on the backend under test (test/helpers.ts preloaded selects
// it); that wiring does not depend on the backend, so it runs in the js pass only.
const once = { skip: backendUnderTest === "js" ? false : "runs once, in the js pass" };

test("npm run demo (scripts/demo.ts) trains the three lecture models and the spiral, each to ≥ 0.95", once, () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "--import", "./test/helpers.ts", "scripts/demo.ts"], { encoding: "utf8" });
  assert.equal(run.status, 0, run.stderr);
  const accuracies = [...run.stdout.matchAll(/training accuracy: (\d\.\d+)/g)].map((match) => Number(match[1]));
  assert.equal(accuracies.length, 4, run.stdout);
  for (const value of accuracies) assert.ok(value >= 0.95, `accuracy ${value}`);
  assert.match(run.stdout, /== 3\. A one-hidden-layer MLP on two moons/);
  // each plot's legend lists its own classes: no "+ = class 2" under a two-class plot
  const legends = [...run.stdout.matchAll(/points: (.*);/g)].map((match) => match[1]);
  assert.deepEqual(legends, ["o = class 0, x = class 1", "o = class 0, x = class 1, + = class 2", "o = class 0, x = class 1", "o = class 0, x = class 1, + = class 2"]);
});
