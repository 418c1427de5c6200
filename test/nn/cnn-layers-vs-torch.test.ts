import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { gradcheck, nn, tensor } from "../../src/index.js";
import { fixture, nested, rebuild, run, type Inputs } from "./cnn-layer-cases.js";

const F = nn.functional;

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
