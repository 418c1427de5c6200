import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { cat, gradcheck, type Tensor } from "../../src/index.js";
import { build, fixture, nested, rebuild, run } from "./rnn-cases.js";

const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-10, rtol: 1e-10 },
  float32: { atol: 2e-5, rtol: 2e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`recurrent layers vs PyTorch, ${dtype}`, () => {
    for (const c of fixture.cases) {
      test(c.name, () => {
        const module = build(c, dtype);
        // PyTorch's state dict loads unchanged: same keys, same order, same shapes
        assert.deepEqual(Object.keys(module.stateDict()), Object.keys(c.stateDict));
        module.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, rebuild(v, "float64")])));
        const leaves: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) leaves[k] = rebuild(v, dtype).requiresGrad_();
        const outputs = run(module, leaves);
        const { atol, rtol } = TOLERANCE[dtype];
        assert.deepEqual(Object.keys(outputs), Object.keys(c.outputs));
        let loss: Tensor | null = null;
        for (const [k, out] of Object.entries(outputs)) {
          assert.equal(out.dtype, dtype);
          assertClose(out, nested(c.outputs[k]!), atol, rtol, `${c.name}: ${k}`);
          const term = out.mul(rebuild(c.upstream[k]!, dtype)).sum();
          loss = loss === null ? term : loss.add(term);
        }
        loss!.backward();
        const parameters = new Map(module.namedParameters());
        for (const [k, g] of Object.entries(c.grads)) {
          const leaf = leaves[k] ?? parameters.get(k);
          assert.ok(leaf !== undefined, `${c.name}: no input or parameter ${k}`);
          assert.ok(leaf.grad !== null, `${c.name}: ${k} got no gradient`);
          assertClose(leaf.grad, nested(g), atol * 5, rtol * 5, `${c.name}: grad of ${k}`);
        }
        assert.equal(parameters.size + Object.keys(leaves).length, Object.keys(c.grads).length);
      });
    }
  });
}

// Central finite differences in float64: the input, the initial states and every parameter
// (swapped into the module's fields, which forward reads by name each call).
describe("recurrent layers: gradcheck, float64", () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      const module = build(c, "float64");
      const fields = module as unknown as Record<string, Tensor>;
      const inputNames = Object.keys(c.inputs);
      const parameterNames = module.namedParameters().map(([name]) => name);
      const leaves = [
        ...inputNames.map((k) => rebuild(c.inputs[k]!, "float64").requiresGrad_()),
        ...parameterNames.map((k) => rebuild(c.stateDict[k]!, "float64").requiresGrad_()),
      ];
      const f = (...xs: Tensor[]): Tensor => {
        parameterNames.forEach((k, i) => (fields[k] = xs[inputNames.length + i]!));
        const outputs = run(module, Object.fromEntries(inputNames.map((k, i) => [k, xs[i]!])));
        return cat(Object.values(outputs).map((t) => t.flatten()));
      };
      assert.equal(gradcheck(f, leaves), true);
    });
  }
});
