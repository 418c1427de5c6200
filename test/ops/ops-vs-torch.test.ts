import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import type { NestedArray } from "../../src/index.js";
import { CASES, NABLA_OPS, inputsOf, rebuild, type FixtureTensor } from "./op-table.js";
import { checkAgainstTorch } from "./check-against-torch.js";

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
        checkAgainstTorch(c, out, leaves, dtype, TOLERANCE[dtype], { nested, rebuild: (value, as) => rebuild(value, as) });
      });
    }
  });
}

test("the fixture covers every op of the table", () => {
  const covered = new Set(CASES.map((c) => c.op));
  for (const op of Object.keys(NABLA_OPS)) assert.ok(covered.has(op), `no fixture case for ${op}`);
});
