import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gradcheck, nn, tensor, Tensor, type NestedArray } from "../../src/index.js";
import { assertClose } from "../helpers.js";

const F = nn.functional;
type LossName = "crossEntropy" | "nllLoss" | "binaryCrossEntropyWithLogits" | "binaryCrossEntropy" | "l1Loss" | "smoothL1Loss" | "huberLoss" | "klDiv";
interface LossCase {
  fn: LossName;
  label: string;
  dtype: "float32" | "float64";
  reduction: "mean" | "sum" | "none" | "batchmean";
  options: Record<string, number | boolean>;
  weight?: NestedArray;
  posWeight?: NestedArray;
  input: NestedArray;
  target: NestedArray;
  classTarget: boolean;
  value: NestedArray;
  inputGrad: NestedArray;
  targetGrad?: NestedArray;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/nn-loss-options.json", import.meta.url), "utf8")) as { cases: LossCase[] };

/** torch.linspace(0.5, 1.5, n): the upstream gradient the fixture used. */
function upstream(shape: readonly number[], dtype: "float32" | "float64"): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float64Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : 0.5 + i / (n - 1)));
  return tensor(values, { shape, dtype });
}

type AnyLoss = (input: Tensor, target: Tensor | number | number[], options: object) => Tensor;
const functions = F as unknown as Record<LossName, AnyLoss>;
const modules: Record<LossName, new (options: object) => nn.Module<[Tensor, Tensor | number | number[]], Tensor>> = {
  crossEntropy: nn.CrossEntropyLoss,
  nllLoss: nn.NLLLoss,
  binaryCrossEntropyWithLogits: nn.BCEWithLogitsLoss,
  binaryCrossEntropy: nn.BCELoss,
  l1Loss: nn.L1Loss,
  smoothL1Loss: nn.SmoothL1Loss,
  huberLoss: nn.HuberLoss,
  klDiv: nn.KLDivLoss,
};

function classTarget(c: LossCase): number | number[] | Tensor {
  if (typeof c.target === "number") return c.target;
  const nested = Array.isArray((c.target as NestedArray[])[0]);
  return nested ? tensor(c.target, { dtype: "int32" }) : (c.target as number[]);
}

for (const c of fixture.cases) {
  const name = `${c.fn} (${c.label}, ${c.dtype}, reduction ${c.reduction}): value and gradients match PyTorch`;
  test(name, () => {
    const [atol, rtol] = c.dtype === "float64" ? [1e-12, 1e-10] : [2e-6, 2e-5];
    const input = tensor(c.input, { dtype: c.dtype, requiresGrad: true });
    const target = c.classTarget ? classTarget(c) : tensor(c.target, { dtype: c.dtype, requiresGrad: c.targetGrad !== undefined });
    const options = {
      ...c.options,
      reduction: c.reduction,
      ...(c.weight !== undefined ? { weight: tensor(c.weight, { dtype: c.dtype }) } : {}),
      ...(c.posWeight !== undefined ? { posWeight: tensor(c.posWeight, { dtype: c.dtype }) } : {}),
    };
    const loss = functions[c.fn](input, target, options);
    assert.equal(loss.dtype, c.dtype);
    assertClose(loss, c.value, atol, rtol, "value");
    loss.backward(upstream(loss.shape, c.dtype));
    assertClose(input.grad!, c.inputGrad, atol, rtol, "input gradient");
    if (c.targetGrad !== undefined) assertClose((target as Tensor).grad!, c.targetGrad, atol, rtol, "target gradient");
    const viaModule = new modules[c.fn](options).call(input.detach(), target instanceof Tensor ? target.detach() : target);
    assertClose(viaModule, c.value, atol, rtol, "module value");
  });
}

const logits = (): Tensor => tensor([[0.2, -1.3, 0.8, 0.1], [1.1, 0.4, -0.6, 2], [-0.9, 2.2, 0.1, 0], [0.5, 0.5, -1.7, 1.2]], { dtype: "float64", requiresGrad: true });
const weight = tensor([0.5, 2, 1, 1.5], { dtype: "float64" });
const row = (values: number[]): Tensor => tensor(values, { dtype: "float64", requiresGrad: true });
const gradchecks: [string, () => true][] = [
  ["crossEntropy, weights, ignored target, smoothing", () => gradcheck((a) => F.crossEntropy(a, [1, -100, 3, 0], { weight, labelSmoothing: 0.2 }), [logits()])],
  ["crossEntropy, [N, C, d] and none", () => gradcheck((a) => F.crossEntropy(a.reshape([2, 4, 2]), tensor([[0, 3], [-100, 2]]), { reduction: "none", labelSmoothing: 0.1 }), [logits()])],
  ["crossEntropy soft targets, weights, smoothing", () => gradcheck((a, p) => F.crossEntropy(a, p, { weight, labelSmoothing: 0.3 }), [logits(), logits().detach().softmax(1).requiresGrad_()])],
  ["nllLoss, weights, ignoreIndex", () => gradcheck((a) => F.nllLoss(a, [1, 2, 3, 0], { weight, ignoreIndex: 2, reduction: "sum" }), [logits()])],
  // the rule written by hand for posWeight: both arguments
  ["binaryCrossEntropyWithLogits posWeight and weight", () => gradcheck((z, y) => F.binaryCrossEntropyWithLogits(z, y, { posWeight: tensor([3, 0.5, 1.5, 1], { dtype: "float64" }), weight: tensor([[2], [1], [0.5], [1]], { dtype: "float64" }) }), [logits(), logits().detach().sigmoid().requiresGrad_()])],
  ["l1Loss", () => gradcheck((a, b) => F.l1Loss(a, b), [row([0.3, -1.2, 2]), row([0, 1, 1])])],
  ["smoothL1Loss", () => gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: 0.7, reduction: "none" }), [row([0.3, -1.2, 2, 0.1]), row([0, 1, 1, 0.5])])],
  // β = 0 carries its own rule (PyTorch's gradient at d = 0); away from 0 it is sign(d)
  ["smoothL1Loss beta 0", () => gradcheck((a, b) => F.smoothL1Loss(a, b, { beta: 0 }), [row([0.3, -1.2, 2, 0.1]), row([0, 1, 1, 0.5])])],
  ["huberLoss", () => gradcheck((a, b) => F.huberLoss(a, b, { delta: 0.7, reduction: "sum" }), [row([0.3, -1.2, 2, 0.1]), row([0, 1, 1, 0.5])])],
  ["klDiv", () => gradcheck((a, b) => F.klDiv(a, b, { reduction: "batchmean" }), [logits().detach().logSoftmax(1).requiresGrad_(), logits().detach().mul(0.5).softmax(1).requiresGrad_()])],
  ["klDiv logTarget", () => gradcheck((a, b) => F.klDiv(a, b, { logTarget: true }), [logits().detach().logSoftmax(1).requiresGrad_(), logits().detach().mul(0.5).logSoftmax(1).requiresGrad_()])],
];
for (const [name, check] of gradchecks) test(`gradcheck (float64): ${name}`, () => assert.equal(check(), true));

test("a batch whose every target is ignored: 0 for sum and none, NaN (0/0) for mean, as in PyTorch", () => {
  const x = logits();
  assert.equal(F.crossEntropy(x, [-100, -100, -100, -100], { reduction: "sum" }).item(), 0);
  assert.ok(Number.isNaN(F.crossEntropy(x, [-100, -100, -100, -100]).item()));
  assertClose(F.nllLoss(x, [-100, -100, 1, 1], { reduction: "none" }), [0, 0, -2.2, -0.5], 1e-12);
});

test("the common case (no weight, nothing ignored) equals a plain mean of −log softmax", () => {
  const x = logits().detach();
  const expected = x.logSoftmax(1).gather(1, tensor([[1], [0], [3], [2]], { dtype: "int32" })).neg().mean().item();
  assertClose(F.crossEntropy(x, [1, 0, 3, 2]), expected, 0, 0);
});

test("klDiv: a zero target probability gives a finite target gradient (−input), not PyTorch's NaN", () => {
  const input = tensor([[-1.5, -0.3]], { dtype: "float64" });
  const target = tensor([[0, 1]], { dtype: "float64", requiresGrad: true });
  F.klDiv(input, target, { reduction: "sum" }).backward();
  assertClose(target.grad!, [[1.5, 0 + 1 + 0.3]], 1e-12);
});

test("binaryCrossEntropyWithLogits with posWeight stays finite for logits of ±1000 in float32", () => {
  const x = tensor([1000, -1000, -1000, 1000], { requiresGrad: true });
  const y = tensor([1, 0, 1, 0]);
  const loss = F.binaryCrossEntropyWithLogits(x, y, { posWeight: tensor([2]), reduction: "none" });
  assertClose(loss, [0, 0, 2000, 1000], 1e-3);
  loss.sum().backward();
  assertClose(x.grad!, [0, 0, -2, 1], 1e-6);
});

test("loss modules keep weights as buffers under PyTorch's state-dict keys", () => {
  const w = tensor([1, 2, 3]);
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss({ weight: w }).stateDict()), ["weight"]);
  assert.deepEqual(Object.keys(new nn.CrossEntropyLoss().stateDict()), []);
  assert.deepEqual(Object.keys(new nn.BCEWithLogitsLoss({ weight: w, posWeight: w }).stateDict()), ["weight", "pos_weight"]);
  assert.deepEqual(new nn.NLLLoss({ ignoreIndex: 3 }).ignoreIndex, 3);
});

test("bad options and targets are errors naming the loss, the shapes or the index", () => {
  const x = logits().detach();
  assert.throws(() => F.crossEntropy(x, [0, 1, 2, 3], { weight: tensor([1, 2, 3]) }), /crossEntropy: weight should have one value per class \(4\), got shape \[3\]/);
  assert.throws(() => F.nllLoss(x, [0, 1, 2, 3], { weight: tensor([[1, 2, 3, 4]]) }), /nllLoss: weight should have one value per class \(4\), got shape \[1,4\]/);
  assert.throws(() => F.crossEntropy(x, [0, 1, 2, 3], { labelSmoothing: 1.5 }), /crossEntropy: labelSmoothing must be between 0.0 and 1.0, got 1.5/);
  assert.throws(() => F.crossEntropy(x, [0, 4, 2, 3]), /crossEntropy: target 4 at position 1 is out of bounds: class indices must be in \[0, 4\)/);
  assert.throws(() => F.crossEntropy(x, [0, -1, 2, 3]), /crossEntropy: target -1 at position 1 is out of bounds/);
  assert.throws(() => F.nllLoss(x, [0, -100, 2, 3], { ignoreIndex: 1 }), /nllLoss: target -100 at position 1 is out of bounds/);
  assert.throws(() => F.crossEntropy(x, x.softmax(1), { ignoreIndex: 0 }), /crossEntropy: ignoreIndex \(0\) is not supported with class-probability targets/);
  assert.throws(() => F.crossEntropy(x, tensor([[0, 1, 0, 0]], { dtype: "int32" }).expand([4, 4])), /crossEntropy: a target of the input's shape \[4,4\] holds class probabilities and must be floating-point, got int32/);
  assert.throws(() => F.crossEntropy(x.reshape([2, 4, 2]), tensor([[0, 1], [2, 4]])), /crossEntropy: target 4 at position 3 is out of bounds/);
  const z = tensor([[0.5, -1, 2]]);
  const y = tensor([[1, 0, 1]]);
  assert.throws(() => F.binaryCrossEntropyWithLogits(z, y, { posWeight: tensor([1, 2]) }), /binaryCrossEntropyWithLogits: posWeight of shape \[2\] does not broadcast to the input's shape \[1,3\]/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(z, y, { weight: tensor([[[1, 2, 3]]]) }), /binaryCrossEntropyWithLogits: weight of shape \[1,1,3\] does not broadcast to the input's shape \[1,3\]/);
  assert.throws(() => F.binaryCrossEntropy(z.sigmoid(), y, { weight: tensor([1, 2]) }), /binaryCrossEntropy: weight of shape \[2\] does not broadcast/);
  assert.throws(() => F.l1Loss(z, tensor([1, 0, 1])), /l1Loss: target shape \[3\] is different from input shape \[1,3\]/);
  assert.throws(() => F.smoothL1Loss(z, y, { beta: -1 }), /smoothL1Loss: beta must be non-negative, got -1/);
  assert.throws(() => F.smoothL1Loss(z, y.reshape([3])), /smoothL1Loss: target shape \[3\] is different from input shape \[1,3\]/);
  assert.throws(() => F.huberLoss(z, y, { delta: 0 }), /huberLoss: delta must be positive, got 0/);
  assert.throws(() => F.klDiv(z, y.reshape([3, 1])), /klDiv: target shape \[3,1\] is different from input shape \[1,3\]/);
  assert.throws(() => F.klDiv(z, y, { reduction: "avg" as "mean" }), /klDiv: unknown reduction "avg" \(expected "mean", "batchmean", "sum" or "none"\)/);
  assert.throws(() => F.huberLoss(z, y, { reduction: "batchmean" as "mean" }), /huberLoss: unknown reduction "batchmean"/);
});

test("types: batchmean is klDiv's alone; the options are typed", () => {
  const x = tensor([[0.5, -1]]);
  const loss: Tensor = new nn.KLDivLoss({ reduction: "batchmean" }).call(x.logSoftmax(1), x.softmax(1));
  assert.deepEqual(loss.shape, []);
  if (Math.random() > 2) {
    // never run: these lines exist for the type checker
    // @ts-expect-error "batchmean" is klDiv's reduction only
    F.l1Loss(x, x, { reduction: "batchmean" });
    // @ts-expect-error the class weight is a tensor
    new nn.CrossEntropyLoss({ weight: [1, 2] });
    // @ts-expect-error a huber loss has delta, not beta
    new nn.HuberLoss({ beta: 1 });
  }
});
