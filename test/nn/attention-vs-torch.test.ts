import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import type { Tensor } from "../../src/index.js";
import { fixture, nested, rebuild, run } from "./attention-cases.js";

describe("attention layers vs PyTorch: values and gradients", () => {
  for (const dtype of ["float64", "float32"] as const) {
    const tol = dtype === "float64" ? 1e-10 : 2e-5;
    for (const c of fixture.cases) {
      test(`${c.name} (${dtype})`, () => {
        const { outputs, leaves } = run(c, dtype);
        assert.equal(outputs.length, c.outputs.length, "number of outputs");
        outputs.forEach((out, i) => {
          assert.equal(out.dtype, dtype);
          assertClose(out, nested(c.outputs[i]!), tol, tol, `output ${i}`);
        });
        let total: Tensor | null = null;
        outputs.forEach((out, i) => {
          const term = out.mul(rebuild(c.upstreams[i]!, dtype)).sum();
          total = total === null ? term : total.add(term);
        });
        total!.backward();
        assert.deepEqual(Object.keys(leaves).sort(), Object.keys(c.grads).sort(), "the same gradients as PyTorch");
        for (const [name, t] of Object.entries(leaves)) {
          assert.ok(t.grad !== null, `${name} has a gradient`);
          assertClose(t.grad, nested(c.grads[name]!), tol, tol, `gradient of ${name}`);
        }
      });
    }
  }
});
