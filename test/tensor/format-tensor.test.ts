import { afterEach, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { inspect } from "node:util";
import "../helpers.js";
import { setPrintOptions, tensor, type DType, type PrintOptions } from "../../src/index.js";
import { formatValues } from "../../src/tensor/format-tensor.js";

// Written by scripts/fixtures/make_print_fixtures.py: str(t) from PyTorch 1.13, in nabla's spelling.
interface PrintCase {
  name: string;
  values: (number | string)[];
  shape: number[];
  dtype: string;
  requiresGrad: boolean;
  timesTwo: boolean;
  options: Partial<PrintOptions>;
  printed: string;
}
const fixtures = JSON.parse(readFileSync(new URL("../fixtures/tensor-print.json", import.meta.url), "utf8")) as {
  tensors: PrintCase[];
  values: { name: string; values: unknown; shape: number[]; dtype: string; printed: string }[];
};

afterEach(() => setPrintOptions({ profile: "default" }));

for (const c of fixtures.tensors) {
  test(`prints like PyTorch: ${c.name}`, () => {
    setPrintOptions({ profile: "default", ...c.options });
    let t = tensor(c.values.map(Number), { dtype: c.dtype as DType }).reshape(c.shape);
    if (c.requiresGrad || c.timesTwo) t = t.detach().requiresGrad_();
    if (c.timesTwo) t = t.mul(2);
    assert.equal(String(t), c.printed);
  });
}

for (const c of fixtures.values) {
  test(`values of a ${c.dtype} tensor print like PyTorch's: ${c.name}`, () => {
    const flat = [c.values].flat(2).map(Number);
    assert.equal(formatValues(flat, c.shape, c.dtype, "tensor(".length), c.printed);
    // and through a real tensor: PyTorch's int32 shows its dtype, bool does not (True/False say it)
    const t = tensor(flat, { dtype: c.dtype as DType }).reshape(c.shape);
    assert.equal(String(t), `tensor(${c.printed}${c.dtype === "bool" ? "" : `, dtype=${c.dtype}`})`);
  });
}

test("console.log, String and toString print the same; template strings too", () => {
  const t = tensor([[1.5, 2], [3, 4]], { requiresGrad: true });
  const expected = "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]], requiresGrad=true)";
  assert.equal(inspect(t), expected);
  assert.equal(t.toString(), expected);
  assert.equal(`${t}`, expected);
  assert.equal(inspect({ weight: tensor([1, 2]) }), "{ weight: tensor([1., 2.]) }");
});

test("a dtype the formatter does not know prints as integers, or as floats when its name says so", () => {
  assert.equal(formatValues([1, 2, 3], [3], "uint8"), "[1, 2, 3]");
  assert.equal(formatValues([1.25, 2], [2], "float16"), "[1.2500, 2.0000]");
});

test("setPrintOptions changes only what it is given, and refuses a bad option", () => {
  assert.deepEqual(setPrintOptions({ precision: 2 }), { precision: 2, threshold: 1000, edgeItems: 3, lineWidth: 80, sciMode: undefined });
  assert.equal(String(tensor([1.23456, 2])), "tensor([1.23, 2.00])");
  assert.equal(setPrintOptions({ profile: "full" }).threshold, Infinity);
  assert.throws(() => setPrintOptions({ precision: -1 }), /setPrintOptions: precision must be a non-negative integer, got -1/);
  assert.throws(() => setPrintOptions({ digits: 3 } as never), /setPrintOptions: unknown option "digits"/);
});
