import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { manualSeed, noGrad, rand, randn, tensor, zeros, type Tensor } from "../../src/index.js";

// What the PyTorch fixture cannot show: errors, result types, empty tensors, sizes past the
// WebAssembly backend's small-tensor cut-off, and agreement with plain loops on larger data.

const errors: [string, () => unknown, RegExp][] = [
  ["max dim", () => zeros([2, 3]).max(2), /^max: dim 2 is out of range for a tensor of 2 dimensions/],
  ["min dim", () => zeros([2, 3]).min(-3), /^min: dim -3 is out of range/],
  ["max of empty", () => zeros([0, 3]).max(), /^max: cannot reduce an empty tensor \[0,3\] over every dim/],
  ["max along an empty dim", () => zeros([0, 3]).max(0), /^max: cannot reduce dim 0 of \[0,3\]: it is empty$/],
  ["amin along an empty dim", () => zeros([2, 0]).amin([1]), /^amin: cannot reduce dim 1 of \[2,0\]: it is empty$/],
  ["argmin of empty", () => zeros([0]).argmin(), /^argmin: cannot take the argmin of an empty tensor \[0\]$/],
  ["argmin dim", () => zeros([2]).argmin(1), /^argmin: dim 1 is out of range/],
  ["amax repeated dim", () => zeros([2, 3]).amax([1, -1]), /^amax: dim 1 appears more than once in \[1,-1\]$/],
  ["prod dim", () => zeros([2, 3]).prod(5), /^prod: dim 5 is out of range/],
  ["var dim", () => zeros([2, 3]).var([0, 2]), /^var: dim 2 is out of range/],
  ["var correction", () => zeros([2, 3]).var(0, { correction: -1 }), /^var: correction must be a finite number ≥ 0, got -1$/],
  ["std correction", () => zeros([2, 3]).std(0, { correction: NaN }), /^std: correction must be a finite number ≥ 0, got NaN$/],
  ["logsumexp dim", () => zeros([2, 3]).logsumexp(2), /^logsumexp: dim 2 is out of range/],
  ["norm p", () => zeros([2, 3]).norm(3), /^norm: p=3 is not supported \(use 1, 2 or Infinity\)$/],
  ["norm dim", () => zeros([2, 3]).norm(2, -3), /^norm: dim -3 is out of range/],
  ["cumsum dim", () => zeros([2, 3]).cumsum(2), /^cumsum: dim 2 is out of range/],
  ["all dim", () => zeros([2, 3]).all(2), /^all: dim 2 is out of range/],
  ["any dim", () => zeros([2, 3]).any(-3), /^any: dim -3 is out of range/],
  ["sort dim", () => zeros([2, 3]).sort(2), /^sort: dim 2 is out of range/],
  ["argsort dim", () => zeros([2, 3]).argsort(-3), /^argsort: dim -3 is out of range/],
  ["topk k too large", () => zeros([2, 3]).topk(4), /^topk: k=4 is out of range for dim -1 of size 3 \(shape \[2,3\]\); expected an integer in \[0, 3\]$/],
  ["topk negative k", () => zeros([2, 3]).topk(-1, 0), /^topk: k=-1 is out of range for dim 0 of size 2/],
  ["topk fractional k", () => zeros([2, 3]).topk(1.5), /^topk: k=1.5 is out of range/],
];
for (const [name, run, message] of errors) {
  test(`error: ${name}`, () => {
    assert.throws(run, (error: unknown) => error instanceof Error && message.test(error.message));
  });
}

test("max(dim) and min(dim) read as { values, indices } and destructure like PyTorch's tuple", () => {
  const x = tensor([[1, 5, 2], [7, 0, 3]]);
  const result = x.max(1);
  const [values, indices] = result;
  assert.equal(values, result.values);
  assert.equal(indices, result.indices);
  assert.deepEqual(values!.toArray(), [5, 7]);
  assert.deepEqual(indices!.toArray(), [1, 0]);
  // indices are int32 (PyTorch: int64), whatever x's dtype
  assert.equal(tensor([1, 2], { dtype: "float64" }).min(0).indices.dtype, "int32");
  assert.equal(tensor([1, 2], { dtype: "float64" }).sort().indices.dtype, "int32");
  assert.equal(tensor([1, 2]).topk(1).indices.dtype, "int32");
  assert.equal(tensor([1, 2]).argsort().dtype, "int32");
  assert.equal(tensor([1, 2]).argmin().dtype, "int32");
  assert.equal(tensor([1, 2], { dtype: "float64" }).sort().values.dtype, "float64");
  assert.deepEqual(x.max(0, true).values.shape, [1, 3]);
  assert.deepEqual(tensor(4).max(0).values.toArray(), 4);
  assert.deepEqual(tensor(4).min(-1).indices.toArray(), 0);
});

test("max(dim) sends the gradient to the returned index, amax shares it among ties", () => {
  const x = tensor([[2, 2, 1]], { requiresGrad: true });
  x.max(1).values.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[1, 0, 0]]);
  const y = tensor([[2, 2, 1]], { requiresGrad: true });
  y.amax(1).sum().backward();
  assert.deepEqual(y.grad!.toArray(), [[0.5, 0.5, 0]]);
});

test("reductions over empty dims give PyTorch's identities; a non-empty dim of an empty tensor is fine", () => {
  assert.deepEqual(zeros([2, 0]).prod(1).toArray(), [1, 1]);
  assert.deepEqual(zeros([2, 0]).all(1).toArray(), [true, true]);
  assert.deepEqual(zeros([2, 0]).any(1).toArray(), [false, false]);
  assert.deepEqual(zeros([2, 0]).logsumexp(1).toArray(), [-Infinity, -Infinity]);
  assert.deepEqual(zeros([2, 0]).norm(Infinity, 1).toArray(), [0, 0]);
  assert.deepEqual(zeros([2, 0]).cumsum(1).shape, [2, 0]);
  assert.deepEqual(zeros([0, 3]).max(1).values.shape, [0]);
  assert.deepEqual(zeros([2, 0]).sort(1).values.shape, [2, 0]);
  assert.deepEqual(zeros([3]).topk(0).values.shape, [0]);
  // a single element has no unbiased variance: 0/0, as PyTorch
  assert.ok(Number.isNaN(tensor([1]).var().item()));
});

test("var and std take PyTorch's positional (unbiased, keepdim) or { correction, keepdim }", () => {
  const x = tensor([[1, 2, 3, 4], [2, 2, 2, 2]]);
  assertClose(x.var(1), [5 / 3, 0]);
  assertClose(x.var(1, true), [5 / 3, 0]);
  assertClose(x.var(1, false), [1.25, 0]);
  assertClose(x.var(1, { correction: 0 }), [1.25, 0]);
  assertClose(x.var(1, false, true), [[1.25], [0]]);
  assertClose(x.std(1, true, true), [[Math.sqrt(5 / 3)], [0]]);
  assertClose(x.var(1, { keepdim: true }), [[5 / 3], [0]]);
  // mean 2.25; squared deviations 1.5625 + 0.0625 + 0.5625 + 3.0625 + 4 · 0.0625 = 5.5 over 8 − 1
  assertClose(x.std(null, { keepdim: true }), [[Math.sqrt(5.5 / 7)]], 1e-6, 1e-6);
});

test("logsumexp stays finite for large and very negative logits", () => {
  assertClose(tensor([1000, 1000]).logsumexp(0), 1000 + Math.log(2), 1e-3, 0);
  assertClose(tensor([-1000, -1000], { dtype: "float64" }).logsumexp(0), -1000 + Math.log(2), 1e-9, 0);
  assert.equal(tensor([-Infinity, -Infinity]).logsumexp(0).item(), -Infinity);
  assert.equal(tensor([Infinity, 1]).logsumexp(0).item(), Infinity);
  // the same past the WebAssembly backend's small-tensor cut-off (it composes its own kernels there)
  const rows = [Array(40).fill(-Infinity), [Infinity, ...Array(39).fill(1)], [NaN, ...Array(39).fill(1)], Array(40).fill(1000)];
  const out = tensor(rows).logsumexp(1).toArray() as number[];
  assert.deepEqual(out.slice(0, 3), [-Infinity, Infinity, NaN]);
  assertClose([out[3]!], [1000 + Math.log(40)], 1e-3, 0);
});

// Large enough for the WebAssembly backend's kernels (it hands small tensors to TypeScript).
function loopReduce(values: Float64Array, rows: number, cols: number, f: (row: number[]) => number): number[] {
  const out: number[] = [];
  for (let r = 0; r < rows; r++) out.push(f(Array.from(values.subarray(r * cols, (r + 1) * cols))));
  return out;
}

test("large reductions agree with plain loops (past the WebAssembly backend's small-tensor cut-off)", () => {
  manualSeed(3);
  const rows = 64;
  const cols = 500;
  const x = randn([rows, cols], { dtype: "float64" });
  const data = x.toTypedArray() as Float64Array;
  const scaled = x.mul(0.05).add(1); // products of 500 terms near 1 stay finite
  const scaledData = scaled.toTypedArray() as Float64Array;
  assertClose(x.amax(1), loopReduce(data, rows, cols, (r) => Math.max(...r)), 0, 0);
  assertClose(x.amin(1), loopReduce(data, rows, cols, (r) => Math.min(...r)), 0, 0);
  assertClose(x.min(1).indices, loopReduce(data, rows, cols, (r) => r.indexOf(Math.min(...r))), 0, 0);
  assertClose(scaled.prod(1), loopReduce(scaledData, rows, cols, (r) => r.reduce((p, v) => p * v, 1)), 0, 1e-12);
  const mean = (r: number[]): number => r.reduce((s, v) => s + v, 0) / r.length;
  assertClose(x.var(1), loopReduce(data, rows, cols, (r) => r.reduce((s, v) => s + (v - mean(r)) ** 2, 0) / (cols - 1)), 1e-12, 1e-10);
  assertClose(x.logsumexp(1), loopReduce(data, rows, cols, (r) => Math.log(r.reduce((s, v) => s + Math.exp(v), 0))), 1e-12, 1e-10);
  assertClose(x.norm(2, 1), loopReduce(data, rows, cols, (r) => Math.hypot(...r)), 1e-12, 1e-10);
  const sums = x.cumsum(1).toTypedArray();
  for (const r of [0, 17, 63]) {
    let running = 0;
    for (let c = 0; c < cols; c++) running += data[r * cols + c]!;
    assert.ok(Math.abs(sums[r * cols + cols - 1]! - running) < 1e-10);
  }
  const sorted = x.sort(1, true).values.toTypedArray();
  for (const r of [0, 40]) assert.deepEqual(Array.from(sorted.subarray(r * cols, (r + 1) * cols)), Array.from(data.subarray(r * cols, (r + 1) * cols)).sort((a, b) => b - a));
});

test("topk returns the k largest in order, the k smallest with largest = false", () => {
  manualSeed(5);
  const x = rand([1000]);
  const all = Array.from(x.toTypedArray()).sort((a, b) => a - b);
  assert.deepEqual(Array.from(x.topk(5).values.toTypedArray()), all.slice(-5).reverse());
  assert.deepEqual(Array.from(x.topk(5, 0, false).values.toTypedArray()), all.slice(0, 5));
  const { values, indices } = x.topk(3);
  const picked = x.toTypedArray();
  indices.toTypedArray().forEach((at, j) => assert.equal(picked[at]!, values.toTypedArray()[j]!));
});

test("results are fresh tensors: writing into one leaves the input alone", () => {
  const x = tensor([[3, 1], [2, 4]]);
  for (const reduced of [x.amax(), x.prod([]), x.cumsum(0), x.sort(1).values, x.var([]), x.logsumexp([])]) {
    noGrad(() => reduced.fill_(9));
    assert.deepEqual(x.toArray(), [[3, 1], [2, 4]]);
  }
});

test("strided (expanded, transposed) inputs reduce and backpropagate like their contiguous copies", () => {
  const base = tensor([[3, -1, 2], [0.5, 4, -2]], { dtype: "float64" });
  const ops: [string, (t: Tensor) => Tensor][] = [
    ["max(dim)", (t) => t.max(0).values],
    ["amin", (t) => t.amin([0, 2])],
    ["prod", (t) => t.prod([0, 2])],
    ["var", (t) => t.var([0, 2])],
    ["logsumexp", (t) => t.logsumexp(1)],
    ["norm", (t) => t.norm(2, [0, 1])],
    ["cumsum", (t) => t.cumsum(0)],
    ["sort", (t) => t.sort(1).values],
    ["topk", (t) => t.topk(2, 0).values],
  ];
  for (const [name, op] of ops) {
    const a = base.clone().requiresGrad_();
    const b = base.clone().requiresGrad_();
    // a strided view: [2, 3] → expand to [4, 2, 3] → transpose to [2, 4, 3]
    const strided = a.expand([4, 2, 3]).transpose(0, 1);
    const dense = b.expand([4, 2, 3]).transpose(0, 1).contiguous().clone();
    const [outA, outB] = [op(strided), op(dense)];
    assertClose(outA, outB.toArray() as number[], 1e-12, 1e-12, `${name} forward`);
    outA.mul(outA.detach().add(1)).sum().backward();
    outB.mul(outB.detach().add(1)).sum().backward();
    assertClose(a.grad!, b.grad!.toArray(), 1e-12, 1e-12, `${name} grad`);
  }
});

test("integer and bool tensors: sorts and extremes keep the dtype, prod and cumsum of bool are int32, all/any give bool", () => {
  const ints = tensor([[3, -1, 7], [2, 2, -5]], { dtype: "int32" });
  const { values, indices } = ints.max(1);
  assert.equal(values.dtype, "int32");
  assert.deepEqual(values.toArray(), [7, 2]);
  assert.deepEqual(indices.toArray(), [2, 0]);
  assert.deepEqual(ints.sort(1, true).values.toArray(), [[7, 3, -1], [2, 2, -5]]);
  assert.deepEqual(ints.amin().toArray(), -5);
  assert.equal(ints.prod(1).dtype, "int32");
  assert.deepEqual(ints.prod(1).toArray(), [-21, -20]);
  assert.deepEqual(ints.cumsum(1).toArray(), [[3, 2, 9], [2, 4, -1]]);
  const flags = tensor([[true, false, true], [true, true, true]]);
  assert.equal(flags.cumsum(1).dtype, "int32");
  assert.deepEqual(flags.cumsum(1).toArray(), [[1, 1, 2], [1, 2, 3]]);
  assert.deepEqual(flags.prod(1).toArray(), [0, 1]);
  assert.deepEqual(flags.all(1).toArray(), [false, true]);
  assert.equal(ints.any().dtype, "bool");
  assert.equal(ints.any().item(), 1);
  for (const [name, run] of [["var", () => ints.var()], ["std", () => ints.std(0)], ["logsumexp", () => ints.logsumexp(1)], ["norm", () => ints.norm()]] as const) {
    assert.throws(run, new RegExp(`^Error: ${name}: expected a floating-point tensor \\(float32 or float64\\), got int32`));
  }
});

test("sums and maxima over axes of size 1 beside a longer one (a loss of shape [N, 1]): plain loops' values, PyTorch's signed zeros", () => {
  const column = tensor([[1.5], [-2], [4], [0.25]], { requiresGrad: true });
  assert.equal(column.sum().item(), 3.75);
  assert.deepEqual(column.sum([0, 1], true).shape, [1, 1]);
  assert.deepEqual(column.sum([1, 0], true).toArray(), [[3.75]]);
  assert.equal(column.mean().item(), 3.75 / 4);
  assert.equal(column.amax().item(), 4);
  assert.deepEqual(column.amax([0, 1], true).toArray(), [[4]]);
  column.mean().backward();
  assert.deepEqual(column.grad!.toArray(), [[0.25], [0.25], [0.25], [0.25]]);
  const row = tensor([[[3], [5]]]); // [1, 2, 1]: size-1 axes on both sides
  assert.equal(row.sum().item(), 8);
  assert.deepEqual(row.sum([0, 2]).toArray(), [3, 5]);
  // PyTorch sums from +0: tensor([[-0.], [-0.]]).sum() and .sum(1) are +0; amax over a size-1 axis keeps -0 and NaN
  const zeros = tensor([[-0], [-0]]);
  assert.ok(Object.is(zeros.sum().item(), 0));
  assert.ok((zeros.sum(1).toArray() as number[]).every((v) => Object.is(v, 0)));
  assert.ok(Object.is(tensor([[-0]]).sum().item(), 0));
  const extremes = tensor([[-0], [Number.NaN]]).amax(1).toArray() as number[];
  assert.ok(Object.is(extremes[0], -0) && Number.isNaN(extremes[1]));
});
