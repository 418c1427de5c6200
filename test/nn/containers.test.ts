import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { Generator, gradcheck, manualSeed, nn, ones, randn, tensor, zeros, type Tensor } from "../../src/index.js";

describe("ModuleList", () => {
  test("append, insert, pop and at renumber the children like PyTorch", () => {
    const a = new nn.Linear(1, 1);
    const b = new nn.Linear(1, 2);
    const c = new nn.Linear(1, 3);
    const list = new nn.ModuleList<nn.AnyModule>([a, c]);
    list.insert(1, b);
    assert.deepEqual([...list], [a, b, c]);
    assert.deepEqual(Object.keys(list.stateDict()), ["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"]);
    assert.equal(list.at(-1), c);
    assert.equal(list.pop(0), a);
    assert.deepEqual([...list], [b, c]);
    assert.equal(list.length, 2);
    assert.deepEqual(list.namedChildren().map(([name]) => name), ["0", "1"]);
    list.append(a).extend([new nn.ReLU()]);
    assert.equal(list.length, 4);
    assert.equal(list.parameters().length, 6);
  });

  test("train/eval, to() and loadStateDict reach the modules it holds", () => {
    class Net extends nn.Module {
      layers = new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(3, 1)]);
      forward(x: Tensor): Tensor {
        for (const layer of this.layers) x = layer.call(x);
        return x;
      }
    }
    const net = new Net().to("float64");
    assert.ok(net.parameters().every((p) => p.dtype === "float64"));
    net.eval();
    assert.equal(net.layers.at(1).training, false);
    const copy = new Net().to("float64");
    copy.loadStateDict(net.stateDict());
    const x = randn([4, 2], { dtype: "float64" });
    assertClose(copy.call(x), net.call(x).toArray(), 0, 0);
    assert.equal(net.toString(), "Net(\n  (layers): ModuleList(\n    (0): Linear(inFeatures=2, outFeatures=3, bias=true)\n    (1): Linear(inFeatures=3, outFeatures=1, bias=true)\n  )\n)");
  });

  test("bad input is a clear error", () => {
    const list = new nn.ModuleList([new nn.ReLU()]);
    assert.throws(() => list.at(3), /ModuleList: index 3 is out of range for a list of 1 modules/);
    assert.throws(() => list.append(tensor([1]) as unknown as nn.ReLU), /ModuleList\.append: expected a Module, got object/);
    assert.throws(() => (list as nn.Module<[], never>).call(), /ModuleList: a ModuleList has no forward/);
  });
});

describe("ModuleDict", () => {
  test("keeps insertion order, replaces in place, pops", () => {
    const dict = new nn.ModuleDict<nn.Linear>([["z", new nn.Linear(1, 1)], ["2", new nn.Linear(1, 2)], ["a", new nn.Linear(2, 1)]]);
    assert.deepEqual([...dict], ["z", "2", "a"]);
    assert.deepEqual(Object.keys(dict.stateDict()), ["z.weight", "z.bias", "2.weight", "2.bias", "a.weight", "a.bias"]);
    const replacement = new nn.Linear(1, 5);
    dict.set("2", replacement);
    assert.deepEqual([...dict.keys()], ["z", "2", "a"]);
    assert.equal(dict.get("2"), replacement);
    assert.equal(dict.pop("z").outFeatures, 1);
    assert.equal(dict.has("z"), false);
    assert.equal(dict.length, 2);
    assert.deepEqual([...dict.items()].map(([k, m]) => [k, m.outFeatures]), [["2", 5], ["a", 1]]);
    dict.eval();
    assert.ok([...dict.values()].every((m) => !m.training));
    dict.clear();
    assert.equal(dict.parameters().length, 0);
  });

  test("bad input is a clear error", () => {
    const dict = new nn.ModuleDict({ enc: new nn.ReLU() });
    assert.throws(() => dict.get("dec"), /ModuleDict: no module named "dec" \(keys: "enc"\)/);
    assert.throws(() => dict.set("a.b", new nn.ReLU()), /key "a\.b" must be a non-empty string without "\."/);
    assert.throws(() => dict.set("x", 3 as unknown as nn.ReLU), /ModuleDict\.set\("x"\): expected a Module, got number/);
    assert.throws(() => (dict as nn.Module<[], never>).call(), /ModuleDict: a ModuleDict has no forward/);
  });
});

describe("Unflatten", () => {
  test("splits a dim, inferring a -1, and undoes Flatten", () => {
    const x = randn([2, 3, 4, 5]);
    const flat = new nn.Flatten().call(x);
    const back = new nn.Unflatten(1, [3, -1, 5]).call(flat);
    assert.deepEqual(back.shape, [2, 3, 4, 5]);
    assertClose(back, x.toArray(), 0, 0);
    assert.deepEqual(new nn.Unflatten(-1, [2, 2]).call(zeros([3, 4])).shape, [3, 2, 2]);
    assert.equal(new nn.Unflatten(1, [4, 5]).toString(), "Unflatten(dim=1, sizes=[4,5])");
  });
  test("bad sizes or input name the module and the shapes", () => {
    assert.throws(() => new nn.Unflatten(1, [-1, -1]), /Unflatten: sizes must be .* at most one -1, got \[-1,-1\]/);
    assert.throws(() => new nn.Unflatten(1, [2, 4]).call(zeros([3, 6])), /Unflatten\(dim=1, sizes=\[2,4\]\): sizes \[2,4\] do not multiply to 6, the size of dim 1 of input \[3,6\]/);
    assert.throws(() => new nn.Unflatten(2, [2, 3]).call(zeros([3, 6])), /Unflatten\(dim=2, sizes=\[2,3\]\): dim 2 is out of range for input \[3,6\]/);
  });
});

describe("Dropout1d/Dropout2d", () => {
  test("bad input names the module and the shape", () => {
    assert.throws(() => new nn.Dropout2d(0.5).call(zeros([4, 5])), /Dropout2d\(p=0\.5\): expected a 4D \[N, C, H, W\] \(or 3D \[N, C, L\]\) input, got \[4,5\]/);
    assert.throws(() => new nn.Dropout1d().call(zeros([1, 2, 3, 4])), /Dropout1d\(p=0\.5\): expected a 2D \[C, L\] or 3D \[N, C, L\] input, got \[1,2,3,4\]/);
    assert.throws(() => nn.functional.dropout1d(zeros([5]), 0.1), /dropout1d: expected a 2D/);
    assert.throws(() => new nn.Dropout2d(1.5), /Dropout2d: probability has to be between 0 and 1, but got 1\.5/);
    assert.throws(() => nn.functional.dropout2d(zeros([1, 1, 1, 1]), -0.1), /dropout2d: probability/);
  });
  test("p = 1 zeroes everything, p = 0 is the identity; gradients flow through the kept channels only", () => {
    assert.equal(nn.functional.dropout2d(ones([2, 3, 2, 2]), 1).abs().sum().item(), 0);
    const x = ones([2, 3, 2]);
    assert.equal(nn.functional.dropout1d(x, 0), x);
    // a fixed generator makes the mask a constant, so finite differences see the same function
    const input = randn([2, 4, 3, 3], { dtype: "float64" }).requiresGrad_();
    assert.ok(gradcheck((t) => nn.functional.dropout2d(t, 0.4, true, new Generator(9)).mul(t).sum(), [input]));
    manualSeed(1);
    const y = new nn.Dropout2d(0.5).call(input);
    y.sum().backward();
    assertClose(input.grad!, y.eq(0).logicalNot().to("float64").mul(2).toArray(), 0, 0);
  });
});

describe("activation modules", () => {
  test("PyTorch's defaults and a repr like the other modules", () => {
    assert.equal(new nn.GELU().toString(), 'GELU(approximate="none")');
    assert.equal(new nn.SiLU().toString(), "SiLU()");
    assert.equal(new nn.LeakyReLU().toString(), "LeakyReLU(negativeSlope=0.01)");
    assert.equal(new nn.ELU().toString(), "ELU(alpha=1)");
    assert.equal(new nn.Softplus().toString(), "Softplus(beta=1, threshold=20)");
    assert.equal(new nn.Hardtanh().toString(), "Hardtanh(minVal=-1, maxVal=1)");
    assert.equal(new nn.Sequential(new nn.Linear(2, 2), new nn.GELU({ approximate: "tanh" })).toString(), 'Sequential(\n  (0): Linear(inFeatures=2, outFeatures=2, bias=true)\n  (1): GELU(approximate="tanh")\n)');
  });
  test("bad settings and inputs are clear errors", () => {
    assert.throws(() => new nn.GELU({ approximate: "erf" as "tanh" }), /GELU: approximate must be "none" or "tanh", got "erf"/);
    assert.throws(() => new nn.LeakyReLU(Number.NaN), /LeakyReLU: negativeSlope must be a finite number, got NaN/);
    assert.throws(() => new nn.Softplus({ beta: "2" as unknown as number }), /Softplus: beta must be a finite number, got 2/);
    assert.throws(() => new nn.Hardtanh(1, -1), /Hardtanh: maxVal \(-1\) must be greater than minVal \(1\)/);
    assert.throws(() => new nn.ELU().call(tensor([1, 2], { dtype: "int32" })), /elu/);
  });
  test("gradients agree with finite differences (float64)", () => {
    const x = tensor([-2.5, -0.7, 0.3, 1.2, 3.1], { dtype: "float64", requiresGrad: true });
    for (const module of [new nn.GELU(), new nn.GELU({ approximate: "tanh" }), new nn.SiLU(), new nn.LeakyReLU(0.2), new nn.ELU(0.5), new nn.Softplus({ beta: 2, threshold: 3 }), new nn.Hardtanh(-2, 2), new nn.LogSigmoid()]) {
      assert.ok(gradcheck((t) => module.call(t).sum(), [x]), module.toString());
    }
  });
});

describe("nn.init", () => {
  test("writes a parameter in place without recording a gradient", () => {
    const layer = new nn.Linear(20, 30);
    const weight = layer.weight;
    nn.init.kaimingNormal_(weight, { nonlinearity: "relu" });
    nn.init.zeros_(layer.bias!);
    assert.equal(layer.weight, weight);
    assert.ok(weight.requiresGrad && weight.isLeaf && weight.grad === null);
    assert.equal(layer.bias!.abs().sum().item(), 0);
    layer.call(ones([2, 20])).sum().backward();
    assert.deepEqual(weight.grad!.shape, [30, 20]);
    assert.equal(nn.init.ones_(layer.bias!), layer.bias);
    assert.deepEqual(layer.bias!.toArray(), Array(30).fill(1));
  });
  test("the same seed gives the same draws; a generator is used when given", () => {
    manualSeed(4);
    const a = nn.init.xavierUniform_(zeros([5, 6])).toArray();
    manualSeed(4);
    assert.deepEqual(nn.init.xavierUniform_(zeros([5, 6])).toArray(), a);
    const g = new Generator(1);
    const b = nn.init.orthogonal_(zeros([4, 4]), { generator: g }).toArray();
    g.seed(1);
    assert.deepEqual(nn.init.orthogonal_(zeros([4, 4]), { generator: g }).toArray(), b);
  });
  test("the formulas: kaiming with PyTorch's layer settings gives U(±1/√fanIn); fan of grouped and transposed weights", () => {
    const conv = new nn.ConvTranspose2d(12, 8, 3, { groups: 2 });
    assert.deepEqual(nn.init.calculateFanInAndFanOut(conv.weight), [4 * 9, 12 * 9]);
    assert.deepEqual(nn.init.calculateFanInAndFanOut(new nn.Conv2d(12, 8, [3, 2], { groups: 4 }).weight), [3 * 6, 8 * 6]);
    const w = nn.init.kaimingUniform_(zeros([500, 400], { dtype: "float64" }), { a: Math.sqrt(5) });
    assert.ok(w.abs().max().item() <= 1 / Math.sqrt(400) && w.abs().max().item() > 0.999 / Math.sqrt(400));
    const n = nn.init.kaimingNormal_(zeros([400, 500], { dtype: "float64" }), { mode: "fanOut", nonlinearity: "relu" });
    assertClose([n.std().item()], [Math.sqrt(2 / 400)], 0, 0.01);
    const t = nn.init.truncNormal_(zeros([100000], { dtype: "float64" }), { mean: 3, std: 1, a: 10, b: 11 });
    assert.ok(t.min().item() >= 10 && t.max().item() <= 11 && t.mean().item() < 10.2, "a far tail interval: no hang, inside the bounds");
  });
  test("bad input is a clear error", () => {
    assert.throws(() => nn.init.kaimingUniform_(zeros([5])), /kaimingUniform_: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got \[5\]/);
    assert.throws(() => nn.init.xavierNormal_(zeros([3, 3], { dtype: "int32" })), /xavierNormal_: expected a floating-point tensor, got int32 \[3,3\]/);
    assert.throws(() => nn.init.kaimingNormal_(zeros([3, 3]), { mode: "fanAvg" as "fanIn" }), /kaimingNormal_: mode "fanAvg" not supported/);
    assert.throws(() => nn.init.calculateGain("softmax" as "relu"), /calculateGain: unsupported nonlinearity "softmax"/);
    assert.throws(() => nn.init.orthogonal_(zeros([4])), /orthogonal_: only tensors with 2 or more dimensions are supported, got \[4\]/);
    assert.throws(() => nn.init.truncNormal_(zeros([4]), { a: 2, b: 1 }), /truncNormal_: expects finite mean, std > 0 and a < b/);
    assert.throws(() => nn.init.uniform_(zeros([2]), 1, 0), /uniform_: expects a range from ≤ to/);
    assert.throws(() => nn.init.normal_(null as unknown as Tensor), /normal_: expected a Tensor to fill, got null/);
  });
});
