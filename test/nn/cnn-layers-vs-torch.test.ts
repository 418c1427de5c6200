import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers.js";
import { gradcheck, nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/cnn-layers.json is written by scripts/fixtures/make_cnn_fixtures.py (PyTorch, float64).
interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  args: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  out: FixtureTensor;
  upstream: FixtureTensor;
  grads: Record<string, FixtureTensor>;
  runningBefore?: Record<string, FixtureTensor>;
  runningAfter?: Record<string, FixtureTensor>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/cnn-layers.json", import.meta.url), "utf8")) as { cases: Case[] };

const F = nn.functional;
const rebuild = (t: FixtureTensor, dtype: DType): Tensor => tensor(t.data, { shape: t.shape, dtype });
const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();

type Args = Record<string, unknown>;
type Inputs = Record<string, Tensor>;
/** PyTorch's snake_case pooling arguments as nabla's options. */
function poolOptions(a: Args): Record<string, unknown> {
  return { stride: a.stride, padding: a.padding, dilation: a.dilation, ceilMode: a.ceil_mode, countIncludePad: a.count_include_pad };
}
function size2(v: unknown): number | [number, number] {
  return v as number | [number, number];
}

/** How nabla computes each family of cases (picked by the case name's first word). */
function run(c: Case, x: Inputs, state: Inputs): Tensor {
  const a = c.args;
  const op = c.name.split(" ")[0]!;
  switch (op) {
    case "conv2d":
      return F.conv2d(x.x!, x.weight!, x.bias ?? null, a as nn.functional.Conv2dOptions);
    case "conv1d":
      return F.conv1d(x.x!, x.weight!, x.bias ?? null, a as nn.functional.Conv1dOptions);
    case "convTranspose2d":
      return F.convTranspose2d(x.x!, x.weight!, x.bias ?? null, { stride: size2(a.stride ?? 1), padding: size2(a.padding ?? 0), outputPadding: size2(a.output_padding ?? 0), groups: a.groups as number | undefined, dilation: size2(a.dilation ?? 1) });
    case "maxPool2d":
      return F.maxPool2d(x.x!, size2(a.kernel_size), poolOptions(a));
    case "avgPool2d":
      return F.avgPool2d(x.x!, size2(a.kernel_size), poolOptions(a));
    case "maxPool1d":
      return F.maxPool1d(x.x!, a.kernel_size as number, poolOptions(a));
    case "avgPool1d":
      return F.avgPool1d(x.x!, a.kernel_size as number, poolOptions(a));
    case "adaptiveAvgPool2d":
      return F.adaptiveAvgPool2d(x.x!, a.output_size as number | [number, number]);
    case "batchNorm":
      return F.batchNorm(x.x!, state.runningMean ?? null, state.runningVar ?? null, {
        weight: x.weight, bias: x.bias, training: a.training as boolean, momentum: a.momentum as number | undefined,
      });
    case "layerNorm":
      return F.layerNorm(x.x!, a.normalizedShape as number[], { weight: x.weight, bias: x.bias, eps: a.eps as number | undefined });
    case "groupNorm":
      return F.groupNorm(x.x!, a.numGroups as number, { weight: x.weight, bias: x.bias });
    default:
      throw new Error(`no nabla function for fixture case ${c.name}`);
  }
}

const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-9, rtol: 1e-9 },
  float32: { atol: 5e-5, rtol: 5e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`CNN layers vs PyTorch, ${dtype}`, () => {
    for (const c of fixture.cases) {
      test(c.name, () => {
        const leaves: Inputs = {};
        for (const [k, v] of Object.entries(c.inputs)) leaves[k] = rebuild(v, dtype).requiresGrad_();
        const state: Inputs = {};
        for (const [k, v] of Object.entries(c.runningBefore ?? {})) state[k] = rebuild(v, dtype);
        const out = run(c, leaves, state);
        const { atol, rtol } = TOLERANCE[dtype];
        assert.equal(out.dtype, dtype);
        assertClose(out, nested(c.out), atol, rtol, `${c.name} forward`);
        for (const [k, v] of Object.entries(c.runningAfter ?? {})) assertClose(state[k]!, nested(v), atol, rtol, `${c.name} ${k} after the update`);
        if (c.runningAfter === undefined) for (const [k, v] of Object.entries(c.runningBefore ?? {})) assertClose(state[k]!, rebuild(v, dtype).toArray(), 0, 0, `${c.name} ${k} unchanged`);
        out.mul(rebuild(c.upstream, dtype)).sum().backward();
        for (const [k, g] of Object.entries(c.grads)) {
          assert.ok(leaves[k]!.grad !== null, `${c.name}: ${k} got no gradient`);
          // float32 gradients of normalization sum many terms: a little more room
          assertClose(leaves[k]!.grad!, nested(g), atol * 4, rtol * 4, `${c.name} grad of ${k}`);
        }
      });
    }
  });
}

// Central finite differences in float64 on small versions of every family (max pooling on
// tie-free inputs, where it is differentiable).
describe("CNN layers: gradcheck, float64", () => {
  for (const c of fixture.cases.filter((k) => k.out.data.length <= 400 && !k.name.startsWith("batchNorm"))) {
    test(c.name, () => {
      const names = Object.keys(c.inputs);
      const leaves = names.map((k) => rebuild(c.inputs[k]!, "float64").requiresGrad_());
      assert.equal(gradcheck((...xs) => run(c, Object.fromEntries(names.map((k, i) => [k, xs[i]!])), {}), leaves), true);
    });
  }
  test("batchNorm in training mode", () => {
    const x = tensor([[0.3, -1.2, 2], [1.5, 0.1, -0.4], [0.7, 0.9, 1.1]], { dtype: "float64" }).requiresGrad_();
    const w = tensor([1.5, -0.5, 2], { dtype: "float64" }).requiresGrad_();
    assert.equal(gradcheck((xs, ws) => F.batchNorm(xs, null, null, { weight: ws, training: true }), [x, w]), true);
  });
});
