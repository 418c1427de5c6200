import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, jacobian, noGrad, randn, tensor, type Tensor } from "../../src/index.js";
import { Storage } from "../../src/tensor/storage.js";

// split, chunk and unbind make ONE gradient for their input (PyTorch's SplitBackward): the
// parts' gradients side by side, zeros only where a part got none (ops/split-views.ts).

const f64 = (shape: number[]): Tensor => randn(shape, { dtype: "float64" });

test("gradcheck (float64): split, split with sizes, chunk and unbind, with parts unused, used twice, or reached twice", () => {
  const cases: [string, (x: Tensor) => Tensor][] = [
    ["split: all parts", (x) => { const [a, b, c] = x.split(2, 1); return a!.mul(b!).add(c!.exp()); }],
    ["split: middle part unused", (x) => { const [a, , c] = x.split(2, 1); return a!.mul(c!); }],
    ["split: last part alone", (x) => x.split(2, 1)[2]!.sin()],
    ["split: a part used twice", (x) => { const [a, b] = x.split(3, 1); return a!.mul(a!).add(b!).add(a!.exp()); }],
    ["split sizes: uneven, one empty part", (x) => { const [a, e, b] = x.split([1, 0, 5], 1); return a!.sum().add(b!.square().sum()).add(e!.sum()); }],
    ["split along the last dim of a transposed input", (x) => { const [a, b] = x.t().split([2, 1], 1); return a!.t().matmul(b!); }],
    ["chunk: first part unused", (x) => { const [, b, c] = x.chunk(3, 1); return b!.mul(c!).tanh(); }],
    ["chunk of a non-leaf, and the input used beside it", (x) => { const y = x.mul(2); const [a] = y.chunk(2, 0); return a!.sum().add(y.square().sum()); }],
    ["unbind: some rows unused", (x) => { const [r0, , r2] = x.unbind(0); return r0!.mul(r2!); }],
    ["unbind along dim 1, one column used twice", (x) => { const cols = x.unbind(1); return cols[1]!.mul(cols[4]!).add(cols[1]!); }],
    ["two splits of one tensor", (x) => { const [a] = x.split(3, 1); const [, d] = x.chunk(2, 1); return a!.mul(d!); }],
  ];
  for (const [name, f] of cases) assert.equal(gradcheck(f, [f64([3, 6]).requiresGrad_()]), true, name);
});

/** x.grad after `loss` of parts taken by `part` (split, or the same regions as single views). */
function gradOf(x: Tensor, parts: (x: Tensor) => Tensor[], loss: (p: Tensor[]) => Tensor, seed?: Tensor): { grad: Tensor; buffers: number } {
  const leaf = x.detach().requiresGrad_();
  const y = loss(parts(leaf));
  const before = Storage.nextSerial;
  y.backward(seed);
  return { grad: leaf.grad!, buffers: Storage.nextSerial - before };
}

test("one split backward makes one gradient buffer where three views make three zero-padded ones, with the same values", () => {
  // q, k, v of attention: three parts of one [B, T, 3C] product, their gradients arriving transposed
  const x = randn([2, 5, 12]);
  const seed = randn([2, 4, 5]);
  const loss = ([q, k, v]: Tensor[]): Tensor => q!.transpose(1, 2).mul(k!.transpose(1, 2)).add(v!.transpose(1, 2).exp());
  const viaSplit = gradOf(x, (t) => t.split(4, 2), loss, seed);
  const viaNarrow = gradOf(x, (t) => [0, 4, 8].map((s) => t.narrow(2, s, 4)), loss, seed);
  assert.deepEqual(viaSplit.grad.toArray(), viaNarrow.grad.toArray()); // bit for bit
  // the narrows' three zero-padded gradients, against split's one (the narrows' two sums go into
  // the first in place: backward accumulates a leaf's later gradients into the .grad it made)
  assert.equal(viaNarrow.buffers - viaSplit.buffers, 2, `split: ${viaSplit.buffers} buffers, three narrows: ${viaNarrow.buffers}`);
  // a part with no gradient: zeros there, still one buffer for the input's gradient
  const onlyK = ([, k]: Tensor[]): Tensor => k!.mul(3);
  const kSplit = gradOf(x, (t) => t.chunk(3, 2), onlyK, seed.transpose(1, 2));
  const kNarrow = gradOf(x, (t) => [0, 4, 8].map((s) => t.narrow(2, s, 4)), onlyK, seed.transpose(1, 2));
  assert.deepEqual(kSplit.grad.toArray(), kNarrow.grad.toArray());
  assert.equal(kSplit.buffers, kNarrow.buffers);
  const rowSeed = randn([2, 12]);
  const rows = gradOf(x, (t) => t.unbind(1), (r) => r[0]!.add(r[3]!).mul(r[4]!), rowSeed);
  const rowsSelect = gradOf(x, (t) => [0, 1, 2, 3, 4].map((i) => t.select(1, i)), (r) => r[0]!.add(r[3]!).mul(r[4]!), rowSeed);
  assert.deepEqual(rows.grad.toArray(), rowsSelect.grad.toArray());
  assert.equal(rowsSelect.buffers - rows.buffers, 2); // three zero-padded gradients (summed in place), against one buffer
});

test("split's gradient across passes: retainGraph accumulates, each part alone, jacobian", () => {
  const x = f64([2, 6]).requiresGrad_();
  const [a, b, c] = x.split(2, 1);
  const y = a!.mul(2).add(b!.mul(3));
  y.sum().backward(undefined, { retainGraph: true });
  y.sum().backward(undefined, { retainGraph: true });
  assert.deepEqual(x.grad!.toArray(), [0, 1].map(() => [4, 4, 6, 6, 0, 0]));
  x.grad = null;
  // passes that each reach one part: nothing of one pass stays for the next
  a!.sum().backward(undefined, { retainGraph: true });
  c!.mul(5).sum().backward(undefined, { retainGraph: true });
  assert.deepEqual(x.grad!.toArray(), [0, 1].map(() => [1, 1, 0, 0, 5, 5]));
  const J = jacobian((t) => { const [p, q] = t.unbind(0); return p!.mul(q!); }, tensor([2, 7], { dtype: "float64" }));
  assert.deepEqual(J.toArray(), [7, 2]);
  // the graph is freed after a pass without retainGraph
  const [d, e] = x.chunk(2, 1);
  const z = d!.add(e!).sum();
  z.backward();
  assert.throws(() => z.backward(), /a second time/);
});

test("a pass that fails before split's gradient is built leaves nothing behind for the next pass", () => {
  const x = f64([2, 4]).requiresGrad_();
  const [a, b] = x.split(2, 1);
  const e = b!.exp();
  const loss = e.sum().add(a!.sum()); // in this order, a's part runs before exp's rule
  noGrad(() => e.add_(1)); // exp's backward reads its output: this pass throws there, after a's part filed its gradient
  assert.throws(() => loss.backward(undefined, { retainGraph: true }), /modified by an inplace operation/);
  x.grad = null;
  b!.mul(2).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [0, 1].map(() => [0, 0, 2, 2]));
});

test("split's gradient with a seed of another dtype: built in that dtype, stored in the input's", () => {
  const x = randn([2, 4], { requiresGrad: true });
  const [a, b] = x.split(2, 1);
  a!.backward(tensor([[1, 2], [3, 4]], { dtype: "float64" }), { retainGraph: true });
  assert.equal(x.grad!.dtype, "float32");
  assert.deepEqual(x.grad!.toArray(), [[1, 2, 0, 0], [3, 4, 0, 0]]);
  const y = a!.sum().add(b!.sum());
  x.grad = null;
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [[1, 1, 1, 1], [1, 1, 1, 1]]);
});
