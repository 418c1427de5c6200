import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import type { NestedArray } from "../../src/index.js";
import { CASES, NABLA_OPS, inputsOf, rebuild, type FixtureTensor } from "./op-table.js";

function nested(value: FixtureTensor): NestedArray {
  return rebuild(value, "float64").toArray();
}

// float64 matches PyTorch to the fixture's 12 significant digits; float32 inputs round to
// 24-bit mantissas, so outputs and gradients agree to about 1e-6 relative.
const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-10, rtol: 1e-9 },
  float32: { atol: 2e-5, rtol: 2e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`ops vs PyTorch, ${dtype}`, () => {
    for (const c of CASES) {
      test(c.name, () => {
        const run = NABLA_OPS[c.op];
        assert.ok(run !== undefined, `no nabla op for fixture op ${c.op}`);
        const { leaves, args } = inputsOf(c, dtype);
        const out = run(args, c.args);
        const { atol, rtol } = TOLERANCE[dtype];
        assertClose(out, nested(c.out), atol, rtol, `${c.name} forward`);
        if (c.weight === undefined || c.grads === undefined) {
          assert.equal(out.requiresGrad, false, `${c.name} has no gradient`);
          return;
        }
        assert.equal(out.dtype, dtype);
        out.mul(rebuild(c.weight, dtype)).sum().backward();
        c.grads.forEach((grad, i) => {
          assert.ok(leaves[i]!.grad !== null, `${c.name}: input ${i} got no gradient`);
          assert.equal(leaves[i]!.grad!.dtype, dtype);
          assertClose(leaves[i]!.grad!, nested(grad), atol, rtol, `${c.name} grad of input ${i}`);
        });
      });
    }
  });
}

test("the fixture covers every op of the table", () => {
  const covered = new Set(CASES.map((c) => c.op));
  for (const op of Object.keys(NABLA_OPS)) assert.ok(covered.has(op), `no fixture case for ${op}`);
});
