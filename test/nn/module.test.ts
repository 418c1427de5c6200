import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { manualSeed, nn, ones, optim, tensor, zeros, type Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

const mlp = (): nn.Sequential => new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 4), new nn.Dropout(0.5), new nn.Linear(4, 1, { bias: false }));

class Block extends nn.Module {
  scale = new nn.Parameter(ones([2]));
  frozen = tensor([1, 2]); // a constant, not a parameter
  inner = new nn.Sequential(new nn.Linear(2, 2), new nn.Tanh());
  forward(x: Tensor): Tensor {
    return this.inner.call(x.mul(this.scale).add(this.frozen));
  }
}

class Net extends nn.Module {
  encoder = new Block();
  head = new nn.Linear(2, 1);
  offset = tensor([0.5], { requiresGrad: true }); // a requiresGrad leaf counts as a parameter
  forward(x: Tensor): Tensor {
    return this.head.call(this.encoder.call(x)).add(this.offset);
  }
}

test("Sequential names children 0, 1, … and parameters 0.weight, 0.bias, 2.weight … in order", () => {
  const model = mlp();
  assert.deepEqual(model.namedChildren().map(([name]) => name), ["0", "1", "2", "3", "4"]);
  assert.deepEqual(model.namedParameters().map(([name, p]) => `${name} ${p.shape.join("x")}`), ["0.weight 3x2", "0.bias 3", "2.weight 4x3", "2.bias 4", "4.weight 1x4"]);
  assert.equal(model.parameters().length, 5);
  assert.equal(model.length, 5);
  assert.ok(model.children()[1] instanceof nn.ReLU);
});

test("a subclass's fields are found in declaration order with no registration", () => {
  const net = new Net();
  assert.deepEqual(net.namedParameters().map(([name]) => name), ["offset", "encoder.scale", "encoder.inner.0.weight", "encoder.inner.0.bias", "head.weight", "head.bias"]);
  assert.deepEqual(net.namedChildren().map(([name]) => name), ["encoder", "head"]);
  assert.deepEqual(net.namedModules().map(([name]) => name), ["", "encoder", "encoder.inner", "encoder.inner.0", "encoder.inner.1", "head"]);
  assert.deepEqual(net.call(tensor([[1, 2]])).shape, [1, 1]);
});

test("a module shared twice contributes its parameters once", () => {
  const shared = new nn.Linear(2, 2);
  const model = new nn.Sequential(shared, new nn.ReLU(), shared);
  assert.deepEqual(model.namedParameters().map(([name]) => name), ["0.weight", "0.bias"]);
});

test("Linear: shapes, PyTorch's U(−1/√in, 1/√in) init, seeded, and y = x Wᵀ + b", () => {
  manualSeed(3);
  const layer = new nn.Linear(16, 5);
  assert.deepEqual([layer.weight.shape, layer.bias!.shape], [[5, 16], [5]]);
  for (const p of [layer.weight, layer.bias!]) {
    const values = p.toTypedArray();
    assert.ok(values.every((v) => Math.abs(v) <= 0.25), "inside ±1/√16");
    assert.ok(values.some((v) => Math.abs(v) > 0.15), "spread over the interval");
  }
  manualSeed(3);
  assert.deepEqual(new nn.Linear(16, 5).weight.toArray(), layer.weight.toArray());
  const x = tensor([[1, -2, 0.5, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 3]]);
  assertClose(layer.call(x), x.matmul(layer.weight.t()).add(layer.bias!).toArray(), 1e-6);
  assert.equal(new nn.Linear(3, 2, { bias: false }).bias, null);
  assert.deepEqual(layer.call(zeros([2, 7, 16])).shape, [2, 7, 5]);
  assert.deepEqual(layer.call(zeros([16])).shape, [5]);
  assert.throws(() => layer.call(zeros([4, 3])), /linear: input \[4,3\] does not match weight \[5,16\]/);
  assert.throws(() => new nn.Linear(2.5, 1), /inFeatures must be a non-negative integer/);
});

test("stateDict round trip: keys, shared storage, and loading into a fresh model reproduces outputs", () => {
  const source = mlp().eval();
  const state = source.stateDict();
  assert.deepEqual(Object.keys(state), ["0.weight", "0.bias", "2.weight", "2.bias", "4.weight"]);
  assert.equal(state["0.weight"]!.requiresGrad, false);
  const target = mlp().eval();
  const x = tensor([[0.3, -1.2], [2, 0.5]]);
  assert.notDeepEqual(target.call(x).toArray(), source.call(x).toArray());
  const result = target.loadStateDict(state);
  assert.deepEqual(result, { missingKeys: [], unexpectedKeys: [] });
  assert.deepEqual(target.call(x).toArray(), source.call(x).toArray());
  assert.equal(target.parameters()[0]!.requiresGrad, true);
});

test("loadStateDict: missing, unexpected and wrongly-shaped keys are errors naming the key and shapes", () => {
  const model = mlp();
  const state = model.stateDict();
  const { ["2.bias"]: _dropped, ...missing } = state;
  assert.throws(() => model.loadStateDict(missing), /missing key 2\.bias \(shape \[4\] in the model\)/);
  assert.throws(() => model.loadStateDict({ ...state, "9.weight": zeros([2, 2]) }), /unexpected key 9\.weight \(shape \[2,2\] in the state dict\)/);
  assert.throws(
    () => model.loadStateDict({ ...state, "0.weight": zeros([2, 3]) }),
    /size mismatch for 0\.weight: copying a param with shape \[2,3\] from the state dict, the shape in the current model is \[3,2\]/,
  );
  assert.throws(() => model.loadStateDict({ ...state, "0.weight": zeros([2, 3]) }, { strict: false }), /size mismatch for 0\.weight/);
  const before = model.parameters()[0]!.toArray();
  const result = model.loadStateDict({ "0.bias": zeros([3]), extra: zeros([1]) }, { strict: false });
  assert.deepEqual(result.unexpectedKeys, ["extra"]);
  assert.deepEqual(result.missingKeys, ["0.weight", "2.weight", "2.bias", "4.weight"]);
  assert.deepEqual(model.parameters()[1]!.toArray(), [0, 0, 0]);
  assert.deepEqual(model.parameters()[0]!.toArray(), before);
});

test("train() and eval() recurse into every descendant", () => {
  const net = new Net();
  assert.ok(net.modules().every((m) => m.training));
  net.eval();
  assert.ok(net.modules().every((m) => !m.training));
  assert.equal(net.encoder.inner.training, false);
  net.encoder.train();
  assert.equal(net.training, false);
  assert.equal(net.encoder.inner.training, true);
  assert.equal(net.train(), net);
  assert.ok(net.modules().every((m) => m.training));
});

test("zeroGrad clears every parameter's gradient", () => {
  const net = new Net();
  net.call(tensor([[1, 2]])).sum().backward();
  assert.ok(net.parameters().every((p) => p.grad !== null));
  net.zeroGrad(false);
  assert.ok(net.parameters().every((p) => p.grad!.abs().sum().item() === 0));
  net.zeroGrad();
  assert.ok(net.parameters().every((p) => p.grad === null));
});

test("Dropout: inverted (zeros or 1/(1−p)) and seeded in training, identity in eval", () => {
  const drop = new nn.Dropout(0.25);
  manualSeed(7);
  const first = drop.call(ones([2000])).toTypedArray();
  assert.ok(first.every((v) => v === 0 || Math.abs(v - 1 / 0.75) < 1e-6));
  const zeroShare = first.filter((v) => v === 0).length / first.length;
  assert.ok(Math.abs(zeroShare - 0.25) < 0.04, `dropped ${zeroShare}`);
  manualSeed(7);
  assert.deepEqual(drop.call(ones([2000])).toTypedArray(), first);
  drop.eval();
  const x = tensor([1, 2, 3]);
  assert.equal(drop.call(x), x);
  assert.deepEqual(new nn.Dropout(1).call(ones([3])).toArray(), [0, 0, 0]);
  assert.throws(() => new nn.Dropout(1.5), /probability has to be between 0 and 1, but got 1.5/);
});

test("Dropout's gradient flows only through the kept elements, scaled", () => {
  const x = ones([100], { requiresGrad: true });
  const y = nn.functional.dropout(x, 0.5);
  y.sum().backward();
  assert.deepEqual(x.grad!.toArray(), y.toArray());
});

test("activations, Flatten and Identity compute what their names say", () => {
  const x = tensor([[-1, 0, 2]]);
  assert.deepEqual(new nn.ReLU().call(x).toArray(), [[0, 0, 2]]);
  assertClose(new nn.Tanh().call(x), [[Math.tanh(-1), 0, Math.tanh(2)]], 1e-6);
  assertClose(new nn.Sigmoid().call(x), [[1 / (1 + Math.E), 0.5, 1 / (1 + Math.exp(-2))]], 1e-6);
  const sum = Math.exp(-1) + 1 + Math.exp(2);
  assertClose(new nn.Softmax(1).call(x), [[Math.exp(-1) / sum, 1 / sum, Math.exp(2) / sum]], 1e-6);
  assertClose(new nn.LogSoftmax(-1).call(x), [[-1 - Math.log(sum), -Math.log(sum), 2 - Math.log(sum)]], 1e-6);
  assert.deepEqual(new nn.Flatten().call(zeros([4, 2, 3])).shape, [4, 6]);
  assert.deepEqual(new nn.Flatten(0).call(zeros([4, 2, 3])).shape, [24]);
  assert.equal(new nn.Identity().call(x), x);
});

test("to(dtype) converts every parameter in place of the old ones", () => {
  const net = new Net().to("float64");
  assert.ok(net.parameters().every((p) => p.dtype === "float64" && p.requiresGrad));
  assert.equal(net.parameters().length, 6);
  assert.equal(net.call(tensor([[1, 2]], { dtype: "float64" })).dtype, "float64");
});

test("toString prints the module tree", () => {
  assert.equal(
    new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU()).toString(),
    "Sequential(\n  (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n  (1): ReLU()\n)",
  );
});

test("a field holding an array of modules contributes children field.0, field.1 …", () => {
  class Stack extends nn.Module {
    layers = [new nn.Linear(2, 3), new nn.Linear(3, 1)];
    forward(x: Tensor): Tensor {
      return this.layers.reduce((h, layer) => layer.call(h).tanh(), x);
    }
  }
  const stack = new Stack();
  assert.deepEqual(Object.keys(stack.stateDict()), ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]);
  stack.eval();
  assert.ok(stack.layers.every((layer) => !layer.training));
  assert.deepEqual(stack.call(zeros([4, 2])).shape, [4, 1]);
});

test("a frozen Parameter stays a parameter and the optimizer skips it (no gradient)", () => {
  const layer = new nn.Linear(2, 1);
  layer.weight.requiresGrad_(false);
  assert.deepEqual(layer.namedParameters().map(([name]) => name), ["weight", "bias"]);
  const before = layer.weight.toArray();
  const biasBefore = layer.bias!.item();
  const optimizer = new optim.SGD(layer.parameters(), { lr: 1 });
  layer.call(tensor([[1, 2]])).sum().backward();
  optimizer.step();
  assert.deepEqual(layer.weight.toArray(), before);
  assertClose(layer.bias!, [biasBefore - 1], 1e-6); // dΣy/db = 1
  assert.equal(layer.weight.grad, null);
});
