import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { OP_SUITES } from "./fixture-suites.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

// The PyTorch fixture tables of test/ops (element-wise, math, reductions and sorts, views and
// indexing), forward and backward, in float32 on webgpu; the cases, their tolerances and why
// are in fixture-suites.ts, which test/browser/webgpu-suites.test.ts runs in Chromium too.

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

for (const suite of OP_SUITES) {
  test(`webgpu: ${suite.title}`, { skip }, async () => assert.deepEqual(await onWebGpu(suite.run), []));
}
