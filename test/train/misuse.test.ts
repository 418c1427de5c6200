// Issue 11: API misuse and data that cannot be right give a message naming what is wrong, not
// an engine TypeError ("group.params is not iterable", "Do not know how to serialize a BigInt")
// or a silent result; a training that diverged is reported for every optimizer alike.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, fit, manualSeed, nn, optim, tensor, zeros } from "../../src/index.js";

const model = () => new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));

test("fit without an optimizer or a loss, or on zero rows, names what is missing", () => {
  const m = model();
  const xy = { x: zeros([4, 2]), y: tensor([0, 1, 0, 1]) };
  const sgd = new optim.SGD(m.parameters(), { lr: 0.1 });
  const loss = new nn.CrossEntropyLoss();
  // @ts-expect-error: the mistake under test
  assert.throws(() => fit(m, xy, { epochs: 1, loss }), /^Error: fit: options\.optimizer is missing; pass e\.g\. new optim\.SGD/);
  // @ts-expect-error: the mistake under test
  assert.throws(() => fit(m, xy, { epochs: 1, optimizer: sgd }), /^Error: fit: options\.loss is missing; pass e\.g\. new nn\.CrossEntropyLoss\(\)/);
  // @ts-expect-error: the mistake under test
  assert.throws(() => fit(m, xy, { epochs: 1, optimizer: {}, loss }), /fit: options\.optimizer is not an optimizer \(it needs step\(\) and zeroGrad\(\)\)/);
  assert.throws(() => fit(m, { x: zeros([0, 2]), y: zeros([0]) }, { epochs: 1, optimizer: sgd, loss }), /^Error: fit: the data has no samples \(x has shape \[0, 2\]\)$/);
});

test("new optim.SGD([[1, 2]]) and tensor([1n]) say what is wrong", () => {
  // @ts-expect-error: the mistake under test
  assert.throws(() => new optim.SGD([[1, 2]], { lr: 0.1 }), /^Error: SGD: parameter 0 is the array \[1,2\], not a Tensor: pass model\.parameters\(\)/);
  // @ts-expect-error: the mistake under test
  assert.throws(() => new optim.Adam([{ lr: 1 }]), /^Error: Adam: parameter 0 is an object without a params list, not a Tensor/);
  // @ts-expect-error: the mistake under test
  assert.throws(() => tensor([1n]), /^Error: tensor: expected a number at \[0\], got the bigint 1n \(use a number\)$/);
  // @ts-expect-error: the mistake under test
  assert.throws(() => tensor(5n), /^Error: tensor: unsupported data 5n \(a bigint; use a number\)/);
});

test("fit on data holding NaN says the data is at fault (not the learning rate)", () => {
  const m = model();
  const x = tensor([[0, 1], [1, NaN], [2, 0], [0, 0]]);
  assert.throws(
    () => fit(m, { x, y: tensor([0, 1, 0, 1]) }, { epochs: 1, optimizer: new optim.SGD(m.parameters(), { lr: 0.1 }), loss: new nn.CrossEntropyLoss() }),
    /^Error: fit: the input batch holds NaN at \[1, 1\]; data with NaN or infinite values cannot be trained on$/,
  );
});

test("divergence is reported for every optimizer, not only when the loss overflows", () => {
  const moons = data.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });
  const optimizers = {
    "SGD at lr 1e6": (p: ReturnType<ReturnType<typeof model>["parameters"]>) => new optim.SGD(p, { lr: 1e6 }),
    "Adam at lr 1e6": (p: ReturnType<ReturnType<typeof model>["parameters"]>) => new optim.Adam(p, { lr: 1e6 }),
    "RMSprop at lr 1e6": (p: ReturnType<ReturnType<typeof model>["parameters"]>) => new optim.RMSprop(p, { lr: 1e6 }),
    "AdamW at lr 1e6": (p: ReturnType<ReturnType<typeof model>["parameters"]>) => new optim.AdamW(p, { lr: 1e6 }),
  };
  for (const [name, make] of Object.entries(optimizers)) {
    manualSeed(0);
    const m = model();
    assert.throws(
      () => fit(m, moons, { epochs: 30, batchSize: 32, optimizer: make(m.parameters()), loss: new nn.CrossEntropyLoss() }),
      /fit: (training diverged: the loss rose from [\d.]+ \(first batch\) to [\d.e+]+ in epoch \d+|the loss is (NaN|Infinity))/,
      name,
    );
  }
  // a sane run is not reported
  manualSeed(0);
  const m = model();
  const history = fit(m, moons, { epochs: 30, batchSize: 32, optimizer: new optim.Adam(m.parameters(), { lr: 0.01 }), loss: new nn.CrossEntropyLoss() });
  assert.ok(history.loss.at(-1)! < history.loss[0]!);
});
