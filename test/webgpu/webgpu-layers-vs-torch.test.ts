import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { tensor } from "../../src/index.js";
import { LAYER_SUITES } from "./fixture-suites.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

// The PyTorch layer fixtures of test/nn (convolution, pooling, normalization, embedding,
// attention, recurrent layers, activation modules), forward and backward, in float32 on webgpu.
// The cases run exactly as test/nn runs them (the shared *-cases.ts modules); the suites, their
// tolerances and why are in fixture-suites.ts, which test/browser/webgpu-suites.test.ts runs in
// Chromium too.

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

for (const suite of LAYER_SUITES) {
  test(`webgpu: ${suite.title}`, { skip }, async () => assert.deepEqual(await onWebGpu(suite.run), []));
}

test("webgpu: float64 is refused with a clear error, as PyTorch's MPS refuses it", { skip }, () =>
  onWebGpu(async () => {
    assert.throws(() => tensor([1, 2], { dtype: "float64" }), /webgpu: float64 tensors are not supported \(WGSL has no 64-bit floats/);
    assert.throws(() => tensor([1, 2]).to("float64"), /webgpu: float64 tensors are not supported/);
  }));

test("webgpu: the float64 cases of the layer fixtures", { skip: "float64 does not run on webgpu: WGSL has no 64-bit floats (PyTorch's MPS refuses float64 too); the js and wasm passes of test/nn run them" }, () => undefined);
