import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { tensor, type Tensor } from "../../src/index.js";
import * as cnn from "../nn/cnn-layer-cases.js";
import * as attention from "../nn/attention-cases.js";
import * as rnn from "../nn/rnn-cases.js";
import { activation, type ActivationCase } from "../nn/activation-cases.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

// The PyTorch layer fixtures of test/nn (convolution, pooling, normalization, embedding,
// attention, recurrent layers, activation modules), forward and backward, in float32 on webgpu,
// read with await t.data(). The cases run exactly as test/nn runs them (the shared
// *-cases.ts modules); expected values come from the fixtures on the host, never the device.

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

// The CPU suites' float32 tolerances hold on the GPU too (measured: ≤ 2e-5 absolute, from the
// f32 sums of the larger convolutions; WGSL's exp and tanh are a few ulps and the GPU sums in f32
// where the CPU kernels round once): cnn-layers-vs-torch's 5e-5, and 4× that for gradients, which
// sum many such terms through normalization and recurrence.
const TOL = 5e-5;
const GRAD_TOL = 2e-4;

type Flat = ArrayLike<number>;
function closeTo(got: Flat, want: Flat, tol: number, label: string, failures: string[]): void {
  if (got.length !== want.length) return void failures.push(`${label}: ${got.length} values, expected ${want.length}`);
  for (let i = 0; i < want.length; i++) {
    const [g, w] = [got[i]!, want[i]!];
    const ok = Number.isNaN(w) ? Number.isNaN(g) : g === w || Math.abs(g - w) <= tol + tol * Math.abs(w);
    if (!ok) return void failures.push(`${label}: element ${i} is ${g}, expected ${w}`);
  }
}

/** Compares a tensor read back from the GPU with a fixture's values (its shape too). */
async function compare(t: Tensor | null, want: { shape: number[]; data: number[] }, tol: number, label: string, failures: string[]): Promise<void> {
  if (t === null) return void failures.push(`${label}: no gradient`);
  if (t.dtype !== "float32") failures.push(`${label}: dtype ${t.dtype}`);
  if (JSON.stringify(t.shape) !== JSON.stringify(want.shape)) return void failures.push(`${label}: shape ${JSON.stringify(t.shape)}, expected ${JSON.stringify(want.shape)}`);
  closeTo(await t.data(), want.data, tol, label, failures);
}

/** Runs every case on webgpu, collecting each mismatch or error with the case's name. */
async function each<C extends { name: string }>(cases: C[], run: (c: C, failures: string[]) => Promise<void>): Promise<void> {
  const failures: string[] = [];
  await onWebGpu(async () => {
    for (const c of cases) {
      try {
        await run(c, failures);
      } catch (error) {
        failures.push(`${c.name}: ${(error as Error).message}`);
      }
    }
  });
  assert.deepEqual(failures, []);
}

test("webgpu: the CNN layer fixture (convolutions, pooling, batch/layer/group norm) matches PyTorch, forward and backward (float32)", { skip }, () =>
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
  }));

test("webgpu: the attention fixture (embedding, scaled dot-product attention, MultiheadAttention, TransformerEncoderLayer) matches PyTorch (float32)", { skip }, () =>
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
  }));

test("webgpu: the recurrent layer fixture (RNN, LSTM, GRU and their cells) matches PyTorch, forward and backward (float32)", { skip }, () =>
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
  }));

const modules = JSON.parse(readFileSync(new URL("../fixtures/nn-modules.json", import.meta.url), "utf8")) as { points: number[]; weights: number[]; activations: ActivationCase[] };

test("webgpu: the activation modules match PyTorch's float32 values and gradients", { skip }, () =>
  each(modules.activations, async (c, failures) => {
    const x = tensor(modules.points, { requiresGrad: true });
    const y = activation(c).call(x);
    y.mul(tensor(modules.weights)).sum().backward();
    const shape = [modules.points.length];
    await compare(y, { shape, data: c.float32.out }, TOL, `${c.name} ${JSON.stringify(c.settings)} out`, failures);
    await compare(x.grad, { shape, data: c.float32.grad }, TOL, `${c.name} ${JSON.stringify(c.settings)} grad`, failures);
  }));

test("webgpu: float64 is refused with a clear error, as PyTorch's MPS refuses it", { skip }, () =>
  onWebGpu(async () => {
    assert.throws(() => tensor([1, 2], { dtype: "float64" }), /webgpu: float64 tensors are not supported \(WGSL has no 64-bit floats/);
    assert.throws(() => tensor([1, 2]).to("float64"), /webgpu: float64 tensors are not supported/);
  }));

test("webgpu: the float64 cases of the layer fixtures", { skip: "float64 does not run on webgpu: WGSL has no 64-bit floats (PyTorch's MPS refuses float64 too); the js and wasm passes of test/nn run them" }, () => undefined);
