import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { gradcheck, randn, tensor } from "../../src/index.js";
import { assertClose } from "../helpers.js";

// PyTorch's clamp is min(max(x, min), max): bounds that cross set every element to max, and
// the gradient (1 where min ≤ x ≤ max) is 0 everywhere. Values from
// scripts/fixtures/make_clamp_fixtures.py; NaN is null in the JSON.
interface ClampCase {
  label: string;
  min: number;
  max: number;
  input: (number | null)[];
  weight: number[];
  out: (number | null)[];
  grad: number[];
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/clamp.json", import.meta.url), "utf8")) as { cases: ClampCase[] };
const nan = (values: (number | null)[]): number[] => values.map((v) => v ?? Number.NaN);

for (const dtype of ["float64", "float32"] as const) {
  for (const c of fixture.cases) {
    test(`clamp(${c.min}, ${c.max}) matches PyTorch, value and gradient (${c.label}, ${dtype})`, () => {
      const x = tensor(nan(c.input), { dtype, requiresGrad: true });
      const y = x.clamp(c.min, c.max);
      assertClose(y, nan(c.out), 0, 0);
      y.mul(tensor(c.weight, { dtype })).sum().backward();
      assertClose(x.grad!, c.grad, 0, 0);
    });
  }
}

test("clamp with min > max on a tensor large enough for the WebAssembly kernel: every element is max", () => {
  const x = randn([257], { requiresGrad: true });
  const y = x.clamp(0.5, -0.25);
  assert.deepEqual([...new Set(y.toTypedArray())], [-0.25]);
  y.sum().backward();
  assert.deepEqual([...new Set(x.grad!.toTypedArray())], [0]);
});

test("gradcheck (float64) through clamp with crossing bounds", () => {
  const x = tensor([-2.3, 0.4, 1.7, 3.1], { dtype: "float64", requiresGrad: true });
  assert.equal(gradcheck((a) => a.clamp(2, 1).mul(a), [x]), true);
});
