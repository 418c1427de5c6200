import { assertClose } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, noGrad, randn, type Tensor } from "../../src/index.js";
import { recycledBytes } from "../../src/backend/js-buffer.js";

// A leaf used several times in one graph (a recurrent weight, a tied embedding) gets one
// gradient per use. Backward adds the later ones into the `.grad` it made for the first, in
// place (src/autograd/backward.ts), as PyTorch accumulates. The sums must be the same values,
// in the same order, as adding a fresh tensor per use; a `.grad` from an earlier pass, which
// the user may hold, must not change; and the in-place sums must not take fresh memory.

/** h ← tanh(h·W + x_t·U) over `steps` steps; the loss is the last h's sum of squares. */
function unrolled(w: Tensor, u: Tensor, inputs: Tensor[]): Tensor {
  let h = inputs[0]!.matmul(u).tanh();
  for (const x of inputs.slice(1)) h = h.matmul(w).add(x.matmul(u)).tanh();
  return h.square().sum();
}

test("a weight used at every step of an unrolled net: its .grad is the per-use gradients summed in order, bit for bit", () => {
  manualSeed(3);
  const w = randn([48, 48], { requiresGrad: true }).mul(0.2).detach().requiresGrad_();
  const u = randn([24, 48], { requiresGrad: true }).mul(0.3).detach().requiresGrad_();
  const inputs = Array.from({ length: 6 }, () => randn([40, 24]));
  unrolled(w, u, inputs).backward();
  // the same sums made by hand: each use's gradient from its own copy of the weight, added to a
  // running total in the order backward meets them (the last step's use first)
  const copies = inputs.slice(1).map(() => w.detach().clone().requiresGrad_());
  const uCopies = inputs.map(() => u.detach().clone().requiresGrad_());
  let h = inputs[0]!.matmul(uCopies[0]!).tanh();
  inputs.slice(1).forEach((x, s) => (h = h.matmul(copies[s]!).add(x.matmul(uCopies[s + 1]!)).tanh()));
  h.square().sum().backward();
  const inOrder = (grads: Tensor[]) => noGrad(() => grads.reduceRight((sum: Tensor | null, g) => (sum === null ? g.clone() : sum.add(g)), null)!).toTypedArray();
  assert.deepEqual(w.grad!.toTypedArray(), inOrder(copies.map((c) => c.grad!)), "W's gradient");
  assert.deepEqual(u.grad!.toTypedArray(), inOrder(uCopies.map((c) => c.grad!)), "U's gradient");
});

test("a .grad from an earlier pass, held by the user, keeps its values when the next pass accumulates", () => {
  manualSeed(4);
  const w = randn([40, 40]).mul(0.2).requiresGrad_();
  const inputs = Array.from({ length: 4 }, () => randn([32, 40]));
  const rnn = (): Tensor => {
    let h = inputs[0]!;
    for (const x of inputs.slice(1)) h = h.matmul(w).add(x).tanh();
    return h.sum();
  };
  rnn().backward();
  const first = w.grad!;
  const firstValues = first.toArray();
  rnn().backward(); // no zeroGrad: the gradients of both passes add up
  assert.deepEqual(first.toArray(), firstValues, "the tensor held from the first pass");
  assert.notEqual(w.grad, first);
  // two identical passes: twice the first gradient (to rounding: the second adds its per-use
  // gradients to the first total one at a time)
  assertClose(w.grad!, noGrad(() => first.mul(2)).toArray() as number[][], 1e-5, 1e-5, "the sum of both passes");
});

test("an LSTM's backward adds each step's weight gradients in place: no fresh buffer per step", () => {
  manualSeed(5);
  const lstm = new nn.LSTM(64, 256, { batchFirst: true }); // weight_hh 256 KB × 4: a buffer of its own
  const x = randn([8, 24, 64]);
  const pass = (): number => {
    lstm.zeroGrad();
    const before = recycledBytes().fresh;
    (lstm.call(x)[0] as Tensor).sum().backward();
    return recycledBytes().fresh - before;
  };
  pass();
  const fresh = pass();
  // a new weight_hh gradient per step would be 23 × 1 MB of fresh memory (the 24 steps' sums)
  assert.ok(fresh < 12 * 2 ** 20, `a warm LSTM backward took ${(fresh / 2 ** 20).toFixed(1)} MB of fresh memory`);
});
