import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { arange, einsum, tensor } from "../../src/index.js";

interface Fixture {
  shape: number[];
  data: number[];
}
import { OP_SUITES } from "./fixture-suites.js";
import { onWebGpu, webGpuOrSkip } from "./webgpu-available.js";

// The PyTorch fixture tables of test/ops (element-wise, math, reductions and sorts, views and
// indexing), forward and backward, in float32 on webgpu; the cases, their tolerances and why
// are in fixture-suites.ts, which test/browser/webgpu-suites.test.ts runs in Chromium too.

const gpu = await webGpuOrSkip();
const skip = typeof gpu === "string" ? gpu : false;

for (const suite of OP_SUITES) {
  test(`webgpu: ${suite.title}`, { skip }, async () => assert.deepEqual(await onWebGpu(suite.run), []));
}

test("webgpu: advanced indexing and indexPut_ by index tensors and arrays of booleans; a bool mask tensor is an error naming nonzero", { skip }, async () =>
  onWebGpu(async () => {
    const x = arange(6).reshape([2, 3]);
    assert.deepEqual(await x.index(":", tensor([2, -3], { dtype: "int32" })).array(), [[2, 0], [5, 3]]);
    assert.deepEqual(await x.index([false, true]).array(), [[3, 4, 5]]);
    // x[:, [2, 0]] = 9, then index_put_ with accumulate at a repeated position
    const y = arange(6).reshape([2, 3]).to("float32");
    y.indexPut_([":", [2, 0]], 9).indexPut_([[1, 1], [1, 1]], 0.5, { accumulate: true });
    assert.deepEqual(await y.array(), [[9, 1, 9], [9, 5, 9]]);
    // an array is checked on the host, whatever the backend: 1.5 is not truncated to 1
    assert.throws(() => x.index([1.5]), /^Error: index: the array at position 0 holds 1\.5 at 0, not an integer$/);
    // the mask's true entries decide the result's size: a GPU would have to be waited for
    assert.throws(() => x.index(x.gt(2)), /^Error: nonzero: the webgpu backend reads tensor data asynchronously/);
  }));

test("webgpu: isnan, isinf, isfinite, ne, nanToNum and isclose find, replace and compare NaN and ±∞ (a GPU's comparisons must not assume them away)", { skip }, async () =>
  onWebGpu(async () => {
    const x = tensor([Number.NaN, Infinity, -Infinity, 1.5, 0, Number.NaN, 2, 3, 4]);
    assert.deepEqual(await x.isnan().array(), [true, false, false, false, false, true, false, false, false]);
    assert.deepEqual(await x.isinf().array(), [false, true, true, false, false, false, false, false, false]);
    assert.deepEqual(await x.isfinite().array(), [false, false, false, true, true, false, true, true, true]);
    assert.deepEqual(await x.ne(x).array(), [true, false, false, false, false, true, false, false, false]);
    assert.deepEqual(await x.nanToNum({ posinf: 9, neginf: -9 }).array(), [0, 9, -9, 1.5, 0, 0, 2, 3, 4]);
    // ±∞ is close only to itself, NaN to nothing (unless equalNan)
    const y = tensor([Number.NaN, Infinity, Infinity, 1.5000001, 0.1, 0, 2, 3, 4]);
    assert.deepEqual(await x.isclose(y).array(), [false, true, false, true, false, false, true, true, true]);
    assert.deepEqual(await x.isclose(y, { equalNan: true }).array(), [true, true, false, true, false, false, true, true, true]);
  }));

test("webgpu: einsum matches PyTorch's values and gradients on every case of test/fixtures/einsum.json (float32)", { skip }, async () =>
  onWebGpu(async () => {
    const fixture = JSON.parse(readFileSync(new URL("../fixtures/einsum.json", import.meta.url), "utf8")) as { cases: { equation: string; operands: Fixture[]; out: Fixture; weight: Fixture; grads: Fixture[] }[] };
    const onDevice = (t: Fixture, requiresGrad = false) => tensor(t.data, { shape: t.shape, requiresGrad });
    const close = (got: number[], want: number[], what: string) => want.forEach((w, i) => assert.ok(Math.abs(got[i]! - w) <= 1e-4 * (1 + Math.abs(w)), `${what}: element ${i} is ${got[i]}, PyTorch gives ${w}`));
    for (const c of fixture.cases) {
      const operands = c.operands.map((x) => onDevice(x, true));
      const out = einsum(c.equation, ...operands);
      close(Array.from(await out.data()), c.out.data, `${c.equation} forward`);
      out.mul(onDevice(c.weight)).sum().backward();
      for (let i = 0; i < operands.length; i++) close(Array.from(await operands[i]!.grad!.data()), c.grads[i]!.data, `${c.equation} grad ${i}`);
    }
  }));
