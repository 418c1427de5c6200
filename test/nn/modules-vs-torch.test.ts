import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers.js";
import { eye, manualSeed, nn, ones, tensor, zeros, type Tensor } from "../../src/index.js";
import { activation, type ActivationCase } from "./activation-cases.js";

// test/fixtures/nn-modules.json is written by scripts/fixtures/make_module_fixtures.py.
interface Stats { shape: number[]; mean: number; std: number; maxAbs: number; min: number; max: number }
interface DropoutCase { fn: "dropout1d" | "dropout2d"; shape: number[]; p: number; maskShape: number[]; values: number[]; evalIdentity: boolean }
interface InitCase extends Stats { fn: string; settings: Record<string, number | string> }
const fixture = JSON.parse(readFileSync(new URL("../fixtures/nn-modules.json", import.meta.url), "utf8")) as {
  points: number[];
  weights: number[];
  activations: ActivationCase[];
  dropout: DropoutCase[];
  containerKeys: [string, number[]][];
  flatListKeys: [string, number[]][];
  dictKeys: [string, number[]][];
  gains: Record<string, number>;
  init: InitCase[];
  layers: Record<string, Record<string, Stats>>;
};

const keysOf = (module: nn.Module<unknown[], unknown>) => Object.entries(module.stateDict()).map(([k, v]) => [k, [...v.shape]]);
const statsOf = (t: Tensor) => {
  const x = t.detach().to("float64");
  return { mean: x.mean().item(), std: x.size > 1 ? x.std().item() : 0, maxAbs: x.abs().max().item(), min: x.min().item(), max: x.max().item() };
};

describe("activation modules match PyTorch's values and gradients", () => {
  for (const c of fixture.activations) {
    for (const dtype of ["float64", "float32"] as const) {
      test(`${c.name} ${JSON.stringify(c.settings)} ${dtype}`, () => {
        const x = tensor(fixture.points, { dtype, requiresGrad: true });
        const y = activation(c).call(x);
        y.mul(tensor(fixture.weights, { dtype })).sum().backward();
        const [atol, rtol] = dtype === "float64" ? [1e-12, 1e-10] : [2e-6, 2e-6];
        assertClose(y, c[dtype].out, atol, rtol, `${c.name} out`);
        assertClose(x.grad!, c[dtype].grad, atol, rtol, `${c.name} grad`);
      });
    }
  }
});

describe("Dropout1d/Dropout2d: PyTorch's mask shapes and scale", () => {
  for (const c of fixture.dropout) {
    test(`${c.fn} on ${JSON.stringify(c.shape)}, p=${c.p}`, () => {
      manualSeed(3);
      const y = nn.functional[c.fn](ones(c.shape), c.p, true);
      // a dim is covered by one mask value when y does not change along it
      const maskShape = c.shape.map((size, d) => (y.sub(y.narrow(d, 0, 1)).abs().max().item() === 0 ? 1 : size));
      assert.deepEqual(maskShape, c.maskShape);
      const values = [...new Set((y.flatten().toArray() as number[]).map((v) => Math.round(v * 1e6) / 1e6))].sort((a, b) => a - b);
      assert.deepEqual(values, c.values);
      // the share of dropped channels is p, within 5 standard errors
      const masks = c.maskShape.reduce((a, b) => a * b, 1);
      const dropped = y.eq(0).to("float64").sum().item() / (y.size / masks);
      assert.ok(Math.abs(dropped / masks - c.p) < 5 * Math.sqrt((c.p * (1 - c.p)) / masks), `dropped share ${dropped / masks}`);
      const x = tensor(Array.from({ length: y.size }, (_, i) => i), { shape: c.shape });
      assert.equal(nn.functional[c.fn](x, c.p, false) === x, c.evalIdentity);
      const module = c.fn === "dropout1d" ? new nn.Dropout1d(c.p) : new nn.Dropout2d(c.p);
      manualSeed(3);
      assertClose(module.call(ones(c.shape)), y.toArray(), 0, 0, "the module draws the functional form's mask");
      assert.equal(module.eval().call(x), x, "eval() is the identity");
    });
  }
});

describe("ModuleList/ModuleDict: PyTorch's state-dict keys", () => {
  test("a nested model", () => {
    class Net extends nn.Module {
      stem = new nn.Linear(3, 4);
      blocks = new nn.ModuleList<nn.AnyModule>([new nn.Sequential(new nn.Linear(4, 4), new nn.ReLU()), new nn.Linear(4, 5, { bias: false })]);
      heads = new nn.ModuleDict<nn.AnyModule>({ cls: new nn.Linear(5, 2), norm: new nn.BatchNorm1d(5), z: new nn.ModuleList([new nn.Linear(5, 1)]) });
      forward(x: Tensor): Tensor {
        return x;
      }
    }
    assert.deepEqual(keysOf(new Net()), fixture.containerKeys);
  });
  test("a list and a dict at the top", () => {
    assert.deepEqual(keysOf(new nn.ModuleList<nn.AnyModule>([new nn.Linear(2, 3), new nn.ReLU(), new nn.Conv2d(1, 2, 3)])), fixture.flatListKeys);
    assert.deepEqual(keysOf(new nn.ModuleDict<nn.AnyModule>([["b", new nn.Linear(1, 2)], ["a", new nn.LayerNorm(2)], ["c", new nn.BatchNorm2d(2)]])), fixture.dictKeys);
  });
});

describe("nn.init matches PyTorch's statistics", () => {
  test("calculateGain", () => {
    for (const [key, expected] of Object.entries(fixture.gains)) {
      const [name, param] = key.split(":");
      const value = nn.init.calculateGain(name as nn.init.Nonlinearity, param === "None" ? undefined : Number(param));
      assertClose([value], [expected], 1e-15, 1e-14, key);
    }
  });

  const fill = (fn: string, t: Tensor, s: Record<string, number | string>): Tensor => {
    const init = nn.init;
    switch (fn) {
      case "uniform_": return init.uniform_(t, s.a as number, s.b as number);
      case "normal_": return init.normal_(t, s.mean as number, s.std as number);
      case "constant_": return init.constant_(t, s.value as number);
      case "xavierUniform_": return init.xavierUniform_(t, s);
      case "xavierNormal_": return init.xavierNormal_(t, s);
      case "kaimingUniform_": return init.kaimingUniform_(t, s as nn.init.KaimingOptions);
      case "kaimingNormal_": return init.kaimingNormal_(t, s as nn.init.KaimingOptions);
      case "truncNormal_": return init.truncNormal_(t, s);
      case "orthogonal_": return init.orthogonal_(t, s);
      default: throw new Error(`unknown initialiser ${fn}`);
    }
  };
  for (const c of fixture.init) {
    test(`${c.fn} ${JSON.stringify(c.settings)} on ${JSON.stringify(c.shape)}`, () => {
      manualSeed(11);
      const t = fill(c.fn, zeros(c.shape, { dtype: "float64" }), c.settings);
      const got = statsOf(t);
      const n = t.size;
      // sample moments of two independent draws agree within a few standard errors
      assert.ok(Math.abs(got.mean - c.mean) <= 6 * c.std / Math.sqrt(n) + 1e-12, `mean ${got.mean} vs PyTorch ${c.mean}`);
      assert.ok(Math.abs(got.std - c.std) <= 6 * c.std / Math.sqrt(n) + 1e-12, `std ${got.std} vs PyTorch ${c.std}`);
      if (/uniform/i.test(c.fn) || c.fn === "constant_" || c.fn === "truncNormal_") {
        // bounded draws: both reach (nearly) the same extremes
        assertClose([got.min, got.max], [c.min, c.max], 2e-3 * (c.max - c.min), 0, `${c.fn} extremes`);
      }
      if (c.fn === "orthogonal_") {
        const rows = c.shape[0]!;
        const w = t.reshape([rows, -1]);
        const [small, gram] = rows <= w.shape[1]! ? [rows, w.matmul(w.t())] : [w.shape[1]!, w.t().matmul(w)];
        const gain = (c.settings.gain as number | undefined) ?? 1;
        assertClose(gram, eye(small, { dtype: "float64" }).mul(gain * gain).toArray(), 1e-12, 0, "orthonormal");
      }
    });
  }
});

describe("every layer's default initialisation is PyTorch's", () => {
  const layers: Record<string, () => nn.Module> = {
    Linear: () => new nn.Linear(300, 400),
    Conv1d: () => new nn.Conv1d(24, 64, 5),
    Conv2d: () => new nn.Conv2d(32, 128, 3),
    Conv2d_groups: () => new nn.Conv2d(32, 128, [3, 5], { groups: 4 }),
    ConvTranspose2d: () => new nn.ConvTranspose2d(64, 96, 3),
    ConvTranspose2d_groups: () => new nn.ConvTranspose2d(64, 96, [2, 3], { groups: 8 }),
    BatchNorm1d: () => new nn.BatchNorm1d(7),
    BatchNorm2d: () => new nn.BatchNorm2d(7),
    LayerNorm: () => new nn.LayerNorm([3, 4]),
    GroupNorm: () => new nn.GroupNorm(2, 6),
  };
  for (const [name, make] of Object.entries(layers)) {
    test(name, () => {
      manualSeed(5);
      const layer = make();
      const state = layer.stateDict();
      const expected = fixture.layers[name]!;
      assert.deepEqual(Object.keys(state).filter((k) => state[k]!.isFloatingPoint), Object.keys(expected));
      const weight = state.weight!;
      for (const [key, torchStats] of Object.entries(expected)) {
        const t = state[key]!;
        assert.deepEqual(t.shape, torchStats.shape, `${name}.${key} shape`);
        const got = statsOf(t);
        if (torchStats.std === 0) {
          assert.deepEqual([got.min, got.max], [torchStats.min, torchStats.max], `${name}.${key} constant`);
          continue;
        }
        // U(−1/√fanIn, 1/√fanIn) for weight and bias alike, fanIn from the weight as PyTorch computes it
        const bound = 1 / Math.sqrt(nn.init.calculateFanInAndFanOut(weight)[0]);
        assert.ok(torchStats.maxAbs <= bound && torchStats.maxAbs > (t.size > 1000 ? 0.99 : 0.8) * bound, `${name}.${key}: PyTorch's draws fill U(±${bound}), max |w| ${torchStats.maxAbs}`);
        assert.ok(got.maxAbs <= bound && got.maxAbs > (t.size > 1000 ? 0.99 : 0.8) * bound, `${name}.${key}: max |w| ${got.maxAbs} vs bound ${bound}`);
        const n = t.size;
        assert.ok(Math.abs(got.std - bound / Math.sqrt(3)) <= 6 * bound / Math.sqrt(3 * n), `${name}.${key}: std ${got.std} vs ${bound / Math.sqrt(3)}`);
        assert.ok(Math.abs(got.mean) <= 6 * bound / Math.sqrt(3 * n), `${name}.${key}: mean ${got.mean}`);
      }
    });
  }
});
