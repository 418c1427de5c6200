import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, optim, randn, tensor, type NestedArray, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import { assertClose } from "../helpers.js";
import { CASES, NABLA_OPS, inputsOf, rebuild } from "../ops/op-table.js";
import { onAsyncOnlyBackend } from "./async-only-backend.js";

const samples = (): Tensor[] => [tensor(3.5), tensor([1, 2, 3]), tensor([[[1, 2], [3, 4]], [[5, 6], [7, 8]]], { dtype: "float64" }), tensor([[1, 2, 3], [4, 5, 6]]).t()];

test("await data() and await array() give what toTypedArray() and toArray() give, strided views included", async () => {
  assert.equal(activeBackend().readsSynchronously, true);
  for (const t of samples()) {
    assert.deepEqual(await t.data(), t.toTypedArray());
    assert.deepEqual(await t.array(), t.toArray());
  }
  assert.deepEqual(await tensor([[1, 2, 3], [4, 5, 6]]).t().array(), [[1, 4], [2, 5], [3, 6]]);
});

test("data() is a copy taken when it is called: later in-place writes and writes to the copy do not cross", async () => {
  const x = tensor([1, 2]);
  const pending = x.data();
  x.add_(10);
  const values = await pending;
  assert.deepEqual(Array.from(values), [1, 2]);
  values[0] = 99;
  assert.deepEqual(x.toArray(), [11, 12]);
});

test("on a backend that reads only asynchronously, item(), toArray() and toTypedArray() name the async method to use", async () => {
  await onAsyncOnlyBackend(async (backend) => {
    const x = tensor([[1, 2], [3, 4]]);
    assert.throws(() => x.sum().item(), /^Error: item: the async-only backend reads tensor data asynchronously; use \(await t\.data\(\)\)\[0\] instead$/);
    assert.throws(() => x.toArray(), /^Error: toArray: the async-only backend reads tensor data asynchronously; use await t\.array\(\) instead$/);
    assert.throws(() => x.toTypedArray(), /^Error: toTypedArray: the async-only backend reads tensor data asynchronously; use await t\.data\(\) instead$/);
    assert.equal(String(x), "tensor(<on async-only: await t.array()>, shape=[2,2], dtype=float32)");
    const before = backend.asyncReads;
    assert.deepEqual(await x.t().array(), [[1, 3], [2, 4]]);
    assert.deepEqual(Array.from(await x.sum().data()), [10]);
    assert.equal(backend.asyncReads, before + 2);
  });
});

// Every op of the PyTorch fixture table, forward and backward, on the async-only backend: its
// read() throws, so an op that read data back to the host would fail here.
test("every op of the fixture table runs forward and backward without a synchronous read, and matches PyTorch", async () => {
  await onAsyncOnlyBackend(async () => {
    const nested = async (t: Tensor): Promise<NestedArray> => t.array();
    for (const c of CASES) {
      const { leaves, args } = inputsOf(c, "float64");
      const out = NABLA_OPS[c.op]!(args, c.args);
      assertClose(await nested(out), await nested(rebuild(c.out, "float64")), 1e-10, 1e-9, `${c.name} forward`);
      if (c.weight === undefined || c.grads === undefined) continue;
      out.mul(rebuild(c.weight, "float64")).sum().backward();
      for (const [i, grad] of c.grads.entries()) {
        assertClose(await nested(leaves[i]!.grad!), await nested(rebuild(grad, "float64")), 1e-10, 1e-9, `${c.name} grad of input ${i}`);
      }
    }
  });
});

/** A few steps of an MLP classifier with each loss that validates its targets; returns the final weights. */
async function train(targets: (n: number) => Tensor | number[]): Promise<NestedArray[]> {
  manualSeed(7);
  const model = new nn.Sequential(new nn.Linear(4, 6), new nn.ReLU(), new nn.Linear(6, 3));
  const optimizer = new optim.Adam(model.parameters(), { lr: 0.05 });
  const x = randn([8, 4]);
  const y = targets(8);
  const binary = tensor([1, 0, 1, 1, 0, 0, 1, 0]);
  for (let step = 0; step < 5; step++) {
    optimizer.zeroGrad();
    const logits = model.call(x);
    const probability = logits.sum(1).sigmoid();
    const loss = nn.functional
      .crossEntropy(logits, y)
      .add(nn.functional.nllLoss(logits.logSoftmax(1), y))
      .add(nn.functional.binaryCrossEntropy(probability, binary))
      .add(nn.functional.binaryCrossEntropyWithLogits(logits.sum(1), binary))
      .add(logits.gather(1, (y instanceof Array ? tensor(y) : y).reshape([8, 1])).mean());
    loss.backward();
    optimizer.step();
  }
  return Promise.all(model.parameters().map((p) => p.array()));
}

test("training (losses that validate targets, gather, Adam) runs without a synchronous read and gives the synchronous backend's weights", async () => {
  const classes = (n: number): Tensor => tensor(Array.from({ length: n }, (_, i) => i % 3), { dtype: "int32" });
  const expected = await train(classes);
  const onTensorTargets = await onAsyncOnlyBackend(() => train(classes));
  const onNumberTargets = await onAsyncOnlyBackend(() => train((n) => Array.from({ length: n }, (_, i) => i % 3)));
  onTensorTargets.forEach((w, i) => assertClose(w, expected[i]!, 0, 0, `parameter ${i}, tensor targets`));
  onNumberTargets.forEach((w, i) => assertClose(w, expected[i]!, 0, 0, `parameter ${i}, number[] targets`));
});

test("values given on the host are still checked on an async-only backend; its tensors do not mix with another backend's", async () => {
  const cpu = tensor([1, 2]);
  await onAsyncOnlyBackend(() => {
    const logits = randn([2, 3]);
    assert.throws(() => nn.functional.crossEntropy(logits, [0, 3]), /crossEntropy: target 3 at position 1 is out of bounds: class indices must be in \[0, 3\)/);
    assert.throws(() => logits.gather(1, [[0], [-1]]), /gather: index -1 at position 1 is out of range \[0, 3\)/);
    const device = tensor([1, 2]);
    assert.throws(() => cpu.add(device), /a tensor on the async-only backend cannot be used with tensors on (js|wasm): its data is read asynchronously/);
  });
});
