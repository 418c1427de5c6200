import "../helpers.js";
import { assertClose } from "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gradcheck, nn, tensor, type Tensor } from "../../src/index.js";
import { rebuild, type FixtureTensor } from "../ops/op-table.js";

interface SimilarityCase {
  op: "normalize" | "cosineSimilarity" | "pairwiseDistance";
  options: Record<string, number | boolean>;
  inputs: FixtureTensor[];
  out: FixtureTensor;
  weight: FixtureTensor;
  grads: FixtureTensor[];
}

// made by scripts/fixtures/make_similarity_fixtures.py (PyTorch's F.normalize, F.cosine_similarity, F.pairwise_distance)
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/similarity.json", import.meta.url), "utf8")) as { cases: SimilarityCase[] }).cases;
const F = nn.functional;
const run = (c: SimilarityCase, t: Tensor[]): Tensor =>
  c.op === "normalize" ? F.normalize(t[0]!, c.options) : c.op === "cosineSimilarity" ? F.cosineSimilarity(t[0]!, t[1]!, c.options) : F.pairwiseDistance(t[0]!, t[1]!, c.options);
const name = (c: SimilarityCase) => `${c.op} ${c.inputs.map((x) => `[${x.shape.join(",")}]`).join(" ")} ${JSON.stringify(c.options)}`;

for (const dtype of ["float64", "float32"] as const) {
  const [atol, rtol] = dtype === "float64" ? [1e-10, 1e-10] : [1e-5, 1e-5];
  describe(`normalize, cosineSimilarity and pairwiseDistance vs PyTorch, ${dtype}`, () => {
    for (const c of CASES) {
      test(name(c), () => {
        const leaves = c.inputs.map((x) => rebuild(x, dtype, true));
        const out = run(c, leaves);
        assertClose(out, rebuild(c.out, "float64").toArray(), atol, rtol, "forward");
        out.mul(rebuild(c.weight, dtype)).sum().backward();
        c.grads.forEach((g, i) => assertClose(leaves[i]!.grad!, rebuild(g, "float64").toArray(), atol, rtol, `grad of input ${i}`));
      });
    }
  });
}

// (not the case with a zero vector: eps's clamp is a kink there, where differences are meaningless;
// its gradient, 1/eps as PyTorch's, is checked against the fixture above)
const zeroRow = (c: SimilarityCase) => c.inputs[0]!.data.slice(0, c.inputs[0]!.shape.at(-1)).every((v) => v === 0);
test("gradcheck of normalize, cosineSimilarity and pairwiseDistance, float64", () => {
  for (const c of CASES.filter((k) => !zeroRow(k))) assert.equal(gradcheck((...t) => run(c, t), c.inputs.map((x) => rebuild(x, "float64", true))), true, name(c));
});

test("bad options are errors naming the function", () => {
  assert.throws(() => F.normalize(tensor([[1]]), { eps: -1 }), /^Error: normalize: eps must be a non-negative number, got -1$/);
  assert.throws(() => F.cosineSimilarity(tensor([[1]]), tensor([[1]]), { dim: 2 }), /^Error: cosineSimilarity: dim 2 is out of range for \[1,1\] and \[1,1\]$/);
  assert.throws(() => F.pairwiseDistance(tensor([[1]]), tensor([[1]]), { eps: Number.NaN }), /^Error: pairwiseDistance: eps must be a finite number, got NaN$/);
});

test("nn.CosineSimilarity and nn.PairwiseDistance call their functions with their options", () => {
  const a = tensor([[3, 4], [1, 2]]);
  const b = tensor([[1, 0], [2, 4]]);
  assert.deepEqual(new nn.CosineSimilarity({ dim: 0 }).call(a, b).toArray(), F.cosineSimilarity(a, b, { dim: 0 }).toArray());
  assert.deepEqual(new nn.PairwiseDistance({ p: 1, keepdim: true }).call(a, b).toArray(), F.pairwiseDistance(a, b, { p: 1, keepdim: true }).toArray());
});
