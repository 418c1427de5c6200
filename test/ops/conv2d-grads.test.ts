import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, randn } from "../../src/index.js";
import type { WindowSpec } from "../../src/backend/backend.js";
import { conv2dInputGrad, conv2dPrimitive, conv2dWeightGrad } from "../../src/ops/conv2d.js";
import { avgPool2dGrad, avgPool2dPrimitive } from "../../src/ops/sliding-window.js";
import { tensor } from "../../src/index.js";

// The convolution primitive and its two gradient ops (src/ops/conv2d.ts), and average pooling
// with its adjoint (src/ops/sliding-window.ts), against finite differences in float64: each
// op's rule is written in terms of the others, so every rule is checked here, with stride,
// padding and dilation.

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

test("avgPool2d primitive and its adjoint: gradients match finite differences", () => {
  const pool: WindowSpec = { ...spec, kernelH: 3, kernelW: 2, strideH: 2, strideW: 2, padH: 1, padW: 1, dilationH: 1, dilationW: 1, outH: 3, outW: 3 };
  const divisors = tensor([6, 6, 4, 5, 6, 3, 2, 6, 6], { dtype: "float64" });
  assert.equal(gradcheck((xs) => avgPool2dPrimitive(xs!, divisors, pool), [x()]), true);
  assert.equal(gradcheck((ys) => avgPool2dGrad(ys!, divisors, pool), [randn([spec.batch, spec.channels, 3, 3], f64)]), true);
});
