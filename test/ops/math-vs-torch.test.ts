import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, type NestedArray, type Tensor } from "../../src/index.js";
import { MATH_CASES, MATH_OPS, NOT_DIFFERENTIABLE, decode, rebuildMath, type MathFixtureTensor } from "./math-op-table.js";
import { UNARY_OPS, BINARY_OPS } from "../../src/backend/op-table.js";
import { checkAgainstTorch } from "./check-against-torch.js";

function nested(value: MathFixtureTensor): NestedArray {
  return rebuildMath(value, "float64").toArray();
}

/** Values as numbers (a predicate may come back as booleans once bool tensors exist). */
function numeric(t: Tensor): NestedArray {
  const convert = (v: unknown): NestedArray => (Array.isArray(v) ? v.map(convert) : Number(v));
  return convert(t.toArray());
}

// float64 matches PyTorch to the fixture's 12 significant digits; float32 inputs round to
// 24-bit mantissas, so outputs and gradients agree to about 1e-6 relative.
const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-10, rtol: 1e-9 },
  float32: { atol: 2e-5, rtol: 2e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`math ops vs PyTorch, ${dtype}`, () => {
    for (const c of MATH_CASES) {
      test(c.name, () => {
        const run = MATH_OPS[c.op];
        assert.ok(run !== undefined, `no nabla op for fixture op ${c.op}`);
        const differentiable = !NOT_DIFFERENTIABLE.has(c.op);
        const leaves = c.inputs.map((x) => rebuildMath(x, dtype, differentiable));
        const out = run(leaves, c.args);
        checkAgainstTorch(c, out, leaves, dtype, TOLERANCE[dtype], { nested, rebuild: (value, as) => rebuildMath(value, as), forward: numeric });
      });
    }
  });
}

describe("math ops: gradcheck, float64", () => {
  for (const c of MATH_CASES.filter((k) => !NOT_DIFFERENTIABLE.has(k.op) && k.smooth !== false)) {
    test(c.name, () => {
      const leaves = c.inputs.map((x) => rebuildMath(x, "float64", true));
      assert.equal(gradcheck((...xs) => MATH_OPS[c.op]!(xs, c.args), leaves), true);
    });
  }
});

test("the math fixture covers every op of its table on three shapes, binary ops on a broadcast and a number, plus an edge case of NaN and ±∞", () => {
  for (const op of Object.keys(MATH_OPS)) {
    const cases = MATH_CASES.filter((c) => c.op === op);
    assert.ok(cases.length >= 3, `${op}: only ${cases.length} cases`);
    const binary = cases.some((c) => c.inputs.length === 2 || c.args.other !== undefined);
    if (binary) {
      assert.ok(cases.some((c) => c.args.other !== undefined), `${op}: no number operand`);
      assert.ok(cases.some((c) => c.inputs.length === 2 && c.inputs[0]!.shape.join() !== c.inputs[1]!.shape.join()), `${op}: no broadcast case`);
    }
    if (NOT_DIFFERENTIABLE.has(op) || op.startsWith("logical")) continue;
    assert.ok(cases.some((c) => decode(c.inputs[0]!.data).some(Number.isNaN) && decode(c.inputs[0]!.data).includes(Infinity)), `${op}: no NaN/Infinity case`);
  }
});

test("every public element-wise op of the op table has a PyTorch fixture here or in ops.json", () => {
  // kernels without a public op of their own: derivatives, and ops tested by test/ops/ops-vs-torch.test.ts
  const elsewhere = new Set(["neg", "exp", "log", "sqrt", "abs", "relu", "sigmoid", "tanh", "add", "sub", "mul", "div", "pow", "maximum", "minimum", "gt", "ge", "lt", "le", "eq"]);
  const internal = (op: string): boolean => op.endsWith("Grad") || op === "step" || op === "floorDivide" || op === "geluTanh";
  for (const op of [...UNARY_OPS, ...BINARY_OPS]) {
    if (elsewhere.has(op) || internal(op)) continue;
    assert.ok(MATH_OPS[op] !== undefined, `op-table op ${op} has no PyTorch fixture`);
  }
});
