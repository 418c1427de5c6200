import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, randn, tensor, type Tensor } from "../../src/index.js";
import { recycledBytes, setRecycling } from "../../src/backend/js-buffer.js";
import { recycleStorage } from "../../src/tensor/storage.js";

// Backward gives its spent gradients back to the backend for reuse (src/autograd/backward.ts).
// A wrong release would show as a gradient, a `.grad` or a retained gradient changing when a
// later pass reuses the memory: these tests hold the tensors a user can hold across passes and
// compare every value with the same computation done with recycling off. The shapes are large
// enough (> 16 KB per tensor) that every intermediate has a buffer of its own, as recycling needs.

/** A pre-norm transformer block's worth of ops: split into views (whose rules keep their gradient), layerNorm, gelu, softmax, residual adds (one gradient to two inputs), reshapes. */
class Block extends nn.Module {
  readonly norm = new nn.LayerNorm(32);
  readonly qkv = new nn.Linear(32, 96);
  readonly mlp = new nn.Sequential(new nn.Linear(32, 128), new nn.GELU(), new nn.Linear(128, 32));
  forward(x: Tensor): Tensor {
    const [batch, length] = x.shape as [number, number, number];
    const [q, k, v] = this.qkv.call(this.norm.call(x)).split(32, 2).map((t) => t.reshape([batch, length, 4, 8]).transpose(1, 2)) as [Tensor, Tensor, Tensor];
    const attended = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true }).transpose(1, 2).reshape([batch, length, 32]);
    const h = x.add(attended);
    return h.add(this.mlp.call(h));
  }
}

function blockGradients(recycling: boolean, steps: number): { grads: ArrayLike<number>[][]; held: Tensor[]; heldValues: ArrayLike<number>[]; retained: ArrayLike<number> } {
  setRecycling(recycling);
  try {
    manualSeed(7);
    const block = new Block();
    const grads: ArrayLike<number>[][] = [];
    const held: Tensor[] = [];
    const heldValues: ArrayLike<number>[] = [];
    let retained: ArrayLike<number> = [];
    for (let step = 0; step < steps; step++) {
      block.zeroGrad();
      const x = randn([8, 64, 32], { requiresGrad: true });
      const h = block.call(x);
      h.retainGrad();
      h.mul(h).mean().backward();
      grads.push([x.grad!.toTypedArray(), ...block.parameters().map((p) => p.grad!.toTypedArray())]);
      // what a user holds after a pass: the input's .grad, a parameter's .grad, a retained gradient
      held.push(x.grad!, block.qkv.weight.grad!, h.grad!);
      heldValues.push(...[x.grad!, block.qkv.weight.grad!, h.grad!].map((t) => t.toTypedArray()));
      retained = h.grad!.toTypedArray();
    }
    return { grads, held, heldValues, retained };
  } finally {
    setRecycling(true);
  }
}

test("backward recycles spent gradients: the same gradients as without, and what the user holds never changes", () => {
  const before = recycledBytes().takenBack;
  const on = blockGradients(true, 3);
  const off = blockGradients(false, 3);
  assert.deepEqual(on.grads, off.grads, "gradients with and without recycling");
  assert.deepEqual(on.retained, off.retained, "retained gradient");
  // every tensor held from earlier passes still has the values it had when its pass ended
  on.held.forEach((t, i) => assert.deepEqual(t.toTypedArray(), on.heldValues[i], `held tensor ${i}`));
  assert.ok(recycledBytes().takenBack > before, "backward recycled nothing: the test would not see a wrong release");
});

test("a recycled buffer is handed out again, zeroed", () => {
  setRecycling(true);
  const x = randn([64, 128], { requiresGrad: true });
  x.mul(2).exp().sum().backward(); // exp's gradient and mul's are spent 32 KB buffers
  const pooled = recycledBytes().kept;
  assert.ok(pooled > 0, "nothing recycled");
  const fresh = tensor(new Float32Array(64 * 128), { shape: [64, 128] }).add(0); // an allocation of that size
  assert.ok(recycledBytes().kept < pooled, "the allocation did not reuse a recycled buffer");
  assert.deepEqual(new Set(fresh.toTypedArray()), new Set([0]));
});

test("reading a tensor whose buffer was recycled is an error, not another tensor's values", () => {
  const t = randn([64, 128]).mul(1);
  recycleStorage(t.storage);
  assert.throws(() => t.add(1), /a float32 \[64, ?128\] tensor was read after backward freed its buffer/);
});

test("backward recycles what a rule made for itself (tanh's y² and 1 − y² before the product with dy), and the gradients stay the same", () => {
  const gradient = (recycling: boolean): { grad: ArrayLike<number>; takenBack: number } => {
    setRecycling(recycling);
    try {
      manualSeed(3);
      const x = randn([64, 128], { requiresGrad: true }); // 32 KB: a buffer of its own
      const before = recycledBytes().takenBack;
      // tanh's rule makes y², then 1 − y², and returns dy·(1 − y²): the first two are spent
      x.tanh().sum().backward();
      return { grad: x.grad!.toTypedArray(), takenBack: recycledBytes().takenBack - before };
    } finally {
      setRecycling(true);
    }
  };
  const on = gradient(true);
  assert.deepEqual(on.grad, gradient(false).grad);
  assert.ok(on.takenBack >= 2, `tanh's rule's temporaries were not recycled (${on.takenBack} buffers taken back)`);
});
