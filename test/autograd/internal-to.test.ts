import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, noGrad, optim, randn, tensor, viz, type Tensor } from "../../src/index.js";
import { recycledBytes, setRecycling } from "../../src/backend/js-buffer.js";

// scaledDotProductAttention's own buffers (scaled queries, scores, weights, contiguous copies)
// go back to the backend once backward is done with them, or at once when nothing saved them
// (src/autograd/internal-to.ts). Large enough shapes (> 16 KB per buffer) that each has a buffer
// of its own, as recycling needs; every value is compared with recycling off.

/** q, k, v as views of one projection, the way a transformer block makes them. */
function qkv(requiresGrad: boolean): { q: Tensor; k: Tensor; v: Tensor; input: Tensor } {
  const input = randn([4, 64, 96], { requiresGrad });
  const [q, k, v] = input.split(32, 2).map((t) => t.reshape([4, 64, 4, 8]).transpose(1, 2)) as [Tensor, Tensor, Tensor];
  return { q, k, v, input };
}

function attentionPasses(recycling: boolean, options: { isCausal?: boolean; attnMask?: Tensor }): { outputs: ArrayLike<number>[]; grads: ArrayLike<number>[]; held: Tensor[]; heldValues: ArrayLike<number>[]; takenBack: number } {
  setRecycling(recycling);
  try {
    manualSeed(11);
    const before = recycledBytes().takenBack;
    const outputs: ArrayLike<number>[] = [];
    const grads: ArrayLike<number>[] = [];
    const held: Tensor[] = [];
    const heldValues: ArrayLike<number>[] = [];
    for (let pass = 0; pass < 3; pass++) {
      const { q, k, v, input } = qkv(true);
      const out = nn.functional.scaledDotProductAttention(q, k, v, options);
      out.mul(out).sum().backward();
      outputs.push(out.toTypedArray());
      grads.push(input.grad!.toTypedArray());
      // what the caller holds: the inputs (views of one buffer), the output and the gradient
      held.push(q, k, v, out, input.grad!);
      heldValues.push(...[q, k, v, out, input.grad!].map((t) => t.toTypedArray()));
    }
    return { outputs, grads, held, heldValues, takenBack: recycledBytes().takenBack - before };
  } finally {
    setRecycling(true);
  }
}

for (const [name, options] of [
  ["causal", { isCausal: true }],
  ["a bool mask", { attnMask: tensor(Array.from({ length: 64 * 64 }, (_, i) => (i * 7) % 5 !== 0), { shape: [64, 64], dtype: "bool" }) }],
] as const) {
  test(`attention (${name}) recycles its own buffers after backward: the same outputs and gradients, what the caller holds unchanged`, () => {
    const on = attentionPasses(true, options);
    const off = attentionPasses(false, options);
    assert.deepEqual(on.outputs, off.outputs);
    assert.deepEqual(on.grads, off.grads);
    on.held.forEach((t, i) => assert.deepEqual(t.toTypedArray(), on.heldValues[i], `held tensor ${i}`));
  });
}

test("attention gives back its scores and weights, which the same ops written out in user code cannot", () => {
  const takenBack = (attention: (q: Tensor, k: Tensor, v: Tensor) => Tensor): number => {
    manualSeed(2);
    const { q, k, v } = qkv(true);
    const before = recycledBytes().takenBack;
    attention(q, k, v).sum().backward();
    return recycledBytes().takenBack - before;
  };
  const library = takenBack((q, k, v) => nn.functional.scaledDotProductAttention(q, k, v));
  // the scores and weights ([4, 4, 64, 64]: 64 KB each) are the caller's here, so they stay
  const written = takenBack((q, k, v) => q.mul(1 / Math.sqrt(8)).matmul(k.transpose(-2, -1)).softmax(-1).matmul(v));
  assert.ok(library >= written + 2, `recycled ${library} buffers, against ${written} written out`);
});

test("attention under noGrad gives its buffers back at once, and computes the same values", () => {
  manualSeed(5);
  const { q, k, v } = qkv(false);
  const before = recycledBytes().takenBack;
  const first = noGrad(() => nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }));
  assert.ok(recycledBytes().takenBack >= before + 2, "the scores and weights were not recycled");
  setRecycling(false);
  try {
    const second = noGrad(() => nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }));
    assert.deepEqual(first.toTypedArray(), second.toTypedArray());
  } finally {
    setRecycling(true);
  }
});

test("viz.graph drawn after backward shows attention's freed buffers as freed, not an error", () => {
  const { q, k, v } = qkv(true);
  const loss = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }).sum();
  loss.backward();
  const dot = viz.graph(loss);
  assert.match(dot, /\(freed after backward\)/);
  assert.match(dot, /softmax/);
});

test("where saves its condition: changing it in place before backward is PyTorch's version error", () => {
  const x = tensor([1, 2, 3], { requiresGrad: true });
  const condition = tensor([true, false, true]);
  const y = x.where(condition, 0);
  condition.copy_(tensor([false, false, true]));
  assert.throws(() => y.sum().backward(), /modified by an inplace operation/);
});

test("Adam's update gives back its temporaries and keeps its state: the same parameters and state over steps as without recycling", () => {
  const run = (recycling: boolean): { values: ArrayLike<number>[]; takenBack: number } => {
    setRecycling(recycling);
    try {
      manualSeed(4);
      const weight = randn([64, 128], { requiresGrad: true }); // 32 KB buffers: each recyclable
      // L2 decay (a decayed gradient), maximize (a negated one) and AMSGrad (a maximum): every temporary the update makes
      const optimizer = new optim.Adam([weight], { lr: 0.01, weightDecay: 0.1, maximize: true, amsgrad: true });
      const before = recycledBytes().takenBack;
      const values: ArrayLike<number>[] = [];
      for (let step = 0; step < 4; step++) {
        optimizer.zeroGrad();
        weight.tanh().sum().backward();
        optimizer.step();
        const state = optimizer.state.get(weight)!;
        values.push(weight.toTypedArray(), state.expAvg.toTypedArray(), state.expAvgSq.toTypedArray(), state.maxExpAvgSq!.toTypedArray());
      }
      return { values, takenBack: recycledBytes().takenBack - before };
    } finally {
      setRecycling(true);
    }
  };
  const on = run(true);
  assert.deepEqual(on.values, run(false).values);
  // per step: tanh's two rule temporaries, and at least the negated gradient, the decayed one and the square root
  assert.ok(on.takenBack >= 4 * 5, `recycled ${on.takenBack} buffers over 4 steps`);
});

test("attention's scores reached through the graph after backward are a clear error, not another tensor's values", () => {
  const { q, k, v } = qkv(true);
  const out = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
  // the softmax's output, found by walking the graph's edges
  const seen: Tensor[] = [out];
  for (let i = 0; i < seen.length && seen.every((t) => t.gradFn?.name !== "softmax"); i++) seen.push(...(seen[i]!.gradFn?.inputs ?? []));
  const weights = seen.find((t) => t.gradFn?.name === "softmax")!;
  const before = weights.toTypedArray();
  assert.equal(before.length, 4 * 4 * 64 * 64);
  out.sum().backward();
  assert.throws(() => weights.toTypedArray(), /was read after backward freed its buffer: a tensor that only the graph held/);
});
