import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { gradcheck } from "../../src/index.js";
import { NABLA_REDUCE, REDUCE_CASES, rebuild } from "./reduce-table.js";

// Tolerances as in ops-vs-torch.test.ts: float64 to the fixture's 12 digits, float32 to the
// rounding of 24-bit inputs (products and variances of a dozen terms stay within 1e-5 relative).
const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-10, rtol: 1e-9 },
  float32: { atol: 2e-5, rtol: 3e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`reductions and sorts vs PyTorch, ${dtype}`, () => {
    for (const c of REDUCE_CASES) {
      test(c.name, () => {
        const x = rebuild(c.input, dtype, c.grad !== undefined);
        const result = NABLA_REDUCE[c.op]!(x, c.args);
        const { atol, rtol } = TOLERANCE[dtype];
        if (c.out !== undefined) {
          assert.ok(result.values !== undefined, `${c.name}: no values`);
          assertClose(result.values, rebuild(c.out, "float64").toArray(), atol, rtol, `${c.name} values`);
        }
        if (c.indices !== undefined) {
          assert.ok(result.indices !== undefined, `${c.name}: no indices`);
          assert.deepEqual(result.indices.toArray(), rebuild(c.indices, "float64").toArray(), `${c.name} indices`);
          assert.equal(result.indices.requiresGrad, false);
          assert.equal(result.indices.dtype, "int32"); // PyTorch: int64
        }
        if (c.op === "all" || c.op === "any") assert.equal(result.values!.dtype, "bool");
        if (c.grad === undefined) {
          if (result.values !== undefined) assert.equal(result.values.requiresGrad, false, `${c.name} has no gradient`);
          return;
        }
        const out = result.values!;
        assert.equal(out.dtype, dtype);
        out.mul(rebuild(c.weight!, dtype)).sum().backward();
        assert.ok(x.grad !== null, `${c.name}: no gradient`);
        assertClose(x.grad, rebuild(c.grad, "float64").toArray(), atol, rtol, `${c.name} grad`);
      });
    }
  });
}

describe("reductions and sorts: gradcheck, float64", () => {
  for (const c of REDUCE_CASES.filter((k) => k.grad !== undefined && k.smooth !== false)) {
    test(c.name, () => {
      const x = rebuild(c.input, "float64", true);
      assert.equal(gradcheck((y) => NABLA_REDUCE[c.op]!(y, c.args).values!, [x]), true);
    });
  }
});

test("the fixture covers every op of the table, each differentiable one on at least three smooth cases", () => {
  for (const op of Object.keys(NABLA_REDUCE)) {
    const cases = REDUCE_CASES.filter((c) => c.op === op);
    assert.ok(cases.length > 0, `no fixture case for ${op}`);
    if (cases.some((c) => c.grad !== undefined) && op !== "max" && op !== "min") {
      assert.ok(cases.filter((c) => c.smooth !== false).length >= 3, `${op}: fewer than three gradchecked cases`);
    }
  }
});
