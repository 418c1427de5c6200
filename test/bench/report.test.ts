import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { formatTable, summarize } from "../../bench/report.js";
import type { WorkerResult } from "../../bench/data.js";

const run = (framework: string, workload: string, value: number, extra: Partial<WorkerResult> = {}): WorkerResult => ({ framework, workload, value, unit: "steps/s", peakRssMB: 100, ...extra });

test("medians per framework, and ratios nabla-wasm ÷ peer in the table", () => {
  const summary = summarize(
    [
      run("nabla-wasm", "W1", 300, { finalLoss: 0.0084014 }),
      run("nabla-wasm", "W1", 100, { finalLoss: 0.0084014 }),
      run("nabla-wasm", "W1", 200, { finalLoss: 0.0084014 }),
      run("pytorch", "W1", 50, { finalLoss: 0.0084014 }),
    ],
    ["nabla-wasm", "pytorch"],
  );
  assert.equal(summary.rows[0]!.medians["nabla-wasm"], 200);
  assert.deepEqual(summary.mismatches, []);
  assert.match(formatTable(summary), /\| W1 tiny MLP, steps\/s \|\s+200 \|\s+50\.0 \|\s+4\.00× \|/);
});

test("a framework that reached another loss, or a sgemm with a large error, is reported", () => {
  const summary = summarize(
    [
      run("pytorch", "W2", 1, { finalLoss: 0.1325359 }),
      run("tfjs-cpu", "W2", 1, { finalLoss: 0.1326 }),
      run("nabla-wasm", "W4-128", 40, { unit: "GFLOP/s", checks: { maxRelError: 3e-3 } }),
    ],
    ["nabla-wasm", "tfjs-cpu", "pytorch"],
  );
  assert.equal(summary.mismatches.length, 2);
  assert.match(summary.mismatches[0]!, /W2 tfjs-cpu: loss 0.1326 vs 0.1325359/);
  assert.match(summary.mismatches[1]!, /W4-128 nabla-wasm: relative error 3.00e-3/);
});

test("without PyTorch the losses are checked against WORKLOADS.md's values", () => {
  const summary = summarize([run("nabla-js", "W3", 1.5, { unit: "s/epoch", checks: { loss20: 1.5 } })], ["nabla-js"]);
  assert.match(summary.mismatches[0]!, /W3 nabla-js: loss 1.5 vs 1.44917/);
});

test("compiled nabla gets its own ratio columns", () => {
  const summary = summarize([run("nabla-wasm", "W1", 100), run("nabla-wasm-compiled", "W1", 600), run("pytorch", "W1", 200)], ["nabla-wasm", "nabla-wasm-compiled", "pytorch"]);
  assert.match(formatTable(summary), /\| W1 tiny MLP, steps\/s \|\s+100 \|\s+600 \|\s+200 \|\s+0\.50× \|\s+3\.00× \|/);
  assert.match(formatTable(summary), /wasm÷pytorch \| compiled÷pytorch/);
});
