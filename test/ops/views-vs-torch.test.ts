import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, type DType, type NestedArray } from "../../src/index.js";
import { rebuild, type FixtureTensor } from "./op-table.js";
import { VIEW_CASES, VIEW_OPS, runViewCase } from "./view-op-table.js";
import { checkAgainstTorch } from "./check-against-torch.js";

function nested(value: FixtureTensor): NestedArray {
  return rebuild(value, "float64").toArray();
}

// These ops only move, select or add values, so float32 differs from PyTorch's float64 only by
// the inputs' rounding to float32 (and scatterAdd's few additions).
const TOLERANCE: Record<Extract<DType, "float32" | "float64">, { atol: number; rtol: number }> = {
  float64: { atol: 1e-12, rtol: 1e-12 },
  float32: { atol: 1e-6, rtol: 1e-6 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`view and indexing ops vs PyTorch, ${dtype}`, () => {
    for (const c of VIEW_CASES) {
      test(c.name, () => {
        const { leaves, out } = runViewCase(c, dtype);
        checkAgainstTorch(c, out, leaves, dtype, TOLERANCE[dtype], { nested, rebuild });
      });
    }
  });
}

describe("gradcheck of the view and indexing ops, float64", () => {
  for (const c of VIEW_CASES.filter((k) => k.inputs.length > 0)) {
    test(c.name, () => {
      const { leaves, extras } = runViewCase(c, "float64");
      assert.equal(gradcheck((...xs) => VIEW_OPS[c.op]!(xs, extras, c.args), leaves), true);
    });
  }
});

test("the fixture covers every op of the table on at least three cases", () => {
  for (const op of Object.keys(VIEW_OPS)) {
    const count = VIEW_CASES.filter((c) => c.op === op).length;
    assert.ok(count >= 3, `${op}: ${count} fixture cases`);
  }
});
