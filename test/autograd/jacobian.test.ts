import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { eye, jacobian, randn, tensor, Generator } from "../../src/index.js";

const generator = new Generator(11);
const opts = { dtype: "float64", generator } as const;

test("jacobian has shape [...f(x).shape, ...x.shape]: matrix input, vector output", () => {
  const W = randn([4, 6], opts);
  const x = randn([2, 3], opts);
  const J = jacobian((v) => W.matmul(v.reshape([6])), x);
  assert.deepEqual(J.shape, [4, 2, 3]);
  assertClose(J, W.reshape([4, 2, 3]).toArray(), 1e-12, 0);
});

test("jacobian shapes for matrix outputs, scalar outputs and scalar inputs", () => {
  const x = randn([3], opts);
  const outer = jacobian((v) => v.unsqueeze(1).mul(tensor([1, 2], { dtype: "float64" })), x); // y[i,j] = x_i·c_j
  assert.deepEqual(outer.shape, [3, 2, 3]);
  const expected = [0, 1, 2].map((i) => [1, 2].map((c) => [0, 1, 2].map((j) => (i === j ? c : 0))));
  assertClose(outer, expected, 1e-12, 0);

  const m = randn([2, 3], opts);
  const total = jacobian((v) => v.sum(), m);
  assert.deepEqual(total.shape, [2, 3]);
  assertClose(total, [[1, 1, 1], [1, 1, 1]], 0, 0);

  const scalar = jacobian((s) => s.mul(tensor([1, -2, 3], { dtype: "float64" })), tensor(0.5, { dtype: "float64" }));
  assert.deepEqual(scalar.shape, [3]);
  assertClose(scalar, [1, -2, 3], 0, 0);
});

test("jacobian of an element-wise map is diagonal: tanh' = 1 − tanh²", () => {
  const x = tensor([0.3, -1.2, 2.0], { dtype: "float64" });
  const t = x.tanh();
  const expected = eye(3, { dtype: "float64" }).mul(t.mul(t).neg().add(1));
  assertClose(jacobian((v) => v.tanh(), x), expected.toArray(), 1e-12, 0);
});

test("jacobian of a function that ignores x is zero; x itself is left untouched", () => {
  const x = tensor([1, 2], { dtype: "float64", requiresGrad: true });
  const J = jacobian(() => tensor([5, 6, 7], { dtype: "float64" }), x);
  assert.deepEqual(J.shape, [3, 2]);
  assertClose(J, [[0, 0], [0, 0], [0, 0]], 0, 0);
  jacobian((v) => v.mul(v), x);
  assert.equal(x.grad, null);
});
