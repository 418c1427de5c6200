import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { arange, cat, gradcheck, noGrad, oneHot, ones, pad, stack, tensor, where, zeros, type Tensor } from "../../src/index.js";

const matrix = (): Tensor => arange(12).reshape([3, 4]);

test("view ops share the input's storage: no copy, and a write through the view shows in the base", () => {
  const x = matrix();
  const views: [string, Tensor][] = [
    ["view", x.view([4, 3])],
    ["reshape", x.reshape([2, 6])],
    ["transpose", x.transpose(0, 1)],
    ["t", x.t()],
    ["permute", x.unsqueeze(0).permute([2, 0, 1])],
    ["expand", x.unsqueeze(0).expand([2, 3, 4])],
    ["unsqueeze", x.unsqueeze(-1)],
    ["squeeze", x.unsqueeze(1).squeeze(1)],
    ["flatten", x.flatten()],
    ["unflatten", x.unflatten(1, [2, 2])],
    ["narrow", x.narrow(1, 1, 2)],
    ["select", x.select(0, 1)],
    ["slice", x.slice(1, 0, null, 3)],
    ["index", x.index("...", null, "1::2")],
    ["split", x.split(2, 1)[1]!],
    ["chunk", x.chunk(3)[2]!],
    ["unbind", x.unbind(1)[3]!],
  ];
  for (const [name, v] of views) assert.equal(v.storage, x.storage, `${name} copied`);
  const base = zeros([3, 4]);
  base.index(1, "1:3").fill_(7);
  base.t().select(0, 0).add_(tensor([1, 2, 3])); // column 0
  base.view([12]).narrow(0, 11, 1).copy_(tensor([9]));
  base.unsqueeze(0).permute([2, 1, 0]).select(0, 3).select(1, 0).sub_(tensor([4])); // column 3
  assert.deepEqual(base.toArray(), [
    [1, 0, 0, -4],
    [2, 7, 7, -4],
    [3, 0, 0, 5],
  ]);
});

test("reshape copies only when the strides cannot express the shape; view refuses with PyTorch's hint", () => {
  const x = arange(24).reshape([2, 3, 4]);
  const t = x.transpose(1, 2); // [2, 4, 3]
  assert.equal(t.reshape([2, 12]).storage === x.storage, false);
  assert.deepEqual(t.reshape([2, 12]).toArray(), t.contiguous().view([2, 12]).toArray());
  assert.equal(t.reshape([2, 4, 3, 1]).storage, x.storage); // splitting axes never needs a copy
  assert.equal(x.permute([1, 0, 2]).reshape([3, 2, 2, 2]).storage, x.storage);
  assert.throws(() => t.view([2, 12]), /^Error: view: view size \[2,12\] is not compatible with the input's size \[2,4,3\] and strides \[12,1,4\] \(at least one dimension spans across two contiguous subspaces\); use reshape\(\.\.\.\) instead$/);
  assert.throws(() => x.view([5, -1]), /^Error: view: cannot reshape \[2,3,4\] \(24 elements\) into \[5,-1\]$/);
});

test("contiguous() returns the tensor itself when it is contiguous, else a copy with its own storage", () => {
  const x = matrix();
  assert.equal(x.contiguous(), x);
  const t = x.t();
  const c = t.contiguous();
  assert.notEqual(c.storage, x.storage);
  assert.deepEqual(c.toArray(), t.toArray());
  assert.notEqual(x.narrow(0, 1, 1).contiguous().storage, x.storage); // an offset view is copied
});

test("views of a tensor that requires grad pass gradients back to it, through several views and a write-free graph", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { requiresGrad: true });
  const y = x.t().index("1:", null).mul(tensor([[[1]], [[10]]])).sum();
  y.backward();
  assert.deepEqual(x.grad!.toArray(), [[0, 1, 10], [0, 1, 10]]);
  // an in-place write through a view of such a tensor is refused while recording, allowed under noGrad
  const w = tensor([1, 2, 3], { requiresGrad: true });
  assert.throws(() => w.narrow(0, 0, 2).add_(1), /add_: a tensor that requires grad cannot be modified in place/);
  noGrad(() => w.narrow(0, 0, 2).add_(1));
  assert.deepEqual(w.toArray(), [2, 3, 3]);
});

test("gradients through a slice followed by a gather", () => {
  const x = tensor([0.5, -1.2, 2, 0.3], { dtype: "float64", requiresGrad: true });
  const f = (v: Tensor): Tensor => v.narrow(0, 1, 3).pow(3).gather(0, [2, 0, 0]).sum();
  assert.equal(gradcheck(f, [x]), true);
  const y = f(x);
  y.backward();
  // f = x3³ + 2·x1³: f' = [0, 6·x1², 0, 3·x3²]
  assertClose(x.grad!, [0, 6 * 1.44, 0, 3 * 0.09], 1e-12, 1e-12);
});

test("scatter and scatterAdd with src larger than the index: src's gradient is zero outside the index (PyTorch 1.13 cannot compute it)", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64", requiresGrad: true });
  const src = tensor([[10, 20, 30], [40, 50, 60]], { dtype: "float64", requiresGrad: true });
  const out = x.scatter(1, [[2, 0]], src);
  assert.deepEqual(out.toArray(), [[20, 2, 10], [4, 5, 6]]);
  out.mul(tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64" })).sum().backward();
  assert.deepEqual(x.grad!.toArray(), [[0, 2, 0], [4, 5, 6]]);
  assert.deepEqual(src.grad!.toArray(), [[3, 1, 0], [0, 0, 0]]);
  assert.equal(gradcheck((a, b) => a.scatterAdd(0, [[1, 0], [1, 1]], b), [x, src]), true);
  assert.equal(gradcheck((a, b) => a.scatter(1, [[1], [0]], b), [x, src]), true);
});

test("where and maskedFill keep infinities and NaN of the unselected side out of the result and its gradient", () => {
  const scores = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const mask = tensor([[false, true], [false, false]]);
  const masked = scores.maskedFill(mask, -Infinity);
  assert.deepEqual(masked.toArray(), [[1, -Infinity], [3, 4]]);
  masked.softmax(-1).sum().backward();
  assert.ok(scores.grad!.toArray().toString().indexOf("NaN") < 0);
  const x = tensor([-1, 0, 4], { requiresGrad: true });
  const safe = where(x.gt(0), x, 1).log(); // log of the chosen side only
  assert.deepEqual(safe.toArray(), [0, 0, Math.fround(Math.log(4))]);
  safe.sum().backward();
  assert.deepEqual(x.grad!.toArray(), [0, 0, 0.25]);
  // a number and a 0-d tensor widen the dimensioned tensor's dtype only across kinds, as in PyTorch
  const c = tensor([true, false]);
  assert.equal(where(c, tensor([1, 2], { dtype: "float64" }), 0).dtype, "float64");
  assert.equal(where(c, tensor([1, 2]), tensor(0, { dtype: "float64" })).dtype, "float32");
  assert.equal(where(c, 1, 0).dtype, "int32");
  assert.equal(where(c, 1.5, 0).dtype, "float32");
  assert.equal(where(c, tensor([1, 2], { dtype: "int32" }), 0.5).dtype, "float32");
  assert.deepEqual(where(c, tensor([1, 2], { dtype: "int32" }), tensor([7, 8], { dtype: "int32" })).toArray(), [1, 8]);
  // maskedFill keeps the input's dtype
  assert.equal(tensor([1, 2], { dtype: "int32" }).maskedFill(c, 0.5).dtype, "int32");
});

test("pad: constant padding crops with negative amounts; reflect/replicate/circular are differentiable", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: "float64", requiresGrad: true });
  assert.deepEqual(pad(x, [-1, 1, 1, -1], "constant", 9).toArray(), [[9, 9, 9], [2, 3, 9]]);
  for (const mode of ["constant", "reflect", "replicate", "circular"] as const) {
    assert.equal(gradcheck((v) => pad(v, [2, 1], mode), [x]), true, mode);
  }
  assert.deepEqual(pad(tensor([1, 2, 3]), [2, 3], "circular").toArray(), [2, 3, 1, 2, 3, 1, 2, 3]);
});

test("cat promotes dtypes, skips 1-d empty tensors, and its gradient splits back", () => {
  const a = tensor([[1, 2]], { requiresGrad: true });
  const b = tensor([[3, 4]], { dtype: "float64" });
  const c = cat([a, zeros([0]), b]);
  assert.equal(c.dtype, "float64");
  assert.deepEqual(c.toArray(), [[1, 2], [3, 4]]);
  c.sum().backward();
  assert.deepEqual(a.grad!.toArray(), [[1, 1]]);
  assert.deepEqual(stack([ones([2]), zeros([2])], -1).toArray(), [[1, 0], [1, 0]]);
});

test("roll, repeat and tile return new storage even when nothing moves, like PyTorch", () => {
  const x = tensor([1, 2]);
  for (const y of [x.roll(0), x.roll(2), x.repeat([1]), x.tile([1])]) {
    assert.notEqual(y.storage, x.storage);
    assert.deepEqual(y.toArray(), [1, 2]);
  }
});

const errors: [string, () => unknown, RegExp][] = [
  ["index out of range", () => matrix().index(3), /^index: index 3 is out of range for dim 0 of size 3 in \[3,4\] \(expected an integer in \[-3, 2\]\)$/],
  ["index negative out of range", () => matrix().index(":", -5), /^index: index -5 is out of range for dim 1 of size 4/],
  ["too many indices", () => matrix().index(0, 0, 0), /^index: too many indices for a tensor of 2 dimensions \[3,4\]: 3 given$/],
  ["two ellipses", () => matrix().index("...", "..."), /^index: an index can only have a single ellipsis/],
  ["bad slice text", () => matrix().index("1:x"), /^index: cannot read "1:x" at position 0 as a slice/],
  ["slice step 0", () => matrix().index("::0"), /^index: slice step 0 must be a positive integer/],
  ["negative step", () => matrix().slice(0, null, null, -1), /^slice: slice step -1 must be a positive integer \(PyTorch has no negative steps; use flip\)$/],
  ["a list index out of range", () => matrix().index([0, 3]), /^index: index 3 is out of range for dim 0 of size 3 in \[3,4\]/],
  ["select out of range", () => matrix().select(1, 4), /^select: index 4 is out of range for dim 1 of size 4 in \[3,4\]/],
  ["select dim", () => matrix().select(2, 0), /^select: dim 2 is out of range/],
  ["narrow start", () => matrix().narrow(0, 4, 0), /^narrow: start 4 is out of range for dim 0 of size 3/],
  ["narrow length", () => matrix().narrow(1, 2, 3), /^narrow: start \(2\) \+ length \(3\) exceeds the size 4 of dim 1 of \[3,4\]$/],
  ["cat shapes", () => cat([zeros([2, 3]), zeros([2, 4]), zeros([3, 3])], 0), /^cat: sizes of tensors must match except in dim 0: tensor 1 has shape \[2,4\], tensor 0 has \[2,3\]$/],
  ["cat ranks", () => cat([zeros([2, 3]), zeros([3])], 1), /^cat: sizes of tensors must match except in dim 1: tensor 1 has shape \[3\]/],
  ["cat empty list", () => cat([]), /^cat: expected a non-empty list of tensors$/],
  ["cat dim", () => cat([zeros([2])], 1), /^cat: dim 1 is out of range/],
  ["stack shapes", () => stack([zeros([2]), zeros([3])]), /^stack: expects each tensor to be equal size, but got \[2\] at entry 0 and \[3\] at entry 1$/],
  ["split sizes", () => zeros([5]).split([2, 2]), /^split: split sizes \[2,2\] must be non-negative integers adding up to the size 5 of dim 0 of \[5\]$/],
  ["chunk count", () => zeros([5]).chunk(0), /^chunk: number of chunks 0 must be a positive integer$/],
  ["where condition dtype", () => where(zeros([2]), zeros([2]), 1), /^where: condition must be a bool tensor, got float32 \(a comparison such as x\.gt\(0\) makes one, or convert with \.bool\(\)\)$/],
  ["maskedFill mask dtype", () => zeros([2]).maskedFill(tensor([1, 0], { dtype: "int32" }), 1), /^maskedFill: mask must be a bool tensor, got int32/],
  ["where shapes", () => where(zeros([2, 3]).gt(0), zeros([4]), 1), /^where: cannot broadcast condition \[2,3\], input \[4\] and other \[\] to one shape$/],
  ["maskedFill mask", () => zeros([3]).maskedFill(zeros([2, 3]).gt(0), 1), /^maskedFill: mask \[2,3\] does not broadcast to the input's shape \[3\]$/],
  ["maskedFill value", () => zeros([3]).maskedFill(zeros([3]).gt(0), zeros([3])), /^maskedFill: value must be a number or a 0-d tensor, got a tensor of shape \[3\]$/],
  ["indexSelect range", () => matrix().indexSelect(1, [0, 4]), /^indexSelect: index 4 at position 1 is out of range \[0, 4\)$/],
  ["indexSelect 2-d", () => matrix().indexSelect(0, tensor([[0]])), /^indexSelect: index must be 1-d \(or 0-d\), got shape \[1,1\]$/],
  ["scatter src smaller", () => zeros([2, 3]).scatter(1, [[0, 1]], zeros([1, 1])), /^scatter: index \[1,2\] is larger than src \[1,1\] in dim 1$/],
  ["scatterAdd index range", () => zeros([2, 3]).scatterAdd(0, [[2, 0, 0]], ones([1, 3])), /^scatterAdd: index 2 at position 0 is out of range \[0, 2\)$/],
  ["flip repeated dim", () => matrix().flip([0, -2]), /^flip: dim 0 appears more than once/],
  ["roll lengths", () => matrix().roll([1, 2], [0]), /^roll: shifts \[1,2\] and dims \[0\] must have the same length$/],
  ["repeat too few", () => matrix().repeat([2]), /^repeat: the number of repeat dims \(1\) cannot be smaller than the tensor's number of dims \(2\) of \[3,4\]$/],
  ["tril 1-d", () => zeros([3]).tril(), /^tril: input must have at least 2 dims, got \[3\]$/],
  ["pad reflect too wide", () => pad(zeros([1, 3]), [3, 0], "reflect"), /^pad: reflect padding \(3, 0\) of dim 1 must be less than its size 3$/],
  ["pad odd length", () => pad(zeros([3]), [1]), /^pad: padding \[1\] must hold an even number of integers, at most 2 per dim of \[3\]$/],
  ["pad crop too much", () => pad(zeros([3]), [-2, -2]), /^pad: padding \(-2, -2\) of dim 0 would make its size 3 negative$/],
  ["oneHot range", () => oneHot([0, 3], 3), /^oneHot: index 3 is out of range for 3 classes$/],
  ["oneHot negative", () => oneHot([1, -1]), /^oneHot: index -1 at position 1 is not a non-negative integer$/],
  ["unflatten sizes", () => zeros([2, 6]).unflatten(1, [4, -1]), /^unflatten: sizes \[4,-1\] do not multiply to the size 6 of dim 1 of \[2,6\]$/],
];

for (const [name, run, message] of errors) {
  test(`error: ${name}`, () => {
    assert.throws(run, (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.match(error.message, message);
      return true;
    });
  });
}

test("index takes slices as Python text or as objects, and the defaults of slice() are the whole axis", () => {
  const x = arange(24).reshape([2, 3, 4]);
  assert.deepEqual(x.index(":", { start: 1, step: 2 }).toArray(), x.index(":", "1::2").toArray());
  assert.deepEqual(x.index({ end: -1 }, "...", { start: -2 }).toArray(), x.index(":-1", "...", "-2:").toArray());
  assert.deepEqual(x.slice(2).toArray(), x.toArray());
  assert.deepEqual(x.index().toArray(), x.toArray());
  assert.deepEqual(x.index("...").shape, [2, 3, 4]);
  assert.deepEqual(x.index(null, "...", null).shape, [1, 2, 3, 4, 1]);
  assert.deepEqual(x.index(1, 2, 3).shape, []);
  assert.equal(x.index(1, 2, 3).item(), 23);
});

test("indices may be int32 tensors, float tensors holding integers or arrays; a bool index is an error", () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  const forms: (Tensor | number[])[] = [tensor([2, 0], { dtype: "int32" }), tensor([2, 0]), [2, 0]];
  for (const index of forms) {
    assert.deepEqual(x.indexSelect(1, index).toArray(), [[3, 1], [6, 4]]);
    const rows = Array.isArray(index) ? [index] : index.reshape([1, 2]);
    assert.deepEqual(x.gather(1, rows).toArray(), [[3, 1]]);
    assert.deepEqual(x.scatter(1, rows, 0).toArray(), [[0, 2, 0], [4, 5, 6]]);
  }
  assert.throws(() => x.indexSelect(1, tensor([true, false])), /^Error: indexSelect: index must be an int32 tensor \(or integers\), got a bool tensor$/);
  assert.deepEqual(oneHot(tensor([1, 0], { dtype: "int32" })).dtype, "int32");
});

test("indexSelect copies whole blocks: long rows (a dataset's images) and short ones agree with gather over the repeated index, values and gradients", () => {
  // blocks of 1, 3, 40 and 300 values (300 takes the block-copy path), with repeats, outer 1 and 3
  const cases: [number[], number, number[]][] = [[[6, 300], 0, [5, 0, 5, 2]], [[3, 5, 300], 1, [4, 4, 1]], [[3, 5, 40], 1, [4, 1]], [[3, 5, 3], 1, [0, 2]], [[4, 7], 1, [6, 0, 6]]];
  for (const dtype of ["float32", "float64"] as const) {
    for (const [shape, dim, picks] of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      const data = Array.from({ length: size }, (_, i) => Math.sin(i) * 3);
      const [x, y] = [0, 1].map(() => tensor(data, { dtype }).reshape(shape).detach().requiresGrad_()) as [Tensor, Tensor];
      const selected = x.indexSelect(dim, picks);
      const full = tensor(picks, { dtype: "int32" })
        .reshape(shape.map((_, d) => (d === dim ? picks.length : 1)))
        .expand(shape.map((s, d) => (d === dim ? picks.length : s)));
      const gathered = y.gather(dim, full);
      const label = `${dtype} ${JSON.stringify(shape)} dim ${dim}`;
      assert.deepEqual(selected.shape, gathered.shape, label);
      assert.deepEqual(selected.toArray(), gathered.toArray(), label);
      const weight = tensor(Array.from({ length: selected.size }, (_, i) => (i % 7) - 3), { dtype }).reshape(selected.shape);
      selected.mul(weight).sum().backward();
      gathered.mul(weight).sum().backward();
      assert.deepEqual(x.grad!.toArray(), y.grad!.toArray(), `${label} gradient`);
    }
  }
  assert.deepEqual(tensor([[1, 2], [3, 4]]).indexSelect(0, []).shape, [0, 2], "an empty index");
});
