import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gradcheck, nn, tensor, type NestedArray, type Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

const F = nn.functional;
type LossName = "crossEntropy" | "nllLoss" | "binaryCrossEntropy" | "binaryCrossEntropyWithLogits" | "mseLoss";
interface LossCase {
  loss: LossName;
  label: string;
  reduction: nn.Reduction;
  input: NestedArray;
  target: NestedArray;
  value: NestedArray;
  inputGrad: NestedArray;
  targetGrad?: NestedArray;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/nn-losses.json", import.meta.url), "utf8")) as { cases: LossCase[] };

/** torch.linspace(0.5, 1.5, n): the upstream gradient the fixture used. */
function upstream(shape: readonly number[]): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const values = Float64Array.from({ length: n }, (_, i) => (n === 1 ? 0.5 : 0.5 + i / (n - 1)));
  return tensor(values, { shape });
}

function callLoss(name: LossName, input: Tensor, target: Tensor | number[], reduction: nn.Reduction): Tensor {
  if (name === "crossEntropy" || name === "nllLoss") return F[name](input, target, { reduction });
  return F[name](input, target as Tensor, { reduction });
}

function moduleFor(name: LossName, reduction: nn.Reduction): nn.Module<[Tensor, Tensor], Tensor> {
  const modules = { crossEntropy: nn.CrossEntropyLoss, nllLoss: nn.NLLLoss, binaryCrossEntropy: nn.BCELoss, binaryCrossEntropyWithLogits: nn.BCEWithLogitsLoss, mseLoss: nn.MSELoss };
  return new modules[name]({ reduction });
}

for (const c of fixture.cases) {
  test(`${c.loss} (${c.label}, reduction ${c.reduction}): value and gradients match PyTorch`, () => {
    const input = tensor(c.input, { dtype: "float64", requiresGrad: true });
    const classTarget = (c.loss === "crossEntropy" || c.loss === "nllLoss") && !Array.isArray((c.target as NestedArray[])[0]);
    const target = classTarget ? (c.target as number[]) : tensor(c.target, { dtype: "float64", requiresGrad: c.targetGrad !== undefined });
    const loss = callLoss(c.loss, input, target, c.reduction);
    assertClose(loss, c.value, 1e-12, 1e-10, "value");
    loss.backward(upstream(loss.shape));
    assertClose(input.grad!, c.inputGrad, 1e-12, 1e-10, "input gradient");
    if (c.targetGrad !== undefined) assertClose((target as Tensor).grad!, c.targetGrad, 1e-12, 1e-10, "target gradient");
    const viaModule = moduleFor(c.loss, c.reduction).call(input.detach(), classTarget ? tensor(c.target) : (target as Tensor).detach());
    assertClose(viaModule, c.value, 1e-12, 1e-10, "module value");
  });
}

const x43 = (): Tensor => tensor([[0.2, -1.3, 0.8], [1.1, 0.4, -0.6], [-0.9, 2.2, 0.1], [0.5, 0.5, -1.7]], { dtype: "float64", requiresGrad: true });
const probabilities = (): Tensor => tensor([0.15, 0.6, 0.85, 0.4], { dtype: "float64", requiresGrad: true });
const soft = (): Tensor => tensor([0.9, 0.1, 0.25, 0.7], { dtype: "float64", requiresGrad: true });
const gradchecks: [string, () => true][] = [
  ["crossEntropy", () => gradcheck((a) => F.crossEntropy(a, [2, 0, 1, 1]), [x43()])],
  ["crossEntropy sum", () => gradcheck((a) => F.crossEntropy(a, [2, 0, 1, 1], { reduction: "sum" }), [x43()])],
  // PyTorch differentiates soft targets too: dL/dp = −logSoftmax(x), reduced
  ["crossEntropy soft targets, both arguments", () => gradcheck((a, p) => F.crossEntropy(a, p), [x43(), x43().detach().mul(0.7).softmax(1).requiresGrad_()])],
  ["crossEntropy soft targets none, both arguments", () => gradcheck((a, p) => F.crossEntropy(a, p, { reduction: "none" }), [x43(), x43().detach().softmax(1).requiresGrad_()])],
  ["nllLoss none", () => gradcheck((a) => F.nllLoss(a, [0, 1, 2, 0], { reduction: "none" }), [x43()])],
  ["binaryCrossEntropy", () => gradcheck((p, y) => F.binaryCrossEntropy(p, y), [probabilities(), soft()])],
  ["binaryCrossEntropyWithLogits", () => gradcheck((z, y) => F.binaryCrossEntropyWithLogits(z, y, { reduction: "none" }), [tensor([0, -2.5, 3, 0.4], { dtype: "float64", requiresGrad: true }), soft()])],
  ["mseLoss", () => gradcheck((a, b) => F.mseLoss(a, b), [x43(), x43().detach().mul(0.5).requiresGrad_()])],
];
for (const [name, check] of gradchecks) test(`gradcheck (float64): ${name}`, () => assert.equal(check(), true));

test("cross-entropy goes through logSoftmax: logits of ±1000 give finite values and gradients in float32", () => {
  const logits = tensor([[1000, -1000], [-1000, 1000]], { requiresGrad: true });
  const loss = F.crossEntropy(logits, [1, 1]);
  loss.backward();
  assertClose(loss, 1000, 1e-3, 0);
  assertClose(logits.grad!, [[0.5, -0.5], [0, 0]], 1e-6);
});

test("cross-entropy of one unbatched sample [C] with an integer target", () => {
  const logits = tensor([2, 0, -1]);
  assertClose(F.crossEntropy(logits, 0), F.crossEntropy(logits.unsqueeze(0), [0]).item(), 1e-7);
  assert.deepEqual(F.crossEntropy(logits, 0, { reduction: "none" }).shape, []);
});

test("class targets may be a tensor of integral values or number[]", () => {
  const logits = x43().detach();
  assertClose(F.crossEntropy(logits, tensor([2, 0, 1, 1])), F.crossEntropy(logits, [2, 0, 1, 1]).item(), 0, 0);
});

test("bad class targets are errors naming the position and value, never NaN", () => {
  const logits = x43().detach();
  assert.throws(() => F.crossEntropy(logits, [0, 1.5, 2, 0]), /crossEntropy: target 1.5 at position 1 is not an integer class index/);
  assert.throws(() => F.crossEntropy(logits, [0, 1, 3, 0]), /crossEntropy: target 3 at position 2 is out of bounds: class indices must be in \[0, 3\)/);
  assert.throws(() => F.nllLoss(logits, [0, -1, 0, 0]), /nllLoss: target -1 at position 1 is out of bounds/);
  assert.throws(() => F.crossEntropy(logits, [0, 1, 2]), /crossEntropy: expected target of shape \[4\].*got \[3\]/);
  assert.throws(() => F.crossEntropy(tensor(1), [0]), /crossEntropy: expected input of shape \[N, C\], \[C\] or \[N, C, d1, \.\.\.\], got \[\]/);
  assert.throws(() => F.crossEntropy(tensor([[[1, 2]]]), [0]), /crossEntropy: expected target of shape \[1,2\].*got \[1\]/);
  assert.throws(() => new nn.CrossEntropyLoss().call(logits, tensor([0, 1, 2, Number.NaN])), /target NaN at position 3/);
});

test("bad binary targets and inputs are errors, never NaN", () => {
  const p = tensor([0.2, 0.7]);
  assert.throws(() => F.binaryCrossEntropy(p, tensor([1, 2])), /binaryCrossEntropy: all elements of target should be between 0 and 1, got 2 at position 1/);
  assert.throws(() => F.binaryCrossEntropy(p, tensor([-0.1, 1])), /got -0\.1\d* at position 0/);
  assert.throws(() => F.binaryCrossEntropy(tensor([1.2, 0.5]), tensor([1, 0])), /all elements of input should be between 0 and 1, got 1.2/);
  assert.throws(() => F.binaryCrossEntropyWithLogits(tensor([3, -2]), tensor([1, 5])), /binaryCrossEntropyWithLogits: all elements of target should be between 0 and 1, got 5/);
  assert.throws(() => F.binaryCrossEntropy(p.reshape([2, 1]), tensor([1, 0])), /target shape \[2\] is different from input shape \[2,1\]/);
  assert.throws(() => F.mseLoss(tensor([1, 2, 3]), tensor([1, 2])), /mseLoss: target shape \[2\] is different from input shape \[3\]/);
  assert.throws(() => F.mseLoss(p, p, { reduction: "avg" as nn.Reduction }), /mseLoss: unknown reduction "avg"/);
});

test("BCE gives the same values and gradients whether its clamps are left out (every p well inside (0, 1)) or kept", () => {
  // the first five p are inside [1e-11, 1 − 1e-11], where binaryCrossEntropy leaves its clamps out;
  // a sixth p of 0 or 1 makes it keep them: the first five losses and gradients must not change
  for (const dtype of ["float32", "float64"] as const) {
    const inside = [1e-11, 0.2, 0.5, 0.75, dtype === "float32" ? 1 - 2 ** -24 : 1 - 1e-11];
    const targets = [1, 0, 1, 0.25, 0];
    const run = (extra: number): [number[], number[], number[]] => {
      const p = tensor([...inside, extra], { dtype, requiresGrad: true });
      const y = tensor([...targets, 1], { dtype, requiresGrad: true });
      const losses = F.binaryCrossEntropy(p, y, { reduction: "none" });
      losses.backward(tensor([1, 2, 3, 4, 5, 6], { dtype }));
      const first = (t: Tensor): number[] => (t.toArray() as number[]).slice(0, inside.length);
      return [first(losses), first(p.grad!), first(y.grad!)];
    };
    const clamped = run(0);
    assert.deepEqual(run(0.5), clamped, `${dtype}: values inside, no clamp`);
    assert.deepEqual(run(1), clamped, `${dtype}: a p of 1`);
    assert.ok(clamped.flat().every(Number.isFinite), `${dtype}: finite`);
  }
});

test("BCE on saturated float32 sigmoid outputs keeps finite gradients (p exactly 0 or 1)", () => {
  const logits = tensor([200, -200, 0], { requiresGrad: true });
  const loss = F.binaryCrossEntropy(logits.sigmoid(), tensor([0, 1, 1]));
  loss.backward();
  assertClose(loss, (100 + 100 + Math.log(2)) / 3, 1e-4);
  assert.ok(logits.grad!.toTypedArray().every(Number.isFinite));
});
