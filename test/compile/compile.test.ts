import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { Generator, compile, data, manualSeed, nn, noGrad, optim, tensor, zeros, type Tensor } from "../../src/index.js";

type Step = (x: Tensor, y: Tensor) => Tensor;

/** Runs `steps` calls of `makeStep()`'s step eagerly and compiled from the same seed; returns both runs' losses and final parameters. */
function eagerAndCompiled(setup: () => { model: nn.Module; step: Step; after?: (i: number) => void }, x: Tensor, y: Tensor, steps = 100) {
  const run = (useCompile: boolean) => {
    manualSeed(7);
    const { model, step, after } = setup();
    const call = useCompile ? compile(step) : step;
    const losses: number[] = [];
    for (let i = 0; i < steps; i++) {
      losses.push(call(x, y).item());
      after?.(i);
    }
    const params = model.parameters().map((p) => Array.from(p.toTypedArray()));
    const grads = model.parameters().map((p) => (p.grad === null ? null : Array.from(p.grad.toTypedArray())));
    return { losses, params, grads, stats: useCompile ? (call as ReturnType<typeof compile>).stats : null };
  };
  return { eager: run(false), compiled: run(true) };
}

function assertSameRun(result: ReturnType<typeof eagerAndCompiled>, steps = 100): void {
  const { eager, compiled } = result;
  assert.deepEqual(compiled.losses, eager.losses, "losses bit-identical");
  assert.deepEqual(compiled.params, eager.params, "final parameters bit-identical");
  assert.deepEqual(compiled.grads, eager.grads, "final gradients bit-identical");
  assert.deepEqual(compiled.stats, { traces: 2, replays: steps - 2, eager: 0, evictions: 0 });
  assert.ok(eager.losses[steps - 1]! < eager.losses[0]!, "the model trains");
}

const moons = data.makeMoons({ nSamples: 200, noise: 0.1, seed: 0 });

test("W1-like MLP 2-16-16-2, cross-entropy, SGD: 100 compiled steps match eager bit for bit", () => {
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 16), new nn.ReLU(), new nn.Linear(16, 2));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const lossFunction = new nn.CrossEntropyLoss();
    const step: Step = (x, y) => {
      optimizer.zeroGrad();
      const loss = lossFunction.call(model.call(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    };
    return { model, step };
  };
  assertSameRun(eagerAndCompiled(setup, moons.x, moons.y));
});

test("W2-like logistic regression, sigmoid + binary cross-entropy, SGD: 100 compiled steps match eager", () => {
  const blobs = data.makeBlobs({ nSamples: 1000, centers: [[-2, 0], [2, 1]], seed: 0 });
  const y = blobs.y.float().reshape([-1, 1]);
  const setup = () => {
    const model = new nn.Linear(2, 1);
    noGrad(() => (model.weight.zero_(), model.bias!.zero_()));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
    const step: Step = (xb, yb) => {
      optimizer.zeroGrad();
      const loss = nn.functional.binaryCrossEntropy(model.call(xb).sigmoid(), yb);
      loss.backward();
      optimizer.step();
      return loss;
    };
    return { model, step };
  };
  assertSameRun(eagerAndCompiled(setup, blobs.x, y));
});

test("MLP with dropout, Adam and a scheduler: fresh masks and changing learning rates take effect on replay", () => {
  let scheduler: optim.StepLR | null = null;
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(2, 32), new nn.ReLU(), new nn.Dropout(0.3), new nn.Linear(32, 2));
    const optimizer = new optim.Adam(model.parameters(), { lr: 0.02, weightDecay: 1e-3 });
    scheduler = new optim.StepLR(optimizer, 10, { gamma: 0.5 });
    const lossFunction = new nn.CrossEntropyLoss();
    const step: Step = (x, y) => {
      optimizer.zeroGrad();
      const loss = lossFunction.call(model.call(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    };
    return { model, step, after: () => scheduler!.step() };
  };
  const result = eagerAndCompiled(setup, moons.x, moons.y);
  assertSameRun(result);
  // the masks differ between calls: with one mask repeated, losses of equal lr would follow a smooth path
  assert.notDeepEqual(result.compiled.losses.slice(0, 3), result.compiled.losses.slice(1, 4));
});

test("SGD with momentum: momentum, weight decay and lr edited in the param group between calls take effect", () => {
  const setup = () => {
    const model = new nn.Sequential(new nn.Linear(2, 8), new nn.Tanh(), new nn.Linear(8, 2));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    const lossFunction = new nn.CrossEntropyLoss();
    const step: Step = (x, y) => {
      optimizer.zeroGrad();
      const loss = lossFunction.call(model.call(x), y);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const after = (i: number) => {
      if (i === 30) optimizer.paramGroups[0]!.weightDecay = 0.01;
      if (i === 50) optimizer.paramGroups[0]!.lr = 0.2;
      if (i === 70) optimizer.paramGroups[0]!.momentum = 0.5;
    };
    return { model, step, after };
  };
  assertSameRun(eagerAndCompiled(setup, moons.x, moons.y));
});

function smallModel(): { model: nn.Sequential; optimizer: optim.SGD; step: Step } {
  manualSeed(3);
  // its own generator, so that an eager and a compiled copy run side by side draw the same masks
  const model = new nn.Sequential(new nn.Linear(2, 4), new nn.Dropout(0.5, new Generator(5)), new nn.Linear(4, 2));
  const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
  const step: Step = (x, y) => {
    optimizer.zeroGrad();
    const loss = nn.functional.crossEntropy(model.call(x), y);
    loss.backward();
    optimizer.step();
    return loss;
  };
  return { model, optimizer, step };
}

test("train()/eval() switching, a replaced parameter and a frozen one each trace again; values follow eager", () => {
  const eager = smallModel();
  const traced = smallModel();
  const step = compile(traced.step);
  const same = (label: string) => assert.equal(step(moons.x, moons.y).item(), eager.step(moons.x, moons.y).item(), label);
  same("first call");
  same("second call: traced again, and the traces agree");
  eager.model.eval();
  traced.model.eval();
  same("eval mode");
  same("eval mode, second call");
  assert.equal(step.stats.traces, 4);
  eager.model.train();
  traced.model.train();
  same("back in train mode: the first plan again");
  assert.deepEqual(step.stats, { traces: 4, replays: 1, eager: 0, evictions: 0 });
  // a new parameter object in the first layer (and in the optimizer, as a user would do)
  for (const run of [eager, traced]) {
    const layer = run.model.children()[0] as nn.Linear;
    (layer as { weight: Tensor }).weight = new nn.Parameter(zeros([4, 2]).add(0.1));
    run.optimizer.paramGroups[0]!.params[0] = layer.weight;
  }
  same("replaced weight");
  same("replaced weight, second call");
  assert.equal(step.stats.traces, 6);
  same("replaced weight, replay");
  assert.deepEqual(step.stats, { traces: 6, replays: 2, eager: 0, evictions: 0 });
  for (const run of [eager, traced]) (run.model.children()[2] as nn.Linear).bias!.requiresGrad_(false);
  same("frozen bias");
  assert.equal(step.stats.traces, 7);
  assert.deepEqual(
    traced.model.parameters().map((p) => Array.from(p.toTypedArray())),
    eager.model.parameters().map((p) => Array.from(p.toTypedArray())),
  );
});

test("inference under noGrad: returned tensors are fresh each call, the caller's inputs untouched", () => {
  manualSeed(0);
  const model = new nn.Sequential(new nn.Linear(2, 3), new nn.ReLU(), new nn.Linear(3, 2));
  const predict = compile((x: Tensor) => model.call(x).softmax(-1));
  const a = tensor([[1, 2], [3, 4]]);
  const b = tensor([[-1, 0], [2, -5]]);
  const [first, second, third] = noGrad(() => [predict(a), predict(b), predict(a)]);
  assert.deepEqual(first!.toArray(), noGrad(() => model.call(a).softmax(-1)).toArray());
  assert.deepEqual(second!.toArray(), noGrad(() => model.call(b).softmax(-1)).toArray());
  assert.deepEqual(third!.toArray(), first!.toArray());
  assert.notEqual(first, third);
  assert.deepEqual(a.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(predict.stats, { traces: 2, replays: 1, eager: 0, evictions: 0 });
  predict(a); // grad mode on: another signature
  assert.equal(predict.stats.traces, 3);
});

test("returns arrays and objects of tensors", () => {
  const f = compile((x: Tensor, scale: number) => ({ doubled: x.mul(scale), parts: [x.sum(), 1] }));
  const out = f(tensor([1, 2]), 2) as { doubled: Tensor; parts: [Tensor, number] };
  const again = f(tensor([3, 4]), 2) as { doubled: Tensor; parts: [Tensor, number] };
  assert.deepEqual(out.doubled.toArray(), [2, 4]);
  assert.deepEqual([again.doubled.toArray(), again.parts[0].item(), again.parts[1]], [[6, 8], 7, 1]);
  assert.deepEqual(f(tensor([3, 4]), 3).doubled.toArray(), [9, 12]); // a plain value is part of the signature
  assert.equal(f.stats.traces, 3);
});

test("host reads inside the traced function are errors naming the call", () => {
  const { step } = smallModel();
  const reading = compile((x: Tensor, y: Tensor) => {
    const loss = step(x, y);
    if (loss.item() > 100) throw new Error("unreachable");
    return loss;
  });
  assert.throws(() => reading(moons.x, moons.y), /compile: item\(\) reads tensor data while the compiled function is traced.*return the tensor from the function and read it outside/);
  const printing = compile((x: Tensor) => x.mul(2).toArray());
  assert.throws(() => printing(tensor([1])), /compile: toArray\(\) reads tensor data/);
});

test("bad input: arity, argument kinds, gradients, other backends, backward twice, accumulation", () => {
  const f = compile((x: Tensor, y: Tensor) => x.add(y));
  assert.throws(() => (f as unknown as (x: Tensor) => Tensor)(tensor([1])), /compile: the compiled function takes 2 arguments, got 1/);
  assert.throws(() => f(tensor([1]), [1] as unknown as Tensor), /compile: argument 1 is an array; a compiled function takes tensors and plain values/);
  assert.throws(() => f(tensor([1], { requiresGrad: true }), tensor([1])), /compile: argument 0 requires grad/);
  assert.throws(() => compile(42 as unknown as () => void), /compile: expected a function, got number/);
  assert.throws(() => compile(() => 1, { cacheSize: 0 }), /compile: cacheSize must be an integer ≥ 1, got 0/);
  const w = tensor([1, 2], { requiresGrad: true });
  const twice = compile((x: Tensor) => {
    const loss = w.mul(x).sum();
    loss.backward();
    loss.backward();
  });
  assert.throws(() => twice(tensor([1, 1])), /backward: trying to go through the graph a second time/);
  w.grad = null;
  const noClear = compile((x: Tensor) => w.mul(x).sum().backward());
  noClear(tensor([1, 1]));
  assert.throws(() => noClear(tensor([1, 1])), /compile: a tensor of shape \[2\] still has a .grad from an earlier call.*zeroGrad/);
  w.grad = null;
  noClear(tensor([2, 3])); // cleared outside: fine
  assert.deepEqual(w.grad!.toArray(), [2, 3]);
  const returnsMap = compile((x: Tensor) => ({ x, names: new Map() }));
  assert.throws(() => returnsMap(tensor([1])), /compile: the function returned a Map; return tensors, arrays or plain objects of tensors/);
  const initInside = compile((x: Tensor) => new nn.Linear(1, 1).call(x));
  assert.throws(() => initInside(tensor([[1]])), /compile: random values were made on the host in a way a replay cannot repeat/);
  const asyncFn = compile(async (x: Tensor) => x);
  assert.throws(() => asyncFn(tensor([1])), /compile: the function returned a Promise/);
});

test("an out-of-range class target in a replayed call is an error, not a silent read", () => {
  const { step } = smallModel();
  const compiled = compile(step);
  const x = tensor([[1, 2], [3, 4]]);
  compiled(x, tensor([0, 1], { dtype: "int32" }));
  compiled(x, tensor([1, 1], { dtype: "int32" }));
  assert.equal(compiled.stats.replays, 0);
  assert.throws(() => compiled(x, tensor([0, 5], { dtype: "int32" })), /compile: gather: index 5 at position 1 is out of range for a dimension of size 2/);
});

test("indexSelect in a compiled function picks each call's rows, and an out-of-range index in a replay is an error", () => {
  // a batch picked from a dataset inside the step, as PyTorch's data[rows]
  const data = tensor(Array.from({ length: 6 * 20 }, (_, i) => i)).reshape([6, 20]);
  const pick = compile((rows: Tensor) => data.indexSelect(0, rows).sum(1));
  const rowSum = (r: number) => 20 * 20 * r + (19 * 20) / 2;
  for (const rows of [[0, 5], [2, 2], [4, 1], [3, 0]]) assert.deepEqual(pick(tensor(rows, { dtype: "int32" })).toArray(), rows.map(rowSum));
  assert.ok(pick.stats.replays >= 1, "replayed");
  assert.throws(() => pick(tensor([1, 6], { dtype: "int32" })), /compile: indexSelect: index 6 at position 1 is out of range for a dimension of size 6/);
});

test("a cache that thrashes warns once", () => {
  const warnings: string[] = [];
  const f = compile((x: Tensor) => x.mul(2).sum(), { cacheSize: 2, onWarning: (message) => warnings.push(message) });
  for (let n = 1; n <= 6; n++) assert.equal(f(zeros([n]).add(1)).item(), 2 * n);
  assert.deepEqual(f.stats, { traces: 6, replays: 0, eager: 0, evictions: 4 });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /compile: 4 signatures traced and 2 plans evicted \(cacheSize 2\).*float32\[4\]/);
});

test("a compiled function called inside another's trace runs as part of it", () => {
  const inner = compile((x: Tensor) => x.mul(3));
  const outer = compile((x: Tensor) => inner(x).add(1));
  assert.deepEqual(outer(tensor([1, 2])).toArray(), [4, 7]);
  assert.deepEqual(outer(tensor([0, 1])).toArray(), [1, 4]);
  assert.deepEqual(inner.stats, { traces: 0, replays: 0, eager: 0, evictions: 0 });
});

test("a signature whose two traces differ (a value computed in JavaScript changes) runs eagerly, with a warning", () => {
  const warnings: string[] = [];
  let scale = 1;
  const scaled = compile((x: Tensor) => x.mul(scale++), { onWarning: (message) => warnings.push(message) });
  assert.deepEqual([1, 2, 3, 4].map(() => scaled(tensor([1, 10])).toArray()), [[1, 10], [2, 20], [3, 30], [4, 40]]);
  assert.deepEqual(scaled.stats, { traces: 2, replays: 0, eager: 2, evictions: 0 });
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /compile: two calls with the same signature \(grad\|float32\[2\]\) did different work, so this signature runs eagerly: call 1 of 1: argument 3 of binaryScalar was 1, then 2/);
  // host data made into a tensor inside the function: labels that change each call
  let labels = [0, 1];
  const loss = compile((logits: Tensor) => nn.functional.crossEntropy(logits, tensor(labels, { dtype: "int32" })), { onWarning: (message) => warnings.push(message) });
  const logits = tensor([[2, 0], [0, 2]]);
  const values = [[0, 1], [1, 0], [0, 0], [1, 1]].map((next) => ((labels = next), loss(logits).item()));
  assert.deepEqual(values, [[0, 1], [1, 0], [0, 0], [1, 1]].map((next) => nn.functional.crossEntropy(logits, tensor(next, { dtype: "int32" })).item()));
  assert.match(warnings[1]!, /a tensor made from host values \(tensor\(\.\.\.\) inside the function\) held other values/);
});
