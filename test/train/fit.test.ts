import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { data, fit, isGradEnabled, manualSeed, nn, optim, type Tensor } from "../../src/index.js";

function model(seed: number): nn.Sequential {
  manualSeed(seed);
  return new nn.Sequential(new nn.Linear(2, 8), new nn.ReLU(), new nn.Linear(8, 2));
}

function handLoop(net: nn.Sequential, batches: () => Iterable<Tensor[]>, epochs: number, lr: number): number[] {
  const optimizer = new optim.SGD(net.parameters(), { lr });
  const lossFunction = new nn.CrossEntropyLoss();
  const losses: number[] = [];
  for (let epoch = 0; epoch < epochs; epoch++) {
    let sum = 0;
    let count = 0;
    for (const [x, y] of batches()) {
      optimizer.zeroGrad();
      const loss = lossFunction.call(net.call(x!), y!);
      loss.backward();
      optimizer.step();
      sum += loss.item() * x!.shape[0]!;
      count += x!.shape[0]!;
    }
    losses.push(sum / count);
  }
  return losses;
}

test("fit full-batch: the same losses and weights as the plain PyTorch-style loop", () => {
  const moons = data.makeMoons({ nSamples: 64, noise: 0.1, seed: 1 });
  const byHand = model(3);
  const expected = handLoop(byHand, () => [[moons.x, moons.y]], 5, 0.3);
  const byFit = model(3);
  const history = fit(byFit, moons, { epochs: 5, loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(byFit.parameters(), { lr: 0.3 }) });
  assert.deepEqual(history.loss, expected);
  assert.equal(history.accuracy.length, 5);
  assert.deepEqual(history.valLoss, []);
  for (const [name, value] of Object.entries(byHand.stateDict())) assert.deepEqual(byFit.stateDict()[name]!.toArray(), value.toArray(), name);
});

test("fit mini-batches: reshuffled each epoch from the seed, equal to a loop over a seeded DataLoader", () => {
  const blobs = data.makeBlobs({ nSamples: 50, centers: 2, seed: 2 });
  const loader = new data.DataLoader(new data.TensorDataset(blobs.x, blobs.y), { batchSize: 16, shuffle: true, seed: 9 });
  const byHand = model(4);
  const expected = handLoop(byHand, () => loader, 3, 0.05);
  const byFit = model(4);
  const options = { epochs: 3, batchSize: 16, seed: 9, loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(byFit.parameters(), { lr: 0.05 }) };
  assert.deepEqual(fit(byFit, blobs, options).loss, expected);
  // a DataLoader can be passed directly as well
  const again = model(4);
  const fromLoader = fit(again, new data.DataLoader(new data.TensorDataset(blobs.x, blobs.y), { batchSize: 16, shuffle: true, seed: 9 }), { epochs: 3, loss: options.loss, optimizer: new optim.SGD(again.parameters(), { lr: 0.05 }) });
  assert.deepEqual(fromLoader.loss, expected);
});

/** Records the mode and grad recording seen by each forward call. */
class Spy extends nn.Module {
  inner = new nn.Linear(2, 2);
  seen: string[] = [];
  forward(x: Tensor): Tensor {
    this.seen.push(`${this.training ? "train" : "eval"}/${isGradEnabled() ? "grad" : "noGrad"}`);
    return this.inner.call(x);
  }
}

test("fit switches train/eval: training batches record a graph, validation runs in eval mode under noGrad", () => {
  const train = data.makeBlobs({ nSamples: 20, seed: 1 });
  const validation = data.makeBlobs({ nSamples: 10, seed: 2 });
  const spy = new Spy();
  spy.eval();
  const records: number[] = [];
  const history = fit(spy, train, {
    // eager steps: a compiled step runs forward's JavaScript (the spy's record) only when tracing
    epochs: 2, batchSize: 10, loss: nn.functional.crossEntropy, validation, compile: false,
    optimizer: new optim.SGD(spy.parameters(), { lr: 0.1 }),
    onEpoch: (record) => {
      records.push(record.epoch);
      assert.equal(typeof record.valAccuracy, "number");
    },
  });
  assert.deepEqual(spy.seen, ["train/grad", "train/grad", "eval/noGrad", "train/grad", "train/grad", "eval/noGrad"]);
  assert.equal(spy.training, true);
  assert.deepEqual(records, [1, 2]);
  assert.equal(history.valLoss.length, 2);
  assert.equal(history.valAccuracy.length, 2);
});

test("fit: onEpoch returning false stops; MSE has no accuracy; BCE-with-logits trains a separable problem", () => {
  const blobs = data.makeBlobs({ nSamples: 40, centers: [[-3, 0], [3, 0]], clusterStd: 0.3, seed: 5 });
  const target = blobs.y.unsqueeze(1);
  const regression = new nn.Linear(2, 1);
  const stopped = fit(regression, { x: blobs.x, y: target }, { epochs: 10, loss: new nn.MSELoss(), optimizer: new optim.SGD(regression.parameters(), { lr: 0.05 }), onEpoch: (r) => r.epoch < 3 });
  assert.equal(stopped.loss.length, 3);
  assert.deepEqual(stopped.accuracy, []);
  manualSeed(0);
  const net = new nn.Linear(2, 1);
  const logits = fit(net, { x: blobs.x, y: target }, { epochs: 30, loss: new nn.BCEWithLogitsLoss(), optimizer: new optim.SGD(net.parameters(), { lr: 0.5 }) });
  assert.equal(logits.accuracy.at(-1), 1);
  assert.equal(logits.accuracy.at(-1), 1);
});

test("fit: bad epochs, a non-scalar or non-finite loss, misplaced batching options and used-up or malformed batches are clear errors", () => {
  const blobs = data.makeBlobs({ nSamples: 10, seed: 1 });
  const net = new nn.Linear(2, 2);
  const optimizer = new optim.SGD(net.parameters(), { lr: 0.1 });
  const loss = new nn.CrossEntropyLoss();
  assert.throws(() => fit(net, blobs, { epochs: -1, loss, optimizer }), /fit: epochs must be an integer ≥ 0, got -1/);
  assert.throws(() => fit(net, blobs, { epochs: 1, batchSize: 0, loss, optimizer }), /fit: batchSize must be an integer ≥ 1, got 0/);
  assert.throws(() => fit(net, blobs, { epochs: 1, loss: new nn.CrossEntropyLoss({ reduction: "none" }), optimizer }), /fit: the loss must be one number \(reduction "mean" or "sum"\), got shape \[10\]/);
  assert.throws(() => fit(net, [[blobs.x]], { epochs: 1, loss, optimizer }), /fit: each batch must be \[input, target\] tensors/);
  const loader = new data.DataLoader(new data.TensorDataset(blobs.x, blobs.y), { batchSize: 5 });
  assert.throws(() => fit(net, loader, { epochs: 1, batchSize: 5, seed: 1, loss, optimizer }), /fit: batchSize, seed apply to \{ x, y \} data; these batches come ready-made/);
  function* once() {
    yield [blobs.x, blobs.y];
  }
  assert.throws(() => fit(net, once(), { epochs: 2, loss, optimizer }), /fit \(epoch 2\): the data yielded no batches \(an iterator or generator is used up after one pass/);
  const nanLoss = (output: Tensor) => output.sum().mul(0).sub(1).log(); // log(−1)
  assert.throws(() => fit(net, blobs, { epochs: 1, loss: nanLoss, optimizer }), /fit: the loss is NaN on batch of 10 samples \(after 0 samples\); a smaller learning rate/);
  const infiniteLoss = (output: Tensor) => output.sum().mul(0).add(1).div(0); // 1/0
  assert.throws(() => fit(net, blobs, { epochs: 1, batchSize: 4, loss: infiniteLoss, optimizer }), /fit: the loss is Infinity on batch of 4 samples/);
});
