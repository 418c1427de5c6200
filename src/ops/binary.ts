/**
 * Element-wise primitives of two arguments. Broadcasting happens only through `expand` (whose
 * backward sums the gradient back), so no rule here thinks about shapes.
 */
import type { BinaryOp } from "../backend/backend.js";
import { record } from "../autograd/grad-fn.js";
import type { Operand, Tensor } from "../tensor/tensor.js";
import { broadcastShapes, shapesEqual } from "../tensor/shape.js";
import { emptyLike, toOperand } from "./operand.js";
import { expand } from "./movement.js";

/**
 * Brings both operands to one dtype and one broadcast shape. Promotion follows PyTorch: a 0-d
 * tensor, like a number, does not widen a tensor with dimensions (float32 [3] + float64 0-d
 * stays float32); otherwise float32 with float64 computes in float64.
 */
function align(op: string, a: Tensor, other: Operand): [Tensor, Tensor] {
  let x = a;
  let y = toOperand(op, other, a);
  if (x.dtype !== y.dtype) {
    const dtype = (x.ndim === 0) !== (y.ndim === 0) ? (x.ndim === 0 ? y.dtype : x.dtype) : "float64";
    x = x.to(dtype);
    y = y.to(dtype);
  }
  if (shapesEqual(x.shape, y.shape)) return [x, y];
  const shape = broadcastShapes(op, x.shape, y.shape);
  return [expand(x, shape), expand(y, shape)];
}

function apply(op: BinaryOp, x: Tensor, y: Tensor): Tensor {
  const out = emptyLike(x);
  x.backend.binary(op, x.view(), y.view(), x.shape, out.storage.ref);
  return out;
}

export function add(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("add", a, b);
  // d(x+y)/dx = 1, d(x+y)/dy = 1
  return record(apply("add", x, y), "add", [x, y], (dy) => [dy, dy]);
}

export function sub(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("sub", a, b);
  // d(x−y)/dx = 1, d(x−y)/dy = −1
  return record(apply("sub", x, y), "sub", [x, y], (dy) => [dy, y.requiresGrad ? dy.neg() : null]);
}

/** `value − x`: one op where `x.neg().add(value)` takes two (backward rules use 1 − y often). */
export function rsub(value: number, x: Tensor): Tensor {
  return sub(toOperand("sub", value, x), x);
}

export function mul(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("mul", a, b);
  // d(xy)/dx = y, d(xy)/dy = x
  return record(apply("mul", x, y), "mul", [x, y], (dy) => [x.requiresGrad ? dy.mul(y) : null, y.requiresGrad ? dy.mul(x) : null]);
}

export function div(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("div", a, b);
  const out = apply("div", x, y);
  // d(x/y)/dx = 1/y, d(x/y)/dy = −x/y² = −(x/y)/y
  return record(out, "div", [x, y], (dy) => [x.requiresGrad ? dy.div(y) : null, y.requiresGrad ? dy.mul(out).div(y).neg() : null]);
}

export function pow(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("pow", a, b);
  const out = apply("pow", x, y);
  // d(x^y)/dx = y·x^(y−1), d(x^y)/dy = x^y·ln x. At x = 0 both forms hit 0·∞ = NaN; as in
  // PyTorch, d/dx is 0 where y = 0 (x^(y−1) is replaced by x^0) and d/dy is 0 where x = 0
  // and y ≥ 0 (ln x is replaced by ln 1).
  return record(out, "pow", [x, y], (dy) => [
    x.requiresGrad ? dy.mul(y).mul(pow(x, y.sub(1).add(y.eq(0)))) : null,
    y.requiresGrad ? dy.mul(out).mul(x.add(x.eq(0).mul(y.ge(0))).log()) : null,
  ]);
}

/** Share of the gradient the first operand gets: 1 where it wins, ½ on ties (as PyTorch). */
function winnerShare(op: "gt" | "lt", x: Tensor, y: Tensor): Tensor {
  return apply(op, x, y).add(apply("eq", x, y).mul(0.5));
}

export function maximum(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("maximum", a, b);
  // d max(x,y)/dx = 1[x > y] (½ on ties), d/dy = 1[y > x]; where either is NaN (no order)
  // both get the whole gradient, as PyTorch's 1 − 1[x < y] − ½·1[x = y]
  return record(apply("maximum", x, y), "maximum", [x, y], (dy) => [dy.mul(rsub(1, winnerShare("lt", x, y))), dy.mul(rsub(1, winnerShare("gt", x, y)))]);
}

export function minimum(a: Tensor, b: Operand): Tensor {
  const [x, y] = align("minimum", a, b);
  // d min(x,y)/dx = 1[x < y] (½ on ties), d/dy = 1[y < x]; both get it all where either is NaN
  return record(apply("minimum", x, y), "minimum", [x, y], (dy) => [dy.mul(rsub(1, winnerShare("gt", x, y))), dy.mul(rsub(1, winnerShare("lt", x, y)))]);
}

/** 1 where the comparison holds, else 0; no gradient flows through a comparison. */
export function compare(op: "gt" | "ge" | "lt" | "le" | "eq", a: Tensor, b: Operand): Tensor {
  const [x, y] = align(op, a, b);
  return apply(op, x, y);
}
