/**
 * Element-wise primitives of one argument. Each forward kernel call sits next to its backward
 * rule; the comment above each rule is the derivative it implements.
 */
import type { UnaryOp } from "../backend/backend.js";
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { isFloatingPoint } from "../tensor/dtype.js";
import { apply as applyBinary, indicator, rsub, zerosLike } from "./binary.js";
import { intoTemporary } from "./in-place.js";

/** @internal op(x) into a new tensor; `alpha`, `beta`: the op's parameters (op-table.ts). */
export function apply(op: UnaryOp, x: Tensor, alpha = 0, beta = 0): Tensor {
  const y = emptyLike(x);
  x.backend.unary(op, x.dataRef(), y.storage.ref, alpha, beta);
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

/** sign(x) ∈ {-1, 0, 1}; 0 at NaN, as PyTorch 1.13's (0 < x) − (x < 0). */
export function sign(x: Tensor): Tensor {
  // d sign(x)/dx = 0 (piecewise constant; recorded, as PyTorch does, so backward runs through it)
  return record(apply("sign", x), "sign", [x], (dy) => [zerosLike(dy)]);
}

export function relu(x: Tensor): Tensor {
  const y = apply("relu", x);
  // d relu(x)/dx = 1[x > 0]: dy where x > 0 (or NaN), else 0, in one pass
  return record(y, "relu", [x], (dy) => [applyBinary("reluGrad", x, dy)]);
}

export function sigmoid(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("sigmoid", x);
  // dσ(x)/dx = σ(x)(1 − σ(x)); computed from σ itself, so it stays finite for |x| = 1000
  // (in the buffer of 1 − σ: one buffer per step, not three)
  return record(y, "sigmoid", [x], (dy) => [intoTemporary("mul", intoTemporary("mul", rsub(1, y), y), dy)]);
}

export function tanh(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("tanh", x);
  // d tanh(x)/dx = 1 − tanh²(x)
  return record(y, "tanh", [x], (dy) => [dy.mul(rsub(1, y.mul(y)))]);
}

/** min(max(x, lo), hi), as PyTorch: with lo > hi every element (but NaN) becomes hi. */
export function clamp(x: Tensor, lo: number, hi: number): Tensor {
  if (Number.isNaN(lo) || Number.isNaN(hi)) throw new Error(`clamp: invalid bounds min=${lo}, max=${hi} (a bound is NaN)`);
  const y = emptyLike(x);
  x.backend.clamp(x.dataRef(), Math.min(lo, hi), hi, y.storage.ref);
  if (lo > hi) {
    // lo ≤ x ≤ hi holds nowhere: d clamp(x)/dx = 0 everywhere (PyTorch's mask, not dy·0, so NaN in dy stays out)
    return record(y, "clamp", [x], () => {
      const dx = emptyLike(x);
      x.backend.fill(dx.storage.ref, 0);
      return [dx];
    });
  }
  // d clamp(x)/dx = 1 where x was kept (bounds included, as PyTorch), 0 where it was cut
  return record(y, "clamp", [x], (dy) => [dy.mul(indicator("eq", x, y))]);
}

/** Sine (radians), element-wise. Backs {@link Tensor.sin}. */
export function sin(input: Tensor): Tensor {
  const x = real(input);
  // d sin x/dx = cos x
  return record(apply("sin", x), "sin", [x], (dy) => [dy.mul(apply("cos", x))]);
}

/** Cosine (radians), element-wise. Backs {@link Tensor.cos}. */
export function cos(input: Tensor): Tensor {
  const x = real(input);
  // d cos x/dx = −sin x
  return record(apply("cos", x), "cos", [x], (dy) => [dy.mul(apply("sin", x)).neg()]);
}

/** Tangent (radians), element-wise. Backs {@link Tensor.tan}. */
export function tan(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("tan", x);
  // d tan x/dx = 1 + tan²x
  return record(y, "tan", [x], (dy) => [dy.mul(y.mul(y).add(1))]);
}

/** The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, element-wise. Backs {@link Tensor.erf}. */
export function erf(input: Tensor): Tensor {
  const x = real(input);
  // d erf x/dx = 2/√π · e^(−x²)
  return record(apply("erf", x), "erf", [x], (dy) => [dy.mul(apply("exp", x.mul(x).neg()).mul(2 / Math.sqrt(Math.PI)))]);
}

/** ln(1 + x), accurate for small x. Backs {@link Tensor.log1p}. */
export function log1p(input: Tensor): Tensor {
  const x = real(input);
  // d ln(1 + x)/dx = 1/(1 + x)
  return record(apply("log1p", x), "log1p", [x], (dy) => [dy.div(x.add(1))]);
}

/** e^x − 1, accurate for small x. Backs {@link Tensor.expm1}. */
export function expm1(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("expm1", x);
  // d(e^x − 1)/dx = e^x = y + 1
  return record(y, "expm1", [x], (dy) => [dy.mul(y.add(1))]);
}

/** Base-2 logarithm. Backs {@link Tensor.log2}. */
export function log2(input: Tensor): Tensor {
  const x = real(input);
  // d log₂x/dx = 1/(x ln 2)
  return record(apply("log2", x), "log2", [x], (dy) => [dy.div(x.mul(Math.LN2))]);
}

/** 1/x, element-wise. Backs {@link Tensor.reciprocal}. */
export function reciprocal(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("reciprocal", x);
  // d(1/x)/dx = −1/x² = −y²
  return record(y, "reciprocal", [x], (dy) => [dy.mul(y.mul(y)).neg()]);
}

/** 1/√x, element-wise. Backs {@link Tensor.rsqrt}. */
export function rsqrt(input: Tensor): Tensor {
  const x = real(input);
  const y = apply("rsqrt", x);
  // d x^(−½)/dx = −½ x^(−3/2) = −½ y³
  return record(y, "rsqrt", [x], (dy) => [dy.mul(y.mul(y).mul(y)).mul(-0.5)]);
}

/** A rounding op: piecewise constant, so its gradient is 0 (recorded, as PyTorch does). */
function rounding(op: "floor" | "ceil" | "round" | "trunc", x: Tensor): Tensor {
  // d⌊x⌋/dx = 0 (and the same for ceil, round and trunc)
  return record(apply(op, x), op, [x], (dy) => [zerosLike(dy)]);
}

/** The largest integer ≤ x. Backs {@link Tensor.floor}. */
export function floor(x: Tensor): Tensor {
  return rounding("floor", x);
}

/** The smallest integer ≥ x. Backs {@link Tensor.ceil}. */
export function ceil(x: Tensor): Tensor {
  return rounding("ceil", x);
}

/** The nearest integer, halves to the even one (as PyTorch and NumPy; unlike `Math.round`). Backs {@link Tensor.round}. */
export function round(x: Tensor): Tensor {
  return rounding("round", x);
}

/** x rounded toward zero. Backs {@link Tensor.trunc}. */
export function trunc(x: Tensor): Tensor {
  return rounding("trunc", x);
}

/** A bool tensor: true where x is 0 (NaN counts as true). Not differentiable. Backs {@link Tensor.logicalNot}. */
export function logicalNot(x: Tensor): Tensor {
  const y = emptyLike(x, x.shape, "bool");
  x.backend.unary("logicalNot", x.dataRef(), y.storage.ref);
  return y;
}
