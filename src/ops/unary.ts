/**
 * Element-wise primitives of one argument. Each forward kernel call sits next to its backward
 * rule; the comment above each rule is the derivative it implements.
 */
import type { UnaryOp } from "../backend/backend.js";
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { isFloatingPoint } from "../tensor/dtype.js";
import { indicator, rsub } from "./binary.js";

function apply(op: UnaryOp, x: Tensor): Tensor {
  const y = emptyLike(x);
  x.backend.unary(op, x.dataRef(), y.storage.ref);
  return y;
}

/** Integer and bool inputs of a real function (exp, log, …) compute in float32, as PyTorch's do. */
function real(x: Tensor): Tensor {
  return isFloatingPoint(x.dtype) ? x : x.to("float32");
}

export function neg(x: Tensor): Tensor {
  if (x.dtype === "bool") throw new Error("neg: negating a bool tensor is not supported (PyTorch neither); use logicalNot");
  const y = apply("neg", x);
  // d(-x)/dx = -1
  return record(y, "neg", [x], (dy) => [dy.neg()]);
}

export function exp(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("exp", x);
  // d(e^x)/dx = e^x
  return record(y, "exp", [x], (dy) => [dy.mul(y)]);
}

export function log(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("log", x);
  // d(ln x)/dx = 1/x
  return record(y, "log", [x], (dy) => [dy.div(x)]);
}

export function sqrt(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("sqrt", x);
  // d(√x)/dx = 1/(2√x)
  return record(y, "sqrt", [x], (dy) => [dy.div(y.mul(2))]);
}

export function abs(x: Tensor): Tensor {
  const y = apply("abs", x);
  // d|x|/dx = sign(x) (0 at 0, as PyTorch)
  return record(y, "abs", [x], (dy) => [dy.mul(apply("sign", x))]);
}

/** sign(x) ∈ {-1, 0, 1}; piecewise constant, so it carries no gradient. */
export function sign(x: Tensor): Tensor {
  return apply("sign", x);
}

export function relu(x: Tensor): Tensor {
  const y = apply("relu", x);
  // d relu(x)/dx = 1[x > 0]
  return record(y, "relu", [x], (dy) => [dy.mul(apply("step", x))]);
}

export function sigmoid(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("sigmoid", x);
  // dσ(x)/dx = σ(x)(1 − σ(x)); computed from σ itself, so it stays finite for |x| = 1000
  return record(y, "sigmoid", [x], (dy) => [dy.mul(y.mul(rsub(1, y)))]);
}

export function tanh(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("tanh", x);
  // d tanh(x)/dx = 1 − tanh²(x)
  return record(y, "tanh", [x], (dy) => [dy.mul(rsub(1, y.mul(y)))]);
}

export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  if (Number.isNaN(lo) || Number.isNaN(hi) || lo > hi) throw new Error(`clamp: invalid bounds min=${lo}, max=${hi}`);
  const y = emptyLike(x);
  x.backend.clamp(x.dataRef(), lo, hi, y.storage.ref);
  // d clamp(x)/dx = 1 where x was kept (bounds included, as PyTorch), 0 where it was cut
  return record(y, "clamp", [x], (dy) => [dy.mul(indicator("eq", x, y))]);
}
