import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { nn, tensor, type NestedArray, type Tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

interface Fixture {
  gradients: NestedArray[];
  norm: { dtype: "float32" | "float64"; normType: number | "Infinity"; maxNorm: number; total: number; grads: NestedArray[] }[];
  value: { dtype: "float32" | "float64"; clipValue: number; grads: NestedArray[] }[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/clip-grad.json", import.meta.url), "utf8")) as Fixture;

/** Zero parameters of the fixture's shapes whose `.grad` holds its gradients. */
function parameters(dtype: "float32" | "float64"): Tensor[] {
  return fixture.gradients.map((g) => {
    const grad = tensor(g, { dtype });
    const p = tensor(g, { dtype }).mul(0).requiresGrad_();
    p.grad = grad;
    return p;
  });
}

const tolerance = (dtype: string): [number, number] => (dtype === "float64" ? [1e-12, 1e-10] : [1e-6, 1e-5]);

for (const c of fixture.norm) {
  test(`clipGradNorm_ (${c.dtype}, normType ${c.normType}, maxNorm ${c.maxNorm}): total norm and clipped gradients match PyTorch`, () => {
    const params = parameters(c.dtype);
    const normType = c.normType === "Infinity" ? Infinity : c.normType;
    const before = params.map((p) => p.grad!);
    const total = nn.utils.clipGradNorm_(params, c.maxNorm, { normType });
    const [atol, rtol] = tolerance(c.dtype);
    assert.equal(total.dtype, c.dtype);
    assert.deepEqual(total.shape, []);
    assertClose(total, c.total, atol, rtol, "total norm");
    params.forEach((p, i) => {
      assertClose(p.grad!, c.grads[i]!, atol, rtol, `gradient ${i}`);
      assert.equal(p.grad, before[i], "scaled in place, as PyTorch's mul_");
    });
  });
}

for (const c of fixture.value) {
  test(`clipGradValue_ (${c.dtype}, clipValue ${c.clipValue}) matches PyTorch`, () => {
    const params = parameters(c.dtype);
    nn.utils.clipGradValue_(params, c.clipValue);
    params.forEach((p, i) => assertClose(p.grad!, c.grads[i]!, 0, 0, `gradient ${i}`));
  });
}

test("clipGradNorm_ skips parameters without gradients, takes a single tensor or a model's parameters, and returns 0 for none", () => {
  const a = tensor([3, 4], { requiresGrad: true });
  const b = tensor([1], { requiresGrad: true });
  a.mul(tensor([3, 4])).sum().backward();
  assertClose(nn.utils.clipGradNorm_([a, b], 10), 5, 1e-6);
  assert.equal(b.grad, null);
  assertClose(nn.utils.clipGradNorm_(a, 1), 5, 1e-6);
  assertClose(a.grad!, [0.6, 0.8], 1e-6);
  assert.equal(nn.utils.clipGradNorm_([b], 1).item(), 0);
  const model = new nn.Linear(3, 2);
  model.call(tensor([[1, 2, 3]])).sum().backward();
  const total = nn.utils.clipGradNorm_(model.parameters(), 0.1);
  const after = Math.hypot(...model.parameters().flatMap((p) => [...p.grad!.toTypedArray()]));
  assert.ok(total.item() > 0.1 && Math.abs(after - 0.1) < 1e-6, `clipped to ${after}`);
});

test("clipGradNorm_ and an expanded gradient: replaced by a scaled copy instead of writing one element many times", () => {
  const p = tensor([0, 0, 0], { requiresGrad: true });
  p.grad = tensor([2]).expand([3]);
  assertClose(nn.utils.clipGradNorm_(p, 1), Math.sqrt(12), 1e-6);
  assertClose(p.grad, [1 / Math.sqrt(3), 1 / Math.sqrt(3), 1 / Math.sqrt(3)], 1e-6);
});

test("clipGradNorm_ with errorIfNonfinite refuses NaN and infinite norms and leaves the gradients alone", () => {
  const p = tensor([0, 0], { requiresGrad: true });
  p.grad = tensor([Infinity, 1]);
  assert.throws(() => nn.utils.clipGradNorm_(p, 1, { errorIfNonfinite: true }), /clipGradNorm_: the total norm of order 2 of the gradients is Infinity, so they cannot be clipped/);
  assert.deepEqual(p.grad.toArray(), [Infinity, 1]);
  p.grad = tensor([Number.NaN, 1]);
  assert.throws(() => nn.utils.clipGradNorm_(p, 1, { errorIfNonfinite: true, normType: 1 }), /norm of order 1 of the gradients is NaN/);
});

test("bad clipping arguments are errors", () => {
  const p = tensor([1], { requiresGrad: true });
  assert.throws(() => nn.utils.clipGradNorm_(p, -1), /clipGradNorm_: maxNorm must be non-negative, got -1/);
  assert.throws(() => nn.utils.clipGradNorm_(p, 1, { normType: 0 }), /clipGradNorm_: normType must be positive \(or Infinity\), got 0/);
  assert.throws(() => nn.utils.clipGradValue_(p, Number.NaN), /clipGradValue_: clipValue must be non-negative, got NaN/);
  assert.throws(() => nn.utils.clipGradNorm_([p, 3 as unknown as Tensor], 1), /clipGradNorm_: parameter 1 is not a Tensor/);
});
