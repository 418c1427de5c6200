import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { gradcheck, tensor } from "../../src/index.js";

// Values against PyTorch (NaN, ±∞ and finite inputs; nanToNum's gradient) are in
// non-finite.test.ts (test/fixtures/ops-nonfinite.json); here what that float64 fixture cannot show.

test("nanToNum's default replacements for ±∞ are the dtype's largest finite values (PyTorch's finfo max)", () => {
  const x = [Number.NaN, Infinity, -Infinity, 2];
  assert.deepEqual(tensor(x).nanToNum().toArray(), [0, 3.4028234663852886e38, -3.4028234663852886e38, 2]);
  assert.deepEqual(tensor(x, { dtype: "float64" }).nanToNum().toArray(), [0, Number.MAX_VALUE, -Number.MAX_VALUE, 2]);
  assert.deepEqual(tensor(x).nanToNum({ nan: -1 }).toArray(), [-1, 3.4028234663852886e38, -3.4028234663852886e38, 2]);
});

test("integer and bool tensors hold no NaN or ∞: isnan and isinf are all false, isfinite all true, nanToNum a copy", () => {
  for (const x of [tensor([1, -2, 0], { dtype: "int32" }), tensor([true, false, true])]) {
    assert.deepEqual(x.isnan().toArray(), [false, false, false], x.dtype);
    assert.deepEqual(x.isinf().toArray(), [false, false, false], x.dtype);
    assert.deepEqual(x.isposinf().toArray(), [false, false, false], x.dtype);
    assert.deepEqual(x.isfinite().toArray(), [true, true, true], x.dtype);
    const copy = x.nanToNum();
    assert.notEqual(copy.storage, x.storage);
    assert.deepEqual(copy.toArray(), x.toArray());
  }
  assert.deepEqual(tensor([1, 2], { dtype: "int32" }).ne(tensor([1, 3], { dtype: "int32" })).toArray(), [false, true]);
});

test("the checks are bool tensors outside the graph; nanToNum passes the gradient where it kept the value", () => {
  const x = tensor([Number.NaN, 1, Infinity], { requiresGrad: true });
  for (const check of [x.isnan(), x.isinf(), x.isfinite(), x.ne(1)]) {
    assert.equal(check.dtype, "bool");
    assert.equal(check.requiresGrad, false);
  }
  const finite = tensor([0.5, -2, 3], { dtype: "float64", requiresGrad: true });
  assert.equal(gradcheck((t) => t.nanToNum().mul(t), [finite]), true);
});

test("nanToNum: a replacement that is not a number is an error naming it", () => {
  assert.throws(() => tensor([1]).nanToNum({ posinf: "big" as unknown as number }), /^Error: nanToNum: posinf must be a number, got string$/);
});

test("allclose and equal answer a boolean; allclose takes isclose's tolerances, equal asks for the same shape", () => {
  const a = tensor([0.5, -1.25, 3]);
  assert.equal(a.allclose(tensor([0.5000001, -1.2500001, 3])), true);
  assert.equal(a.allclose(tensor([0.5, -1.3, 3])), false);
  assert.equal(a.allclose(tensor([0.5, -1.3, 3]), { atol: 0.1 }), true);
  assert.equal(tensor([Number.NaN]).allclose(tensor([Number.NaN])), false);
  assert.equal(tensor([Number.NaN]).allclose(tensor([Number.NaN]), { equalNan: true }), true);
  assert.equal(tensor([1, 1]).allclose(1), true, "a number broadcasts");
  assert.equal(tensor([1, 2]).equal(tensor([1, 2])), true);
  assert.equal(tensor([1, 2]).equal(tensor([[1, 2]])), false, "another shape is not equal, though it broadcasts");
  assert.equal(tensor([Number.NaN]).equal(tensor([Number.NaN])), false);
  assert.equal(tensor([true, false]).isclose(tensor([true, true])).toArray().toString(), "true,false");
});

test("isclose: a negative or non-numeric tolerance is an error naming it", () => {
  assert.throws(() => tensor([1]).isclose(tensor([1]), { rtol: -1 }), /^Error: isclose: rtol must be a non-negative number, got -1$/);
  assert.throws(() => tensor([1]).isclose(tensor([1]), { atol: Number.NaN }), /^Error: isclose: atol must be a non-negative number, got NaN$/);
});
