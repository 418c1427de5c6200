import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { gradcheck, manualSeed, nn, ones, randn, type Tensor } from "../../src/index.js";

// isCausal runs the mask inside the softmax kernel (ops/softmax.ts's causalSoftmax) instead of
// adding a −∞ mask tensor: the same values and gradients as the explicit boolean mask, for
// square and non-square score blocks, and gradcheck in float64. attention-vs-torch.test.ts
// compares isCausal with PyTorch.

const F = nn.functional;

for (const dtype of ["float32", "float64"] as const) {
  for (const [L, S] of [[5, 5], [4, 6], [6, 3]] as const) {
    test(`scaledDotProductAttention isCausal matches the boolean tril mask, L ${L}, S ${S}, ${dtype}`, () => {
      manualSeed(11);
      const make = (shape: number[]): Tensor => randn(shape, { dtype }).requiresGrad_();
      const [q, k, v] = [make([2, 3, L, 4]), make([2, 3, S, 4]), make([2, 3, S, 2])];
      const upstream = randn([2, 3, L, 2], { dtype });
      const causal = F.scaledDotProductAttention(q, k, v, { isCausal: true });
      causal.mul(upstream).sum().backward();
      const grads = [q, k, v].map((t) => t.grad!);
      [q, k, v].forEach((t) => (t.grad = null));
      const mask = ones([L, S]).tril().gt(0); // true where query i may attend key j ≤ i
      const explicit = F.scaledDotProductAttention(q, k, v, { attnMask: mask });
      explicit.mul(upstream).sum().backward();
      const tolerance = dtype === "float32" ? 1e-5 : 1e-12;
      assertClose(causal.toArray(), explicit.toArray(), tolerance, tolerance);
      grads.forEach((g, i) => assertClose(g.toArray(), [q, k, v][i]!.grad!.toArray(), tolerance, tolerance));
    });
  }
}

test("causal attention gradchecks in float64", () => {
  manualSeed(5);
  const [q, k, v] = [[1, 2, 4, 3], [1, 2, 4, 3], [1, 2, 4, 2]].map((shape) => randn(shape, { dtype: "float64" }).requiresGrad_());
  assert.equal(gradcheck((a, b, c) => F.scaledDotProductAttention(a, b, c, { isCausal: true }), [q!, k!, v!]), true);
});
