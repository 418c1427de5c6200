import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { noGrad, tensor, Tensor, type DType } from "../../src/index.js";
import { intoTemporary, scaleAddInPlace } from "../../src/ops/in-place.js";

// 6×7 = 42 elements: above the size where the wasm backend hands element-wise ops to the TS
// kernels, so its own kernels (which copy inputs first) are the ones tested; 2×3 covers the other path.
const SHAPES = [
  [6, 7],
  [2, 3],
];

function values(shape: number[], seed: number, dtype: DType = "float32", positive = false): Tensor {
  const n = shape.reduce((a, b) => a * b, 1);
  const flat = Array.from({ length: n }, (_, i) => (positive ? 1.5 + Math.cos(seed * 7 + i) : 3 * Math.sin(seed * 13 + i * 1.7)));
  return tensor(dtype === "float64" ? Float64Array.from(flat) : Float32Array.from(flat)).reshape(shape);
}

for (const dtype of ["float32", "float64"] as const) {
  for (const shape of SHAPES) {
    test(`${dtype} ${JSON.stringify(shape)}: in-place ops give exactly the out-of-place values`, () => {
      const x = values(shape, 1, dtype);
      const a = values(shape, 2, dtype);
      const b = values(shape, 3, dtype, true);
      // each pair runs the same kernels in the same order, so the results match bit for bit
      const cases: [string, Tensor, Tensor][] = [
        ["add_", x.clone().add_(a), x.add(a)],
        ["add_ alpha", x.clone().add_(a, -0.37), x.add(a.mul(-0.37))],
        ["sub_", x.clone().sub_(a), x.sub(a)],
        ["sub_ alpha", x.clone().sub_(a, 0.1), x.sub(a.mul(0.1))],
        ["mul_", x.clone().mul_(a), x.mul(a)],
        ["div_", x.clone().div_(b), x.div(b)],
        ["addcmul_", x.clone().addcmul_(a, b), x.add(a.mul(b))],
        ["addcmul_ value", x.clone().addcmul_(a, b, 0.001), x.add(a.mul(0.001).mul(b))],
        ["addcdiv_", x.clone().addcdiv_(a, b), x.add(a.div(b))],
        ["addcdiv_ value", x.clone().addcdiv_(a, b, -0.3), x.add(a.mul(-0.3).div(b))],
        ["sqrt_", b.clone().sqrt_(), b.sqrt()],
        ["fill_", x.clone().fill_(2.5), x.mul(0).add(2.5)],
        ["zero_", x.clone().zero_(), x.sub(x)],
      ];
      for (const [name, got, expected] of cases) {
        assert.equal(got.dtype, dtype, name);
        assert.deepEqual(got.toArray(), expected.toArray(), name);
      }
    });
  }
}

for (const dtype of ["float32", "float64"] as const) {
  for (const shape of SHAPES) {
    test(`${dtype} ${JSON.stringify(shape)}: scaleAddInPlace equals mul_ then add_ bit for bit, dense (one kernel) or broadcast`, () => {
      const x = values(shape, 7, dtype);
      const dense = values(shape, 8, dtype);
      const row = values([shape[1]!], 9, dtype);
      for (const [name, other] of [["dense", dense], ["row", row], ["transposed", values([shape[1]!, shape[0]!], 10, dtype).t()], ["number", 0.25]] as const) {
        const got = x.clone();
        scaleAddInPlace(got, 0.9, other, 0.1);
        assert.deepEqual(got.toArray(), x.clone().mul_(0.9).add_(other, 0.1).toArray(), name);
      }
      const self = x.clone();
      scaleAddInPlace(self, 0.5, self, 2); // the target as its own operand
      assert.deepEqual(self.toArray(), x.mul(0.5).add(x.mul(0.5).mul(2)).toArray());
    });
  }
}

test("scaleAddInPlace refuses what add_ refuses, naming the op", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => scaleAddInPlace(w, 0.9, tensor([1, 1]), 0.1), /add_: a tensor that requires grad/);
  assert.throws(() => scaleAddInPlace(tensor([1, 2]), 0.9, tensor([1, 2, 3]), 0.1), /add_: cannot broadcast \[3\] into \[2\]/);
  assert.throws(() => scaleAddInPlace(tensor([1, 2]), Number("x") as unknown as number & string, tensor([1, 2]), "a" as unknown as number), /add_: alpha must be a number/);
});

test("in-place methods return the target itself, so calls chain", () => {
  const x = tensor([1, 2]);
  assert.equal(x.mul_(2).add_(1), x);
  assert.deepEqual(x.toArray(), [3, 5]);
});

for (const shape of SHAPES) {
  test(`${JSON.stringify(shape)}: operands broadcast into the target's shape; numbers are scalars`, () => {
    const x = values(shape, 4);
    const row = values([shape[1]!], 5);
    const column = values([shape[0]!, 1], 6, "float32", true);
    assert.deepEqual(x.clone().add_(row, 2).toArray(), x.add(row.mul(2)).toArray());
    assert.deepEqual(x.clone().div_(column).toArray(), x.div(column).toArray());
    assert.deepEqual(x.clone().addcmul_(row, column, 0.5).toArray(), x.add(row.mul(0.5).mul(column)).toArray());
    assert.deepEqual(x.clone().mul_(tensor(3)).toArray(), x.mul(3).toArray());
    assert.deepEqual(x.clone().sub_(1.5, 2).toArray(), x.sub(3).toArray());
    assert.deepEqual(x.clone().addcdiv_(2, column, 3).toArray(), x.add(tensor(2).mul(3).div(column)).toArray());
  });
}

test("the target never broadcasts: an operand larger than it is an error naming op and shapes", () => {
  assert.throws(() => tensor([1, 2]).add_(tensor([1, 2, 3])), /^Error: add_: cannot broadcast \[3\] into \[2\]$/);
  assert.throws(() => tensor([1]).mul_(tensor([1, 2])), /mul_: cannot broadcast \[2\] into \[1\]/);
  assert.throws(() => tensor([1, 2]).sub_(tensor([[1, 2]])), /sub_: cannot broadcast \[1,2\] into \[2\]/);
  assert.throws(() => tensor([[1, 2]]).addcmul_(tensor([1, 2]), tensor([[1], [2]])), /addcmul_: cannot broadcast \[2,1\] into \[1,2\]/);
  assert.throws(() => tensor([1, 2]).addcdiv_(tensor([1, 2, 3]), tensor([1, 2])), /addcdiv_: cannot broadcast \[3\] into \[2\]/);
});

test("bad scalars are errors naming the op", () => {
  assert.throws(() => tensor([1]).add_(tensor([1]), "2" as unknown as number), /add_: alpha must be a number, got string/);
  assert.throws(() => tensor([1]).mul_("2" as unknown as number), /mul_: expected a Tensor or a number, got string/);
  assert.throws(() => tensor([1]).fill_(null as unknown as number), /fill_: value must be a number, got object/);
});

test("operands are converted to the target's dtype, which never changes", () => {
  const x32 = tensor([1, 2], { dtype: "float32" });
  x32.add_(tensor([0.1, 0.2], { dtype: "float64" }));
  assert.equal(x32.dtype, "float32");
  assert.deepEqual(x32.toArray(), [Math.fround(1 + Math.fround(0.1)), Math.fround(2 + Math.fround(0.2))]);
  const x64 = tensor([1, 2], { dtype: "float64" });
  x64.mul_(tensor([0.1, 3], { dtype: "float32" }));
  assert.equal(x64.dtype, "float64");
  assert.deepEqual(x64.toArray(), [Math.fround(0.1), 6]);
});

test("a tensor that requires grad is refused while recording, and updated under noGrad", () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => w.add_(1), /add_: a tensor that requires grad cannot be modified in place while recording.*noGrad/);
  assert.throws(() => w.mul(2).sqrt_(), /sqrt_: a tensor that requires grad/);
  noGrad(() => w.addcdiv_(tensor([2, 2]), tensor([4, 1]), -2));
  assert.deepEqual(w.toArray(), [0, -2]);
  assert.equal(w.gradFn, null);
});

test("in-place ops write through strided views into the tensor they view", () => {
  const m = tensor([
    [1, 2],
    [3, 4],
  ]);
  m.t().add_(tensor([10, 20])); // column j of the transpose is row j of m
  assert.deepEqual(m.toArray(), [[11, 12], [23, 24]]);
  m.select(1, 0).zero_();
  m.t().select(1, 1).mul_(2).sqrt_(); // row 1 of m
  assert.deepEqual(m.toArray(), [[0, 12], [0, Math.fround(Math.sqrt(48))]]);
  const x = tensor([1, 2, 3, 4, 5, 6]);
  x.slice(0, 1, null, 2).copy_(tensor([7, 8, 9]));
  x.narrow(0, 0, 2).addcmul_(tensor([1, 1]), tensor([2, 3]), 1).fill_(0);
  assert.deepEqual(x.toArray(), [0, 0, 3, 8, 5, 9]);
  // an operand aliasing the target through another layout reads the values from before the write
  const y = tensor([[1, 2], [3, 4]]);
  y.t().copy_(y);
  assert.deepEqual(y.toArray(), [[1, 3], [2, 4]]);
});

test("an expanded target (one element at several places) is refused, naming the op", () => {
  assert.throws(() => tensor([1]).expand([3]).zero_(), /^Error: zero_: the target \[3\] is an expanded view where more than one element refers to a single memory location; clone\(\) it before writing in place$/);
  assert.throws(() => tensor([[1, 2]]).expand([2, 2]).add_(1), /add_: the target \[2,2\] is an expanded view/);
  assert.throws(() => tensor([1]).expand([2]).copy_(tensor([1, 2])), /copy_: the target \[2\] is an expanded view/);
});

for (const shape of SHAPES) {
  test(`${JSON.stringify(shape)}: views of the same storage see the update and may be operands`, () => {
    const x = values(shape, 7);
    const flat = x.reshape([-1]);
    const before = x.clone();
    flat.mul_(2); // a reshape view writes the storage x reads
    assert.deepEqual(x.toArray(), before.mul(2).toArray());
    x.add_(x); // the same elements at the same indices
    assert.deepEqual(flat.toArray(), before.mul(4).reshape([-1]).toArray());
    const square = values([shape[0]!, shape[0]!], 8);
    // a transposed view reads elements the update has already overwritten, unless copied first
    const sum = square.clone();
    sum.add_(sum.t());
    assert.deepEqual(sum.toArray(), square.add(square.t()).toArray());
    const difference = square.clone();
    difference.sub_(difference.t(), 0.5);
    assert.deepEqual(difference.toArray(), square.sub(square.t().mul(0.5)).toArray());
    // one element of the target, broadcast (like PyTorch's x.div_(x[5])): read after it changed, unless copied
    const scaled = values(shape, 9);
    const element = new Tensor(scaled.storage, [], [], 5);
    const expected = scaled.div(scaled.reshape([-1]).gather(0, [5]).reshape([]));
    scaled.div_(element);
    assert.deepEqual(scaled.toArray(), expected.toArray());
  });
}

test("intoTemporary writes into the temporary only where nothing is recorded and the result keeps its shape and dtype", () => {
  for (const [rows, cols] of SHAPES) {
    const values = Array.from({ length: rows! * cols! }, (_, i) => i / 4 - 3);
    const other = tensor(values.map((v) => v * v + 0.5), { shape: [rows!, cols!] });
    for (const op of ["sub", "mul", "div"] as const) {
      const expected = tensor(values, { shape: [rows!, cols!] })[op](other).toArray();
      const temporary = tensor(values, { shape: [rows!, cols!] });
      const inPlace = noGrad(() => intoTemporary(op, temporary, other));
      assert.equal(inPlace, temporary, `${op}: no graph recorded, same shape and dtype: written in place`);
      assert.deepEqual(inPlace.toArray(), expected, `${op} in place`);
      // recording a graph: a new tensor, the graph kept, the temporary untouched
      const leaf = tensor(values.map((v) => v + 1), { shape: [rows!, cols!], requiresGrad: true });
      const recorded = intoTemporary(op, tensor(values, { shape: [rows!, cols!] }), leaf);
      assert.equal(recorded.requiresGrad, true, `${op} records`);
      // broadcasting to a larger shape, or another dtype: a new tensor
      const row = tensor(values.slice(0, cols!));
      const widened = noGrad(() => intoTemporary(op, row, other));
      assert.notEqual(widened, row);
      assert.deepEqual(widened.shape, [rows!, cols!]);
      assert.deepEqual(row.toArray(), values.slice(0, cols!).map((v) => Math.fround(v)));
      const double = tensor(values, { shape: [rows!, cols!], dtype: "float64" });
      const promoted = noGrad(() => intoTemporary(op, tensor(values, { shape: [rows!, cols!] }), double));
      assert.equal(promoted.dtype, "float64");
    }
  }
});
