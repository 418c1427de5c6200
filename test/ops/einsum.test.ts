import "../helpers.js";
import { assertClose } from "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { einsum, gradcheck, randn, tensor } from "../../src/index.js";
import { rebuild, type FixtureTensor } from "./op-table.js";

interface EinsumCase {
  equation: string;
  operands: FixtureTensor[];
  out: FixtureTensor;
  weight: FixtureTensor;
  grads: FixtureTensor[];
}

// made by scripts/fixtures/make_einsum_fixtures.py (PyTorch's torch.einsum, float64)
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/einsum.json", import.meta.url), "utf8")) as { cases: EinsumCase[] }).cases;
const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();

for (const dtype of ["float64", "float32"] as const) {
  const [atol, rtol] = dtype === "float64" ? [1e-10, 1e-10] : [2e-5, 2e-5];
  describe(`einsum vs PyTorch, ${dtype}`, () => {
    for (const c of CASES) {
      test(`${c.equation} ${c.operands.map((x) => `[${x.shape.join(",")}]`).join(" ")}`, () => {
        const operands = c.operands.map((x) => rebuild(x, dtype, true));
        const out = einsum(c.equation, ...operands);
        assertClose(out, nested(c.out), atol, rtol, "forward");
        out.mul(rebuild(c.weight, dtype)).sum().backward();
        c.grads.forEach((g, i) => assertClose(operands[i]!.grad!, nested(g), atol, rtol, `grad of operand ${i}`));
      });
    }
  });
}

describe("gradcheck of einsum, float64", () => {
  for (const c of CASES) {
    test(c.equation, () => {
      const operands = c.operands.map((x) => rebuild(x, "float64", true));
      assert.equal(gradcheck((...xs) => einsum(c.equation, ...xs), operands), true);
    });
  }
});

test("einsum of one operand that only reorders is a view of it, as in PyTorch", () => {
  const x = randn([2, 3]);
  const t = einsum("ij->ji", x);
  assert.equal(t.storage, x.storage);
  assert.deepEqual(t.shape, [3, 2]);
});

test("bad equations and operands get errors naming einsum, the subscript and the sizes", () => {
  const m = randn([2, 3]);
  const cases: [() => unknown, RegExp][] = [
    [() => einsum("ij,jk->ik", m), /^Error: einsum: "ij,jk->ik" has 2 operand terms but 1 operand was given$/],
    [() => einsum("ijk", m), /^Error: einsum: operand 0 has 2 dims but "ijk" names 3$/],
    [() => einsum("i1", m), /^Error: einsum: "1" in operand 0 \("i1"\) is not a letter/],
    [() => einsum("ij,jk->ik", m, randn([4, 2])), /^Error: einsum: subscript j has size 3 in an earlier operand but 4 in operand 1 \[4,2\]$/],
    [() => einsum("ij->k", m), /^Error: einsum: output subscript k of "ij->k" appears in no operand$/],
    [() => einsum("ij->ii", m), /^Error: einsum: output subscript i of "ij->ii" appears more than once$/],
    [() => einsum("ii", m), /^Error: einsum: subscript i of operand 0 is repeated over dims of sizes 2 and 3 \[2,3\]; a diagonal needs equal sizes$/],
    [() => einsum("...i...", m), /^Error: einsum: operand 0 \("...i..."\) has more than one ellipsis$/],
    [() => einsum("ij"), /^Error: einsum: expected at least one operand$/],
    [() => einsum("ij", tensor([1]) as never, 3 as never), /^Error: einsum: operand 1 is not a tensor$/],
  ];
  for (const [run, message] of cases) assert.throws(run, message);
});
