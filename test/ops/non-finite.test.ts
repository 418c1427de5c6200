// NaN and ±∞ through every op of the table, forward and backward, against PyTorch
// (test/fixtures/ops-nonfinite.json, made by scripts/fixtures/make_nonfinite_fixtures.py).
// Issue 11: relu(NaN) was 0 on both backends, so a NaN input left a Linear→ReLU model as
// finite numbers. A NaN must stay NaN (and an infinity an infinity) wherever PyTorch keeps it.
import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import type { Tensor } from "../../src/index.js";
import { NABLA_OPS, rebuild, type FixtureTensor, type OpArgs, type OpCase } from "./op-table.js";

type Encoded = number | "nan" | "inf" | "-inf";
const decode = (v: Encoded): number => (v === "nan" ? NaN : v === "inf" ? Infinity : v === "-inf" ? -Infinity : v);
const decodeTensor = (t: { shape: number[]; data: Encoded[] }): FixtureTensor => ({ shape: t.shape, data: t.data.map(decode) });

interface RawCase extends Omit<OpCase, "inputs" | "out" | "weight" | "grads" | "index" | "args"> {
  args: Record<string, unknown>;
  inputs: { shape: number[]; data: Encoded[] }[];
  out: { shape: number[]; data: Encoded[] };
  index?: { shape: number[]; data: Encoded[] };
  weight?: { shape: number[]; data: Encoded[] };
  grads?: { shape: number[]; data: Encoded[] }[];
}

const raw = JSON.parse(readFileSync(new URL("../fixtures/ops-nonfinite.json", import.meta.url), "utf8")) as { cases: RawCase[] };

function assertSame(actual: Tensor, expected: FixtureTensor, rtol: number, what: string): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const got = (actual.reshape([-1]).toArray() as number[]);
  expected.data.forEach((e, i) => {
    const a = got[i]!;
    const ok = Number.isNaN(e) ? Number.isNaN(a) : !Number.isFinite(e) ? a === e : Math.abs(a - e) <= rtol * (1 + Math.abs(e));
    assert.ok(ok, `${what}: element ${i} is ${a}, PyTorch gives ${e}`);
  });
}

/** The ops of the fixture outside the op table: sign, and the NaN and infinity checks. */
const CHECKS: Record<string, (t: Tensor[], a: OpArgs) => Tensor> = {
  sign: (t) => t[0]!.sign(),
  ne: (t, a) => t[0]!.ne(t[1] ?? (a as { other: number }).other),
  isnan: (t) => t[0]!.isnan(),
  isinf: (t) => t[0]!.isinf(),
  isposinf: (t) => t[0]!.isposinf(),
  isneginf: (t) => t[0]!.isneginf(),
  isfinite: (t) => t[0]!.isfinite(),
  nanToNum: (t, a) => t[0]!.nanToNum(a as { nan?: number; posinf?: number; neginf?: number }),
  isclose: (t, a) => t[0]!.isclose(t[1]!, a as { rtol?: number; atol?: number; equalNan?: boolean }),
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`NaN and ±∞ vs PyTorch, ${dtype}`, () => {
    for (const c of raw.cases) {
      test(c.name, () => {
        const run = CHECKS[c.op] ?? NABLA_OPS[c.op]!;
        const args = Object.fromEntries(Object.entries(c.args).map(([k, v]) => [k, typeof v === "string" ? decode(v as Encoded) : v])) as OpArgs;
        const leaves = c.inputs.map((x) => rebuild(decodeTensor(x), dtype, true));
        const index = c.index === undefined ? [] : [rebuild(decodeTensor(c.index), dtype)];
        const out = run([...leaves, ...index], args);
        const rtol = dtype === "float64" ? 1e-9 : 2e-5;
        assertSame(out, decodeTensor(c.out), rtol, `${c.name} forward`);
        if (c.weight === undefined || c.grads === undefined) return;
        if (c.op === "sign") {
          // piecewise constant: no graph in nabla, zero gradients in PyTorch
          assert.ok(c.grads.every((g) => g.data.every((v) => v === 0)));
          return;
        }
        out.mul(rebuild(decodeTensor(c.weight), dtype)).sum().backward();
        c.grads.forEach((g, i) => assertSame(leaves[i]!.grad!, decodeTensor(g), rtol, `${c.name} grad of input ${i}`));
      });
    }
  });
}

test("the non-finite fixture covers every op of the table", () => {
  const covered = new Set(raw.cases.map((c) => c.op));
  for (const op of Object.keys(NABLA_OPS)) assert.ok(covered.has(op), `no NaN/inf case for ${op}`);
});

test("maximum and minimum with a number operand treat NaN as with a tensor operand (PyTorch takes only tensors)", async () => {
  const { tensor } = await import("../../src/index.js");
  const values = [NaN, Infinity, -Infinity, 0, 1, -1.5];
  for (const op of ["maximum", "minimum"] as const) {
    for (const s of [NaN, Infinity, 0, 1]) {
      const a = tensor(values, { requiresGrad: true });
      const b = tensor(values, { requiresGrad: true });
      const byNumber = a[op](s);
      const byTensor = b[op](tensor(s));
      byNumber.sum().backward();
      byTensor.sum().backward();
      assert.deepEqual(byNumber.toArray(), byTensor.toArray(), `${op}(x, ${s})`);
      assert.deepEqual(a.grad!.toArray(), b.grad!.toArray(), `${op}(x, ${s}) gradient`);
    }
  }
});
