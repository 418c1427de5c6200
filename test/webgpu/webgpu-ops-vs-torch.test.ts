import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import type { NestedArray, Tensor } from "../../src/index.js";
import { CASES, NABLA_OPS, NOT_DIFFERENTIABLE as OPS_NOT_DIFFERENTIABLE } from "../ops/op-table.js";
import { MATH_CASES, MATH_OPS, NOT_DIFFERENTIABLE as MATH_NOT_DIFFERENTIABLE } from "../ops/math-op-table.js";
import { NABLA_REDUCE, REDUCE_CASES } from "../ops/reduce-table.js";
import { VIEW_CASES, runViewCase } from "../ops/view-op-table.js";
import { tensor } from "../../src/index.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

// The PyTorch fixture tables of test/ops (element-wise, math, reductions and sorts, views and
// indexing), forward and backward, in float32 on webgpu, read with await t.array() (WebGPU has
// no synchronous read and WGSL no float64). Expected values are built on the host from the
// fixtures, never on the device.

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

interface Fixture {
  shape: number[];
  data: (number | string)[];
}
const number = (v: number | string) => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : Number(v));
function nested(f: Fixture): NestedArray {
  const values = f.data.map(number);
  const build = (depth: number, offset: number): NestedArray => {
    if (depth === f.shape.length) return values[offset]!;
    const stride = f.shape.slice(depth + 1).reduce((a, b) => a * b, 1);
    return Array.from({ length: f.shape[depth]! }, (_, i) => build(depth + 1, offset + i * stride));
  };
  return build(0, 0);
}
const onDevice = (f: Fixture, dtype: "float32" | "int32" | "bool" = "float32", requiresGrad = false) => tensor(f.data.map(number), { shape: f.shape, dtype, requiresGrad });

// float32 against PyTorch's float64 as in test/ops (2e-5), widened to 1e-4 on the GPU: WGSL's
// exp, log, sin and cos are a few ulps (sin/cos up to 2^-11 absolute), and sums accumulate in f32.
const ATOL = 1e-4;
const RTOL = 1e-4;
// WGSL's sin and cos are 2^-11 absolute on [−π, π] (SwiftShader's are about that); tan's
// derivative 1 + tan² amplifies its error near the poles
const TRIGONOMETRIC = /^(sin|cos|tan) /;
const TRIG_TOL = 2 ** -10;

// Cases that cannot run on webgpu, and why (each is asserted to fail with that reason)
const CANNOT_RUN: Record<string, RegExp> = {
  "oneHot [2,2]": /oneHot: on the webgpu backend pass numClasses/, // inferring the classes reads the indices back
};

function closeTo(got: NestedArray, want: NestedArray, label: string, failures: string[]): void {
  const [atol, rtol] = TRIGONOMETRIC.test(label) ? [TRIG_TOL, TRIG_TOL] : [ATOL, RTOL];
  const flat = (v: NestedArray): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
  const [g, w] = [flat(got), flat(want)];
  if (g.length !== w.length) return void failures.push(`${label}: ${g.length} values, expected ${w.length}`);
  for (let i = 0; i < w.length; i++) {
    const ok = Number.isNaN(w[i]!) ? Number.isNaN(g[i]!) : g[i] === w[i] || Math.abs(g[i]! - w[i]!) <= atol + rtol * Math.abs(w[i]!);
    if (!ok) return void failures.push(`${label}: element ${i} is ${g[i]}, expected ${w[i]}`);
  }
}

async function check(name: string, out: Tensor, leaves: Tensor[], c: { out?: Fixture; weight?: Fixture; grads?: Fixture[] }, failures: string[]): Promise<void> {
  if (c.out !== undefined) closeTo(await out.array(), nested(c.out), `${name} forward`, failures);
  if (c.weight === undefined || c.grads === undefined) return;
  out.mul(onDevice(c.weight)).sum().backward();
  for (const [i, grad] of c.grads.entries()) {
    const g = leaves[i]!.grad;
    if (g === null) failures.push(`${name}: input ${i} got no gradient`);
    else closeTo(await g.array(), nested(grad), `${name} grad of input ${i}`, failures);
  }
}

async function each<C extends { name: string }>(cases: C[], run: (c: C, failures: string[]) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  await onWebGpu(async () => {
    for (const c of cases) {
      const expected = CANNOT_RUN[c.name];
      try {
        await run(c, failures);
        if (expected !== undefined) failures.push(`${c.name}: ran, but is listed as unable to run`);
      } catch (error) {
        if (expected === undefined || !expected.test((error as Error).message)) failures.push(`${c.name}: ${(error as Error).message}`);
      }
    }
  });
  assert.deepEqual(failures, []);
}

test("webgpu: the element-wise op fixture matches PyTorch, forward and backward (float32)", { skip }, () =>
  each(CASES, async (c, failures) => {
    const leaves = c.inputs.map((x) => onDevice(x, "float32", !OPS_NOT_DIFFERENTIABLE.has(c.op)));
    const args = c.index === undefined ? leaves : [...leaves, onDevice(c.index)];
    await check(c.name, NABLA_OPS[c.op]!(args, c.args), leaves, c, failures);
  }));

test("webgpu: the math op fixture (NaN and ±∞ cases included) matches PyTorch, forward and backward (float32)", { skip }, () =>
  each(MATH_CASES, async (c, failures) => {
    const leaves = c.inputs.map((x) => onDevice(x, "float32", !MATH_NOT_DIFFERENTIABLE.has(c.op)));
    await check(c.name, MATH_OPS[c.op]!(leaves, c.args), leaves, c, failures);
  }));

test("webgpu: the reduction and sort fixture matches PyTorch, values, indices and gradients (float32)", { skip }, () =>
  each(REDUCE_CASES, async (c, failures) => {
    const x = onDevice(c.input, "float32", c.grad !== undefined);
    const result = NABLA_REDUCE[c.op]!(x, c.args);
    if (c.indices !== undefined) closeTo(await result.indices!.array(), nested(c.indices), `${c.name} indices`, failures);
    await check(c.name, result.values!, [x], { out: c.out, weight: c.weight, grads: c.grad === undefined ? undefined : [c.grad] }, failures);
  }));

test("webgpu: the view and indexing fixture matches PyTorch, forward and backward (float32)", { skip }, () =>
  each(VIEW_CASES, async (c, failures) => {
    const { leaves, out } = runViewCase(c, "float32");
    await check(c.name, out, leaves, c, failures);
  }));
