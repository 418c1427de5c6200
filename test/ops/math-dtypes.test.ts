import { backendUnderTest } from "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, tensor, type Tensor } from "../../src/index.js";
import { activeBackend } from "../../src/backend/registry.js";
import type { Backend } from "../../src/backend/backend.js";

test("logical ops take bool, integer and float tensors (and numbers) and return bool, as PyTorch", () => {
  const a = tensor([true, false, true, false]);
  const b = tensor([true, true, false, false]);
  assert.deepEqual(a.logicalAnd(b).toArray(), [true, false, false, false]);
  assert.deepEqual(a.logicalOr(b).toArray(), [true, true, true, false]);
  assert.deepEqual(a.logicalXor(b).toArray(), [false, true, true, false]);
  assert.deepEqual(a.logicalNot().toArray(), [false, true, false, true]);
  for (const out of [a.logicalAnd(b), a.logicalNot(), tensor([0, 2], { dtype: "int32" }).logicalOr(0), tensor([0.5, 0]).logicalXor(tensor([1, 1], { dtype: "int32" }))]) {
    assert.equal(out.dtype, "bool");
  }
  // 0.5 stays true: an int32 tensor with a fractional number compares in float32, not truncated
  assert.deepEqual(tensor([0, 3], { dtype: "int32" }).logicalAnd(0.5).toArray(), [false, true]);
  assert.deepEqual(tensor([Number.NaN, 0]).logicalNot().toArray(), [false, true]);
});

test("integer inputs of the real functions compute in float32; rounding and remainder keep int32", () => {
  const i = tensor([1, 2, -3], { dtype: "int32" });
  for (const out of [i.sin(), i.cos(), i.tan(), i.erf(), i.log1p(), i.expm1(), i.log2(), i.reciprocal(), i.rsqrt(), i.atan2(2)]) {
    assert.equal(out.dtype, "float32");
  }
  assert.deepEqual(i.reciprocal().toArray(), [1, 0.5, -0.3333333432674408]);
  for (const out of [i.floor(), i.ceil(), i.round(), i.trunc(), i.sign(), i.remainder(2)]) assert.equal(out.dtype, "int32");
  assert.deepEqual(i.remainder(2).toArray(), [1, 0, 1]);
  assert.deepEqual(i.remainder(-2).toArray(), [-1, 0, -1]);
  assert.deepEqual(i.remainder(tensor([2, 3, 2], { dtype: "int32" })).toArray(), [1, 2, 1]);
  // a fractional number widens int32 to float32, as PyTorch's result_type
  assert.deepEqual(i.remainder(1.5).toArray(), [1, 0.5, -0]); // -0 as PyTorch (fmod(-3, 1.5))
  assert.equal(i.remainder(1.5).dtype, "float32");
});

test("activations refuse integer tensors with an error naming the op and the dtype", () => {
  const i = tensor([1, 2], { dtype: "int32" });
  const calls: [string, (x: Tensor) => Tensor][] = [
    ["leakyRelu", (x) => x.leakyRelu()],
    ["elu", (x) => x.elu()],
    ["gelu", (x) => nn.functional.gelu(x)],
    ["silu", (x) => x.silu()],
    ["softplus", (x) => x.softplus()],
    ["hardtanh", (x) => x.hardtanh()],
    ["logSigmoid", (x) => x.logSigmoid()],
  ];
  for (const [name, call] of calls) assert.throws(() => call(i), new RegExp(`${name}: expected a floating-point tensor .*got int32`), name);
});

test("bad activation parameters are named", () => {
  const x = tensor([1, 2]);
  assert.throws(() => x.leakyRelu(Number.NaN), /leakyRelu: negativeSlope must be a number, got NaN/);
  assert.throws(() => x.softplus(1, "20" as unknown as number), /softplus: threshold must be a number, got 20/);
  assert.throws(() => x.gelu("fast" as "tanh"), /gelu: approximate must be "none" or "tanh", got "fast"/);
});

/** Counts the backend's allocate and fromValues calls while `run` runs. */
function bufferCalls(run: () => void): { allocate: number; fromValues: number } {
  const backend = activeBackend() as Backend & Record<string, unknown>;
  const counts = { allocate: 0, fromValues: 0 };
  const originals = { allocate: backend.allocate, fromValues: backend.fromValues };
  backend.allocate = (...args) => (counts.allocate++, originals.allocate.apply(backend, args));
  backend.fromValues = (...args) => (counts.fromValues++, originals.fromValues.apply(backend, args));
  try {
    run();
  } finally {
    backend.allocate = originals.allocate;
    backend.fromValues = originals.fromValues;
  }
  return counts;
}

test(`a number operand reaches the kernel as a number: no buffer is made for it (${backendUnderTest})`, () => {
  for (const n of [4, 1000]) {
    const x = tensor(Array.from({ length: n }, (_, i) => i - 2));
    const ops: [string, () => unknown][] = [
      ["add", () => x.add(2)],
      ["sub", () => x.sub(0.5)],
      ["mul", () => x.mul(3)],
      ["div", () => x.div(4)],
      ["pow", () => x.pow(2)],
      ["maximum", () => x.maximum(0)],
      ["gt", () => x.gt(1)],
      ["remainder", () => x.remainder(3)],
      ["atan2", () => x.atan2(1)],
      ["logicalAnd", () => x.logicalAnd(1)],
    ];
    for (const [name, run] of ops) assert.deepEqual(bufferCalls(run), { allocate: 1, fromValues: 0 }, `${name}, ${n} elements: only the output`);
    const y = tensor(Array.from({ length: n }, () => 1));
    for (const [name, run] of [["add_", () => y.add_(1)], ["mul_", () => y.mul_(0.5)], ["sub_ with alpha", () => y.sub_(1, 2)], ["div_", () => y.div_(2)]] as const) {
      assert.deepEqual(bufferCalls(run), { allocate: 0, fromValues: 0 }, `${name}, ${n} elements: in place`);
    }
  }
});
