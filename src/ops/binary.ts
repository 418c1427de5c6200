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

/** @internal x op y for operands of one dtype and shape, into a new tensor of that dtype (1/0 for predicates). */
export function apply(op: BinaryOp, x: Tensor, y: Tensor): Tensor {
  const out = emptyLike(x);
  x.backend.binary(op, x.view(), y.view(), x.shape, out.storage.ref);
  return out;
}

/** @internal x op s (s op x when `scalarFirst`): the number reaches the kernel as a number, in x's dtype. */
export function applyScalar(op: BinaryOp, x: Tensor, s: number, scalarFirst = false): Tensor {
  const out = emptyLike(x);
  x.backend.binaryScalar(op, x.view(), s, scalarFirst, x.shape, out.storage.ref);
  return out;
}

export function add(a: Tensor, b: Operand): Tensor {
  // d(x+s)/dx = 1
  if (typeof b === "number") return record(applyScalar("add", a, b), "add", [a], (dy) => [dy]);
  const [x, y] = align("add", a, b);
  // d(x+y)/dx = 1, d(x+y)/dy = 1
  return record(apply("add", x, y), "add", [x, y], (dy) => [dy, dy]);
}

export function sub(a: Tensor, b: Operand): Tensor {
  // d(x−s)/dx = 1
  if (typeof b === "number") return record(applyScalar("sub", a, b), "sub", [a], (dy) => [dy]);
  const [x, y] = align("sub", a, b);
  // d(x−y)/dx = 1, d(x−y)/dy = −1
  return record(apply("sub", x, y), "sub", [x, y], (dy) => [dy, y.requiresGrad ? dy.neg() : null]);
}

/** `value − x`: one op where `x.neg().add(value)` takes two (backward rules use 1 − y often). */
export function rsub(value: number, x: Tensor): Tensor {
  // d(s−x)/dx = −1
  return record(applyScalar("sub", x, value, true), "rsub", [x], (dy) => [dy.neg()]);
}

export function mul(a: Tensor, b: Operand): Tensor {
  // d(xs)/dx = s
  if (typeof b === "number") return record(applyScalar("mul", a, b), "mul", [a], (dy) => [dy.mul(b)]);
  const [x, y] = align("mul", a, b);
  // d(xy)/dx = y, d(xy)/dy = x
  return record(apply("mul", x, y), "mul", [x, y], (dy) => [x.requiresGrad ? dy.mul(y) : null, y.requiresGrad ? dy.mul(x) : null]);
}

export function div(a: Tensor, b: Operand): Tensor {
  // d(x/s)/dx = 1/s
  if (typeof b === "number") return record(applyScalar("div", a, b), "div", [a], (dy) => [dy.div(b)]);
  const [x, y] = align("div", a, b);
  const out = apply("div", x, y);
  // d(x/y)/dx = 1/y, d(x/y)/dy = −x/y² = −(x/y)/y
  return record(out, "div", [x, y], (dy) => [x.requiresGrad ? dy.div(y) : null, y.requiresGrad ? dy.mul(out).div(y).neg() : null]);
}

export function pow(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    // d(x^s)/dx = s·x^(s−1); 0 for s = 0 (as PyTorch, also at x = 0)
    return record(applyScalar("pow", a, b), "pow", [a], (dy) => [b === 0 ? zerosLike(dy) : dy.mul(pow(a, b - 1).mul(b))]);
  }
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
function winnerShare(op: "gt" | "lt", x: Tensor, y: Tensor | number): Tensor {
  if (typeof y === "number") return applyScalar(op, x, y).add(applyScalar("eq", x, y).mul(0.5));
  return apply(op, x, y).add(apply("eq", x, y).mul(0.5));
}

export function maximum(a: Tensor, b: Operand): Tensor {
  // d max(x,s)/dx = 1[x > s] (½ on a tie)
  if (typeof b === "number") return record(applyScalar("maximum", a, b), "maximum", [a], (dy) => [dy.mul(winnerShare("gt", a, b))]);
  const [x, y] = align("maximum", a, b);
  // d max(x,y)/dx = 1[x > y] (½ on ties), d/dy the rest
  return record(apply("maximum", x, y), "maximum", [x, y], (dy) => {
    const share = winnerShare("gt", x, y);
    return [dy.mul(share), dy.mul(rsub(1, share))];
  });
}

export function minimum(a: Tensor, b: Operand): Tensor {
  // d min(x,s)/dx = 1[x < s] (½ on a tie)
  if (typeof b === "number") return record(applyScalar("minimum", a, b), "minimum", [a], (dy) => [dy.mul(winnerShare("lt", a, b))]);
  const [x, y] = align("minimum", a, b);
  // d min(x,y)/dx = 1[x < y] (½ on ties), d/dy the rest
  return record(apply("minimum", x, y), "minimum", [x, y], (dy) => {
    const share = winnerShare("lt", x, y);
    return [dy.mul(share), dy.mul(rsub(1, share))];
  });
}

/**
 * 1 where the comparison or logical op holds, else 0 (a nonzero value, NaN included, is true);
 * no gradient flows through them.
 */
export function compare(op: "gt" | "ge" | "lt" | "le" | "eq" | "logicalAnd" | "logicalOr" | "logicalXor", a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") return applyScalar(op, a, b);
  const [x, y] = align(op, a, b);
  return apply(op, x, y);
}

/** Python's `a % b` (PyTorch's `remainder`): a − ⌊a/b⌋·b, with the sign of the divisor. Backs {@link Tensor.remainder}. */
export function remainder(a: Tensor, b: Operand): Tensor {
  // d rem(x,s)/dx = 1
  if (typeof b === "number") return record(applyScalar("remainder", a, b), "remainder", [a], (dy) => [dy]);
  const [x, y] = align("remainder", a, b);
  // d rem(x,y)/dx = 1, d rem(x,y)/dy = −⌊x/y⌋ (rounded as the remainder was, as PyTorch)
  return record(apply("remainder", x, y), "remainder", [x, y], (dy) => [dy, y.requiresGrad ? dy.mul(apply("floorDivide", x, y)).neg() : null]);
}

/** The angle of the point (b, a), in (−π, π] (PyTorch's `atan2`). Backs {@link Tensor.atan2}. */
export function atan2(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    // d atan2(x,s)/dx = s/(x² + s²)
    return record(applyScalar("atan2", a, b), "atan2", [a], (dy) => [dy.mul(b).div(a.mul(a).add(b * b))]);
  }
  const [x, y] = align("atan2", a, b);
  // d atan2(x,y)/dx = y/(x² + y²), d atan2(x,y)/dy = −x/(x² + y²)
  return record(apply("atan2", x, y), "atan2", [x, y], (dy) => {
    const r = x.mul(x).add(y.mul(y));
    return [x.requiresGrad ? dy.mul(y).div(r) : null, y.requiresGrad ? dy.mul(x).div(r).neg() : null];
  });
}

/** A tensor of zeros shaped like `like`: the gradient of a piecewise-constant op (NaN in dy does not leak through). */
export function zerosLike(like: Tensor): Tensor {
  const out = emptyLike(like);
  like.backend.fill(out.storage.ref, 0);
  return out;
}
