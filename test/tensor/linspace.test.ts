import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { linspace, type DType } from "../../src/index.js";

interface LinspaceCase {
  start: number;
  end: number;
  steps: number;
  dtype: DType;
  values: number[];
}

// made by scripts/fixtures/make_linspace_fixtures.py (torch.linspace)
const CASES = (JSON.parse(readFileSync(new URL("../fixtures/linspace.json", import.meta.url), "utf8")) as { cases: LinspaceCase[] }).cases;

// PyTorch's vectorized float32 kernel rounds the product and the sum of some lanes apart (which
// lanes depends on the CPU's vector width), so float32 agrees within two ulps of the range's end
test("linspace gives PyTorch's values: int32 exactly, floats within two ulps of the range's largest end", () => {
  for (const c of CASES) check(c);
});

function check(c: LinspaceCase): void {
  const t = linspace(c.start, c.end, c.steps, { dtype: c.dtype });
  const what = `linspace(${c.start}, ${c.end}, ${c.steps}) ${c.dtype}`;
  assert.equal(t.dtype, c.dtype, what);
  assert.deepEqual(t.shape, [c.steps], what);
  const got = t.toArray() as number[];
  if (c.dtype === "int32") return assert.deepEqual(got, c.values, what);
  const ulp = (c.dtype === "float64" ? 2 ** -52 : 2 ** -23) * Math.max(Math.abs(c.start), Math.abs(c.end));
  c.values.forEach((v, i) => assert.ok(Math.abs(got[i]! - v) <= 2 * ulp, `${what}: element ${i} is ${got[i]}, PyTorch gives ${v}`));
  // both ends exact
  if (c.steps > 0) assert.equal(got[0], c.values[0], `${what}: first`);
  if (c.steps > 1) assert.equal(got[c.steps - 1], c.values[c.steps - 1], `${what}: last`);
}

test("linspace: bad arguments are errors naming linspace and the value", () => {
  assert.throws(() => linspace(0, 1, -1), /^Error: linspace: steps must be a non-negative integer, got -1$/);
  assert.throws(() => linspace(0, 1, 2.5), /^Error: linspace: steps must be a non-negative integer, got 2.5$/);
  assert.throws(() => linspace(0, Infinity, 3), /^Error: linspace: start and end must be finite numbers, got 0 and Infinity$/);
  assert.throws(() => linspace(0, 1, 3, { dtype: "bool" }), /^Error: linspace: a bool tensor cannot hold a range/);
  assert.throws(() => linspace(0, 1, 2 ** 32), /linspace/);
});
