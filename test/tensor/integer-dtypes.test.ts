// int32 and bool tensors against PyTorch 1.13 (test/fixtures/dtypes.json, made by
// scripts/fixtures/make_dtype_fixtures.py; PyTorch's int64 results are int32 in nabla).
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { arange, full, ones, randint, randperm, manualSeed, nn, tensor, zeros, type DType, type NestedArray, type Tensor } from "../../src/index.js";

type Result = { dtype: DType; values: (number | boolean | string)[] } | { error: string };
interface Fixture {
  promotion: ({ left: DType; right: DType; rightDims: boolean } & Record<"add" | "mul" | "div" | "gt" | "maximum", Result>)[];
  numbers: { left: DType; number: number; op: "add" | "mul" | "div"; dtype: DType; values: (number | boolean)[] }[];
  wrapping: Record<"x" | "addOne" | "mulSelf" | "neg" | "abs", number[]> & { sum: number; divByZero: string[] };
  casts: { x: number[]; toInt: number[]; toBool: boolean[]; intToBool: boolean[]; boolToFloat: number[] };
  reductions: { boolSum: { dtype: DType; value: number }; intSumDim: number[]; argmaxDtype: DType; intMax: number };
  unary: Record<"expOfInt" | "sqrtOfBool" | "reluOfInt", { dtype: DType; values: number[] }>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/dtypes.json", import.meta.url), "utf8")) as Fixture;
const SAMPLE: Record<DType, NestedArray> = { float32: [1.5, -2], float64: [1.5, -2], int32: [3, -2], bool: [true, false] };

function make(dtype: DType, dims: boolean): Tensor {
  const values = SAMPLE[dtype] as (number | boolean)[];
  return tensor(dims ? values : values[0]!, { dtype });
}

function same(actual: Tensor, expected: { dtype: DType; values: (number | boolean | string)[] }, label: string): void {
  assert.equal(actual.dtype, expected.dtype, `${label}: dtype`);
  const got = actual.toArray() as (number | boolean)[];
  if (actual.dtype === "bool") return assert.deepEqual(got, expected.values, `${label}: values`);
  const want = expected.values.map(Number);
  got.forEach((v, i) => {
    const w = want[i]!;
    const ok = Number.isFinite(w) ? Math.abs(Number(v) - w) <= 1e-6 * (1 + Math.abs(w)) : Object.is(v, w);
    assert.ok(ok, `${label} element ${i}: got ${v}, expected ${w}`);
  });
}

test("binary ops promote as PyTorch's result_type, for every pair of dtypes (tensor with tensor and with a 0-d tensor)", () => {
  for (const row of fixture.promotion) {
    const a = make(row.left, true);
    const b = make(row.right, row.rightDims);
    const label = `${row.left} ${row.right}${row.rightDims ? "" : " 0-d"}`;
    const ops = { add: () => a.add(b), mul: () => a.mul(b), div: () => a.div(b), gt: () => a.gt(b), maximum: () => a.maximum(b) };
    for (const [op, run] of Object.entries(ops) as [keyof typeof ops, () => Tensor][]) {
      const expected = row[op];
      if ("error" in expected) assert.throws(run, Error, `${label} ${op} should fail as in PyTorch`);
      else same(run(), expected, `${label} ${op}`);
    }
  }
});

test("a number widens a tensor only across kinds: int32 · 2 stays int32, int32 · 2.5 is float32", () => {
  for (const row of fixture.numbers) {
    const a = make(row.left, true);
    same(a[row.op](row.number), row, `${row.left} ${row.op} ${row.number}`);
  }
});

test("int32 arithmetic wraps like PyTorch's, and int / int is true division with ±inf and NaN at zero", () => {
  const x = tensor(fixture.wrapping.x, { dtype: "int32" });
  assert.deepEqual(x.add(1).toArray(), fixture.wrapping.addOne);
  assert.deepEqual(x.mul(x).toArray(), fixture.wrapping.mulSelf);
  assert.deepEqual(x.neg().toArray(), fixture.wrapping.neg);
  assert.deepEqual(x.abs().toArray(), fixture.wrapping.abs);
  assert.equal(tensor([2 ** 31 - 1, 1], { dtype: "int32" }).sum().item(), fixture.wrapping.sum);
  const quotient = tensor([7, -7, 0], { dtype: "int32" }).div(tensor([0, 0, 0], { dtype: "int32" }));
  assert.equal(quotient.dtype, "float32");
  assert.deepEqual(quotient.toArray(), fixture.wrapping.divByZero.map(Number));
});

test("casts truncate toward zero into int32, and anything non-zero (NaN too) is true", () => {
  const kept = [0, 1, 2, 3, 5].map((i) => fixture.casts.x[i]!);
  assert.deepEqual(tensor(kept).int().toArray(), fixture.casts.toInt);
  assert.deepEqual(tensor([0.5, 0, -0, NaN, Infinity, -2]).bool().toArray(), fixture.casts.toBool);
  assert.deepEqual(tensor([0, 3, -1], { dtype: "int32" }).bool().toArray(), fixture.casts.intToBool);
  assert.deepEqual(tensor([true, false]).float().toArray(), fixture.casts.boolToFloat);
  assert.equal(tensor([1.5]).double().dtype, "float64");
  assert.deepEqual(tensor([1.5, -1.5], { dtype: "float64" }).to("int32").toArray(), [1, -1]);
});

test("sums of bool and int32 are int32; argmax is int32; real functions of integers compute in float32", () => {
  const boolSum = tensor([true, true, false]).sum();
  assert.equal(boolSum.dtype, fixture.reductions.boolSum.dtype);
  assert.equal(boolSum.item(), fixture.reductions.boolSum.value);
  assert.deepEqual(tensor([[1, 2], [3, 4]], { dtype: "int32" }).sum(0).toArray(), fixture.reductions.intSumDim);
  assert.equal(tensor([1, 3]).argmax().dtype, fixture.reductions.argmaxDtype);
  assert.equal(tensor([[1, 7], [3, -4]], { dtype: "int32" }).max().item(), fixture.reductions.intMax);
  same(tensor([0, 1], { dtype: "int32" }).exp(), fixture.unary.expOfInt, "exp of int32");
  same(tensor([true, false]).sqrt(), fixture.unary.sqrtOfBool, "sqrt of bool");
  same(tensor([-3, 4], { dtype: "int32" }).relu(), fixture.unary.reluOfInt, "relu of int32");
});

test("comparisons return bool, and bool masks mix with floats in arithmetic", () => {
  const x = tensor([1, -2, 3]);
  const mask = x.gt(0);
  assert.equal(mask.dtype, "bool");
  assert.deepEqual(mask.toArray(), [true, false, true]);
  assert.deepEqual(x.mul(mask).toArray(), [1, -0, 3]);
  assert.deepEqual(mask.add(mask).toArray(), [true, false, true]); // a logical or, as PyTorch
  assert.throws(() => mask.sub(mask), /sub: subtracting two bool tensors is not supported/);
  assert.throws(() => mask.neg(), /neg: negating a bool tensor is not supported/);
});

test("creation: booleans make bool tensors, typed arrays keep their kind, integer aranges are int32", () => {
  assert.equal(tensor([true, false]).dtype, "bool");
  assert.equal(tensor(true).dtype, "bool");
  assert.equal(tensor([1, 2]).dtype, "float32");
  assert.equal(tensor(new Int32Array([1, 2])).dtype, "int32");
  assert.equal(tensor(new Uint8Array([1, 255])).dtype, "int32");
  assert.deepEqual(tensor(new Uint8Array([1, 255])).toArray(), [1, 255]);
  assert.equal(arange(4).dtype, "int32");
  assert.equal(arange(0, 1, 0.5).dtype, "float32");
  assert.equal(arange(4, undefined, 1, { dtype: "float64" }).dtype, "float64");
  assert.equal(full([2], true).dtype, "bool");
  assert.deepEqual(full([2], 2.7, { dtype: "int32" }).toArray(), [2, 2]);
  assert.deepEqual(zeros([2], { dtype: "bool" }).toArray(), [false, false]);
  assert.deepEqual(ones([2], { dtype: "bool" }).toArray(), [true, true]);
  assert.throws(() => tensor([true, 1]), /mixes numbers and booleans/);
});

test("only floating-point tensors can require gradients: the error names the dtype", () => {
  assert.throws(() => tensor([1, 2], { dtype: "int32", requiresGrad: true }), /only floating-point tensors can require gradients, got dtype int32/);
  assert.throws(() => tensor([true]).requiresGrad_(), /only floating-point tensors can require gradients, this one is bool/);
  assert.throws(() => full([2], 1, { dtype: "int32", requiresGrad: true }), /full: only floating-point/);
  // an op from a float tensor to int32 or bool records nothing: the result needs no gradient
  const x = tensor([1.5, -2], { requiresGrad: true });
  const asInt = x.int();
  assert.equal(asInt.requiresGrad, false);
  assert.equal(asInt.gradFn, null);
  assert.equal(x.gt(0).requiresGrad, false);
});

test("mean and softmax of integer tensors are errors naming the dtype, as in PyTorch", () => {
  const x = tensor([1, 2], { dtype: "int32" });
  assert.throws(() => x.mean(), /mean: expected a floating-point tensor \(float32 or float64\), got int32/);
  assert.throws(() => x.softmax(0), /softmax: expected a floating-point tensor/);
  assert.equal(x.float().mean().item(), 1.5);
});

test("randint and randperm make int32 tensors that follow manualSeed", () => {
  manualSeed(3);
  const a = randint(-2, 5, [2000]);
  manualSeed(3);
  const b = randint(-2, 5, [2000]);
  assert.equal(a.dtype, "int32");
  assert.deepEqual(a.toArray(), b.toArray());
  const values = a.toArray() as number[];
  assert.ok(values.every((v) => Number.isInteger(v) && v >= -2 && v < 5));
  for (let v = -2; v < 5; v++) assert.ok(values.includes(v), `randint never drew ${v}`);
  const p = randperm(50);
  assert.equal(p.dtype, "int32");
  assert.deepEqual([...(p.toArray() as number[])].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.throws(() => randint(3, 3, [1]), /randint: expected integers low < high/);
});

test("class targets and gather indices may be int32 tensors", () => {
  const logits = tensor([[2, 0, -1], [0, 3, 0]]);
  const asInt = nn.functional.crossEntropy(logits, tensor([0, 1], { dtype: "int32" })).item();
  const asNumbers = nn.functional.crossEntropy(logits, [0, 1]).item();
  const asFloat = nn.functional.crossEntropy(logits, tensor([0, 1])).item();
  assert.equal(asInt, asNumbers);
  assert.equal(asInt, asFloat);
  assert.deepEqual(logits.gather(1, tensor([[2], [1]], { dtype: "int32" })).toArray(), [[-1], [3]]);
  assert.throws(() => nn.functional.crossEntropy(logits, tensor([true, false])), /class indices must be int32/);
});

test("bool and int32 tensors round-trip through safetensors", async () => {
  const { io } = await import("../../src/index.js");
  const bytes = io.encodeSafetensors({ mask: tensor([true, false, true]), count: tensor([7, -1], { dtype: "int32" }) });
  const back = io.decodeSafetensors(bytes).tensors;
  assert.equal(back.mask!.dtype, "bool");
  assert.deepEqual(back.mask!.toArray(), [true, false, true]);
  assert.equal(back.count!.dtype, "int32");
  assert.deepEqual(back.count!.toArray(), [7, -1]);
});
