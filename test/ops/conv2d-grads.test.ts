import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, randn } from "../../src/index.js";
import type { WindowSpec } from "../../src/backend/backend.js";
import { conv2dInputGrad, conv2dPrimitive, conv2dWeightGrad } from "../../src/ops/conv2d.js";

// The convolution primitive and its two gradient ops (src/ops/conv2d.ts) against finite
// differences in float64: each op's rule is written in terms of the other two, so all three
// rules are checked here, with stride, padding and dilation.

const spec: WindowSpec = { batch: 2, channels: 3, height: 6, width: 5, kernelH: 3, kernelW: 2, strideH: 2, strideW: 1, padH: 1, padW: 1, dilationH: 1, dilationW: 2, outH: 3, outW: 5 };
const outChannels = 4;
const f64 = { dtype: "float64" as const, requiresGrad: true };
const x = (): ReturnType<typeof randn> => randn([spec.batch, spec.channels, spec.height, spec.width], f64);
const w = (): ReturnType<typeof randn> => randn([outChannels, spec.channels, spec.kernelH, spec.kernelW], f64);
const g = (): ReturnType<typeof randn> => randn([spec.batch, outChannels, spec.outH, spec.outW], f64);

test("conv2d primitive: gradients of input, weight and bias match finite differences", () => {
  assert.equal(gradcheck((xs, ws, bs) => conv2dPrimitive(xs!, ws!, bs!, spec), [x(), w(), randn([outChannels], f64)]), true);
});

test("conv2dInputGrad: its own gradients (in g and in the weight) match finite differences", () => {
  assert.equal(gradcheck((gs, ws) => conv2dInputGrad(gs!, ws!, spec), [g(), w()]), true);
});

test("conv2dWeightGrad: its own gradients (in x and in g) match finite differences", () => {
  assert.equal(gradcheck((xs, gs) => conv2dWeightGrad(xs!, gs!, spec, [outChannels, spec.channels, spec.kernelH, spec.kernelW]), [x(), g()]), true);
});
