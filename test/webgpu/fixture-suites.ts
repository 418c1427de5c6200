/**
 * The PyTorch fixture tables of test/ops (element-wise, math, reductions and sorts, views and
 * indexing) and test/nn (convolution, pooling, normalization, embedding, attention, recurrent
 * layers, resizing, activation modules), forward and backward, in float32 on the backend selected now,
 * read with `await` (WebGPU has no synchronous read and WGSL no float64). Expected values are
 * built on the host from the fixtures, never on the device. Each suite returns its mismatches
 * and errors, one line each, instead of asserting: test/webgpu runs them in Node, and
 * test/browser/webgpu-suites.test.ts runs the same list in Chromium headless (on wasm and
 * webgpu, in one page), so nothing here may import Node's modules other than the fixture
 * tables' `readFileSync` (the page's bundle serves the fixture files in its place).
 */
import { readFileSync } from "node:fs";
import { getBackend, nn, tensor, type NestedArray, type Tensor } from "../../src/index.js";
import type { InterpolateOptions } from "../../src/nn/functional/interpolate.js";
import { CASES, NABLA_OPS, NOT_DIFFERENTIABLE as OPS_NOT_DIFFERENTIABLE } from "../ops/op-table.js";
import { MATH_CASES, MATH_OPS, NOT_DIFFERENTIABLE as MATH_NOT_DIFFERENTIABLE } from "../ops/math-op-table.js";
import { NABLA_REDUCE, REDUCE_CASES } from "../ops/reduce-table.js";
import { VIEW_CASES, runViewCase } from "../ops/view-op-table.js";
import * as cnn from "../nn/cnn-layer-cases.js";
import * as attention from "../nn/attention-cases.js";
import * as rnn from "../nn/rnn-cases.js";
import { activation, type ActivationCase } from "../nn/activation-cases.js";

export interface FixtureSuite {
  /** The test's title. */
  readonly title: string;
  /** Runs every case on the backend selected now; the failures, one line each. */
  readonly run: () => Promise<string[]>;
}

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

// Ops: float32 against PyTorch's float64 as in test/ops (2e-5), widened to 1e-4 on the GPU:
// WGSL's exp, log, sin and cos are a few ulps (sin/cos up to 2^-11 absolute), and sums
// accumulate in f32.
const ATOL = 1e-4;
const RTOL = 1e-4;
// WGSL's sin and cos are 2^-11 absolute on [−π, π] (SwiftShader's are about that); tan's
// derivative 1 + tan² amplifies its error near the poles
const TRIGONOMETRIC = /^(sin|cos|tan) /;
const TRIG_TOL = 2 ** -10;

// Cases that cannot run on webgpu, and why (each is asserted to fail with that reason there)
const CANNOT_RUN_ON_WEBGPU: Record<string, RegExp> = {
  "oneHot [2,2]": /oneHot: on the webgpu backend pass numClasses/, // inferring the classes reads the indices back
};

function opsClose(got: NestedArray, want: NestedArray, label: string, failures: string[]): void {
  const [atol, rtol] = TRIGONOMETRIC.test(label) ? [TRIG_TOL, TRIG_TOL] : [ATOL, RTOL];
  const flat = (v: NestedArray): number[] => (Array.isArray(v) ? v.flatMap(flat) : [Number(v)]);
  closeTo(flat(got), flat(want), atol, rtol, label, failures);
}

function closeTo(got: ArrayLike<number>, want: ArrayLike<number>, atol: number, rtol: number, label: string, failures: string[]): void {
  if (got.length !== want.length) return void failures.push(`${label}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= atol + rtol * Math.abs(w);
    if (!ok) return void failures.push(`${label}: element ${i} is ${g}, expected ${w}`);
  }
}

async function check(name: string, out: Tensor, leaves: Tensor[], c: { out?: Fixture; weight?: Fixture; grads?: Fixture[] }, failures: string[]): Promise<void> {
  if (c.out !== undefined) opsClose(await out.array(), nested(c.out), `${name} forward`, failures);
  if (c.weight === undefined || c.grads === undefined) return;
  out.mul(onDevice(c.weight)).sum().backward();
  for (const [i, grad] of c.grads.entries()) {
    const g = leaves[i]!.grad;
    if (g === null) failures.push(`${name}: input ${i} got no gradient`);
    else opsClose(await g.array(), nested(grad), `${name} grad of input ${i}`, failures);
  }
}

/** Runs every case, collecting each mismatch or error with the case's name. */
async function each<C extends { name: string }>(cases: C[], run: (c: C, failures: string[]) => Promise<void>): Promise<string[]> {
  const failures: string[] = [];
  const cannotRun = getBackend() === "webgpu" ? CANNOT_RUN_ON_WEBGPU : {};
  for (const c of cases) {
    const expected = cannotRun[c.name];
    try {
      await run(c, failures);
      if (expected !== undefined) failures.push(`${c.name}: ran, but is listed as unable to run`);
    } catch (error) {
      if (expected === undefined || !expected.test((error as Error).message)) failures.push(`${c.name}: ${(error as Error).message}`);
    }
  }
  return failures;
}

/** The op fixtures (test/ops), forward and backward. */
export const OP_SUITES: readonly FixtureSuite[] = [
  {
    title: "the element-wise op fixture matches PyTorch, forward and backward (float32)",
    run: () =>
      each(CASES, async (c, failures) => {
        const leaves = c.inputs.map((x) => onDevice(x, "float32", !OPS_NOT_DIFFERENTIABLE.has(c.op)));
        const args = c.index === undefined ? leaves : [...leaves, onDevice(c.index)];
        await check(c.name, NABLA_OPS[c.op]!(args, c.args), leaves, c, failures);
      }),
  },
  {
    title: "the math op fixture (NaN and ±∞ cases included) matches PyTorch, forward and backward (float32)",
    run: () =>
      each(MATH_CASES, async (c, failures) => {
        const leaves = c.inputs.map((x) => onDevice(x, "float32", !MATH_NOT_DIFFERENTIABLE.has(c.op)));
        await check(c.name, MATH_OPS[c.op]!(leaves, c.args), leaves, c, failures);
      }),
  },
  {
    title: "the reduction and sort fixture matches PyTorch, values, indices and gradients (float32)",
    run: () =>
      each(REDUCE_CASES, async (c, failures) => {
        const x = onDevice(c.input, "float32", c.grad !== undefined);
        const result = NABLA_REDUCE[c.op]!(x, c.args);
        if (c.indices !== undefined) opsClose(await result.indices!.array(), nested(c.indices), `${c.name} indices`, failures);
        await check(c.name, result.values!, [x], { out: c.out, weight: c.weight, grads: c.grad === undefined ? undefined : [c.grad] }, failures);
      }),
  },
  {
    title: "the view and indexing fixture matches PyTorch, forward and backward (float32)",
    run: () =>
      // (indexing by a bool mask tensor reads it to count its true entries, which a GPU answers
      // only asynchronously: an error there, tested in webgpu-kernels.test.ts)
      each(VIEW_CASES.filter((c) => c.args.masks === undefined), async (c, failures) => {
        const { leaves, out } = runViewCase(c, "float32");
        await check(c.name, out, leaves, c, failures);
      }),
  },
];

// Layers: the CPU suites' float32 tolerances hold on the GPU too (measured: ≤ 2e-5 absolute,
// from the f32 sums of the larger convolutions; WGSL's exp and tanh are a few ulps and the GPU
// sums in f32 where the CPU kernels round once): cnn-layers-vs-torch's 5e-5, and 4× that for
// gradients, which sum many such terms through normalization and recurrence.
const TOL = 5e-5;
const GRAD_TOL = 2e-4;

/** Compares a tensor read back with a fixture's values (its shape and dtype too). */
async function compare(t: Tensor | null, want: { shape: number[]; data: number[] }, tol: number, label: string, failures: string[]): Promise<void> {
  if (t === null) return void failures.push(`${label}: no gradient`);
  if (t.dtype !== "float32") failures.push(`${label}: dtype ${t.dtype}`);
  if (JSON.stringify(t.shape) !== JSON.stringify(want.shape)) return void failures.push(`${label}: shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(want.shape)}`);
  closeTo(await t.data(), want.data, tol, tol, label, failures);
}

const modules = JSON.parse(readFileSync(new URL("../fixtures/nn-modules.json", import.meta.url), "utf8")) as { points: number[]; weights: number[]; activations: ActivationCase[] };

interface InterpolateCase {
  dtype: string;
  options: InterpolateOptions;
  input: Fixture & { data: number[] };
  out: { shape: number[]; data: number[] };
  weight: Fixture & { data: number[] };
  grad: { shape: number[]; data: number[] };
  gradOfForward?: { shape: number[]; data: number[] };
}
// made by scripts/fixtures/make_interpolate_fixtures.py (test/nn/interpolate.test.ts runs them on the CPU backends)
const resizes = (JSON.parse(readFileSync(new URL("../fixtures/interpolate.json", import.meta.url), "utf8")) as { cases: InterpolateCase[] }).cases
  .filter((c) => c.dtype === "float32")
  .map((c) => ({ ...c, name: `interpolate [${c.input.shape.join(",")}] ${JSON.stringify(c.options)}` }));

/** The layer fixtures (test/nn), forward and backward. */
export const LAYER_SUITES: readonly FixtureSuite[] = [
  {
    title: "the CNN layer fixture (convolutions, pooling, batch/layer/group norm) matches PyTorch, forward and backward (float32)",
    run: () =>
      each(cnn.fixture.cases, async (c, failures) => {
        const leaves: cnn.Inputs = {};
        for (const [k, v] of Object.entries(c.inputs)) leaves[k] = cnn.rebuild(v, "float32").requiresGrad_();
        const state: cnn.Inputs = {};
        for (const [k, v] of Object.entries(c.runningBefore ?? {})) state[k] = cnn.rebuild(v, "float32");
        const out = cnn.run(c, leaves, state);
        await compare(out, c.out, TOL, `${c.name} forward`, failures);
        for (const [k, v] of Object.entries(c.runningAfter ?? c.runningBefore ?? {})) await compare(state[k]!, v, TOL, `${c.name} ${k}`, failures);
        out.mul(cnn.rebuild(c.upstream, "float32")).sum().backward();
        for (const [k, g] of Object.entries(c.grads)) await compare(leaves[k]!.grad, g, GRAD_TOL, `${c.name} grad of ${k}`, failures);
      }),
  },
  {
    title: "the attention fixture (embedding, scaled dot-product attention, MultiheadAttention, the transformer encoder and decoder, nn.Transformer) matches PyTorch (float32)",
    run: () =>
      each(attention.fixture.cases, async (c, failures) => {
        const { outputs, leaves } = attention.run(c, "float32");
        let total: Tensor | null = null;
        for (const [i, out] of outputs.entries()) {
          await compare(out, c.outputs[i]!, TOL, `${c.name} output ${i}`, failures);
          const term = out.mul(attention.rebuild(c.upstreams[i]!, "float32")).sum();
          total = total === null ? term : total.add(term);
        }
        total!.backward();
        for (const [name, t] of Object.entries(leaves)) await compare(t.grad, c.grads[name]!, GRAD_TOL, `${c.name} grad of ${name}`, failures);
      }),
  },
  {
    title: "the recurrent layer fixture (RNN, LSTM, GRU and their cells) matches PyTorch, forward and backward (float32)",
    run: () =>
      each(rnn.fixture.cases, async (c, failures) => {
        const module = rnn.build(c, "float32");
        module.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, rnn.rebuild(v, "float32")])));
        const leaves: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) leaves[k] = rnn.rebuild(v, "float32").requiresGrad_();
        const outputs = rnn.run(module, leaves);
        let loss: Tensor | null = null;
        for (const [k, out] of Object.entries(outputs)) {
          await compare(out, c.outputs[k]!, TOL, `${c.name}: ${k}`, failures);
          const term = out.mul(rnn.rebuild(c.upstream[k]!, "float32")).sum();
          loss = loss === null ? term : loss.add(term);
        }
        loss!.backward();
        const parameters = new Map(module.namedParameters());
        for (const [k, g] of Object.entries(c.grads)) await compare((leaves[k] ?? parameters.get(k))?.grad ?? null, g, GRAD_TOL, `${c.name}: grad of ${k}`, failures);
      }),
  },
  {
    title: "the interpolate fixture (nearest, nearest-exact, linear, bilinear, area) matches PyTorch, forward and backward (float32)",
    run: () =>
      each(resizes, async (c, failures) => {
        const x = onDevice(c.input, "float32", true);
        const out = nn.functional.interpolate(x, c.options);
        await compare(out, c.out, TOL, `${c.name} forward`, failures);
        out.mul(onDevice(c.weight)).sum().backward();
        await compare(x.grad, c.gradOfForward ?? c.grad, GRAD_TOL, `${c.name} gradient`, failures);
      }),
  },
  {
    title: "the activation modules match PyTorch's float32 values and gradients",
    run: () =>
      each(modules.activations, async (c, failures) => {
        const x = tensor(modules.points, { requiresGrad: true });
        const y = activation(c).call(x);
        y.mul(tensor(modules.weights)).sum().backward();
        const shape = [modules.points.length];
        await compare(y, { shape, data: c.float32.out }, TOL, `${c.name} ${JSON.stringify(c.settings)} out`, failures);
        await compare(x.grad, { shape, data: c.float32.grad }, TOL, `${c.name} ${JSON.stringify(c.settings)} grad`, failures);
      }),
  },
];
