import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck } from "../../src/index.js";
import { CASES, NABLA_OPS, NOT_DIFFERENTIABLE, inputsOf } from "./op-table.js";

// Every fixture case (at least three shapes per op, a broadcast one for every binary op):
// autograd against central finite differences in float64.
describe("gradcheck, float64", () => {
  for (const c of CASES.filter((k) => !NOT_DIFFERENTIABLE.has(k.op) && k.smooth !== false)) {
    test(c.name, () => {
      const { leaves, args } = inputsOf(c, "float64");
      const extra = args.slice(leaves.length);
      assert.equal(gradcheck((...xs) => NABLA_OPS[c.op]!([...xs, ...extra], c.args), leaves), true);
    });
  }
});

test("every differentiable op is gradchecked on at least three shapes, binary ops on a broadcast", () => {
  const byOp = new Map<string, string[][]>();
  for (const c of CASES) byOp.set(c.op, [...(byOp.get(c.op) ?? []), c.inputs.map((x) => x.shape.join("x"))]);
  for (const [op, shapes] of byOp) {
    if (NOT_DIFFERENTIABLE.has(op)) continue;
    assert.ok(shapes.length >= 3, `${op}: only ${shapes.length} cases`);
    const binary = shapes.some((s) => s.length === 2) && op !== "gather";
    if (binary) assert.ok(shapes.some((s) => s[0] !== s[1]), `${op}: no broadcast case`);
  }
});
