import "../helpers.js";
import { assertClose } from "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { arange, compile, gradcheck, manualSeed, nn, optim, randn, tensor, zeros, type Tensor } from "../../src/index.js";
import type { InterpolateOptions } from "../../src/nn/functional/interpolate.js";
import { rebuild, type FixtureTensor } from "../ops/op-table.js";

interface InterpolateCase {
  dtype: "float32" | "float64";
  options: InterpolateOptions;
  input: FixtureTensor;
  out: FixtureTensor;
  weight: FixtureTensor;
  grad: FixtureTensor;
  /** Where PyTorch's nearest backward is not the gradient of its own forward (it picks float32 indices for float64): that gradient. */
  gradOfForward?: FixtureTensor;
}

// made by scripts/fixtures/make_interpolate_fixtures.py (PyTorch's F.interpolate; the gradient of sum(out · weight))
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/interpolate.json", import.meta.url), "utf8")) as { cases: InterpolateCase[] }).cases;
const F = nn.functional;

describe("interpolate vs PyTorch's F.interpolate", () => {
  for (const c of CASES) {
    const nearest = c.options.mode === "nearest" || c.options.mode === "nearest-exact";
    // nearest copies (exact); the linear weights are computed in the input's type, as PyTorch does
    const [atol, rtol] = nearest ? [0, 0] : c.dtype === "float64" ? [1e-12, 1e-12] : [2e-6, 2e-6];
    test(`${c.dtype} [${c.input.shape.join(",")}] ${JSON.stringify(c.options)}`, () => {
      const x = rebuild(c.input, c.dtype, true);
      const out = F.interpolate(x, c.options);
      assert.equal(out.dtype, c.dtype);
      assertClose(out, rebuild(c.out, "float64").toArray(), atol, rtol, "forward");
      out.mul(rebuild(c.weight, c.dtype)).sum().backward();
      assertClose(x.grad!, rebuild(c.gradOfForward ?? c.grad, "float64").toArray(), c.dtype === "float64" ? 1e-12 : 2e-6, c.dtype === "float64" ? 1e-12 : 2e-6, "gradient");
    });
  }
});

test("interpolate's gradients agree with finite differences (float64), every mode", () => {
  const cases: [number[], InterpolateOptions][] = [
    [[1, 2, 3, 4], { scaleFactor: 1.7, mode: "nearest" }],
    [[1, 2, 4, 3], { size: [3, 5], mode: "nearest-exact" }],
    [[1, 2, 3, 4], { size: [5, 2], mode: "bilinear" }],
    [[1, 2, 3, 4], { scaleFactor: [2, 0.75], mode: "bilinear", alignCorners: true }],
    [[2, 1, 5], { size: 8, mode: "linear" }],
    [[1, 2, 5, 4], { size: [2, 3], mode: "area" }],
  ];
  for (const [shape, options] of cases) {
    assert.equal(gradcheck((x) => F.interpolate(x, options), [randn(shape, { dtype: "float64", requiresGrad: true })]), true, JSON.stringify(options));
  }
});

test("interpolate: nearest by 2 repeats each pixel, bilinear with aligned corners keeps them, area averages", () => {
  const x = arange(4).reshape([1, 1, 2, 2]).to("float32");
  assert.deepEqual(F.interpolate(x, { scaleFactor: 2 }).toArray(), [[[[0, 0, 1, 1], [0, 0, 1, 1], [2, 2, 3, 3], [2, 2, 3, 3]]]]);
  const aligned = F.interpolate(x, { size: 3, mode: "bilinear", alignCorners: true }).toArray() as number[][][][];
  assert.deepEqual(aligned[0]![0], [[0, 0.5, 1], [1, 1.5, 2], [2, 2.5, 3]]);
  assert.deepEqual(F.interpolate(x, { size: 1, mode: "area" }).toArray(), [[[[1.5]]]]);
});

test("interpolate names itself and what is wrong: the input's rank and dtype, the mode, size and scaleFactor", () => {
  const x = zeros([1, 2, 3, 4]);
  assert.throws(() => F.interpolate(zeros([2, 3]), { size: 2 }), /interpolate: expected input \[N, C, L\] or \[N, C, H, W\], got \[2,3\]/);
  assert.throws(() => F.interpolate(zeros([1, 1, 2, 2, 2]), { size: 2 }), /only 1-D and 2-D resizing/);
  assert.throws(() => F.interpolate(x, { size: 2, mode: "bicubic" as never }), /interpolate: mode must be one of "nearest", "nearest-exact", "linear", "bilinear", "area", got "bicubic"/);
  assert.throws(() => F.interpolate(x, { size: 2, mode: "linear" }), /interpolate: mode "linear" needs a 3-D input, got 4-D/);
  assert.throws(() => F.interpolate(zeros([1, 2, 3]), { size: 2, mode: "bilinear" }), /mode "bilinear" needs a 4-D input, got 3-D/);
  assert.throws(() => F.interpolate(x, { size: 2, alignCorners: true }), /alignCorners applies only to the linear modes \("linear", "bilinear"\), not "nearest"/);
  assert.throws(() => F.interpolate(x, {}), /interpolate: give one of size and scaleFactor, got neither/);
  assert.throws(() => F.interpolate(x, { size: 2, scaleFactor: 2 }), /give only one of size and scaleFactor, got both/);
  assert.throws(() => F.interpolate(x, { size: [2, 3, 4] }), /interpolate: size must be a number or 2 of them \(one per spatial dim of the input\), got \[2,3,4\]/);
  assert.throws(() => F.interpolate(x, { size: [2, 0] }), /size must hold integers ≥ 1, got \[2,0\]/);
  assert.throws(() => F.interpolate(x, { scaleFactor: Number.NaN }), /scaleFactor must hold finite numbers > 0, got null/);
  assert.throws(() => F.interpolate(x, { scaleFactor: -2 }), /scaleFactor must hold finite numbers > 0, got -2/);
  assert.throws(() => F.interpolate(x, { scaleFactor: 0.2 }), /interpolate: scaleFactor 0.2 makes an empty output from spatial size \[3, 4\]: \[0, 0\]/);
  assert.throws(() => F.interpolate(tensor([[[1, 2]]], { dtype: "int32" }), { size: 4 }), /interpolate: expected a floating-point input, got int32/);
  assert.throws(() => F.interpolate(zeros([1, 1, 0, 3]), { size: 2 }), /has an empty spatial dim/);
  assert.throws(() => F.interpolate(x, { size: [1e6, 1e6] }), /interpolate: a tensor of shape \[1,2,1000000,1000000\] would have 2,000,000,000,000 elements/); // refused, not allocated
});

test("nn.Upsample resizes as interpolate does, has no parameters, checks its options when made, and prints PyTorch's settings", () => {
  const x = randn([2, 3, 4, 5]);
  const up = new nn.Upsample({ size: [6, 7], mode: "bilinear", alignCorners: false });
  assert.deepEqual(up.call(x).toArray(), F.interpolate(x, { size: [6, 7], mode: "bilinear", alignCorners: false }).toArray());
  assert.equal(up.parameters().length, 0);
  assert.deepEqual(new nn.Upsample({ scaleFactor: 2 }).call(x).shape, [2, 3, 8, 10]);
  assert.equal(String(new nn.Upsample({ scaleFactor: 2 })), 'Upsample(scaleFactor=2, mode="nearest")');
  assert.equal(String(up), 'Upsample(size=[6,7], mode="bilinear", alignCorners=false)');
  assert.throws(() => new nn.Upsample(), /Upsample: give one of size and scaleFactor, got neither/);
  assert.throws(() => new nn.Upsample({ scaleFactor: 2, mode: "area", alignCorners: true }), /Upsample: alignCorners applies only to the linear modes/);
  assert.throws(() => new nn.Upsample({ size: [2, 2.5] }), /Upsample: size must hold integers ≥ 1/);
  assert.throws(() => new nn.Upsample({ size: 4, mode: "linear" }).call(x), /interpolate: mode "linear" needs a 3-D input, got 4-D/);
});

test("a compiled training step through Upsample layers gives eager's losses", () => {
  const losses = (compiled: boolean): number[] => {
    manualSeed(7);
    const model = new nn.Sequential(new nn.Conv2d(1, 2, 3), new nn.Upsample({ scaleFactor: 2, mode: "bilinear" }), new nn.ReLU(), new nn.Upsample({ size: [5, 5] }), new nn.Flatten(), new nn.Linear(50, 3));
    const optimizer = new optim.SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const x = randn([4, 1, 6, 6]);
    const y = tensor([0, 2, 1, 2], { dtype: "int32" });
    const step = (input: Tensor, target: Tensor): Tensor => {
      optimizer.zeroGrad();
      const loss = F.crossEntropy(model.call(input), target);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const call = compiled ? compile(step) : step;
    return Array.from({ length: 5 }, () => call(x, y).item());
  };
  assert.deepEqual(losses(true), losses(false));
});
