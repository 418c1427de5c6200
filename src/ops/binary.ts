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
import { isFloatingPoint, operandDType, type DType } from "../tensor/dtype.js";

/**
 * Brings both operands to one dtype and one broadcast shape. Promotion follows PyTorch's
 * result_type (src/tensor/dtype.ts): a 0-d tensor or a number widens a tensor with dimensions
 * only across kinds (int32 [3] · 2.5 computes in float32, float32 [3] + float64 0-d stays
 * float32). `atLeast` raises the common dtype further (true division computes in floats).
 */
function align(op: string, a: Tensor, other: Tensor, atLeast?: DType): [Tensor, Tensor] {
  const operand = toOperand(op, other, a); // checks it is a tensor, on a's backend
  const dtype = operandDType(a, operand, atLeast);
  const x = a.dtype === dtype ? a : a.to(dtype);
  const y = operand.dtype === dtype ? operand : operand.to(dtype);
  if (shapesEqual(x.shape, y.shape)) return [x, y];
  const shape = broadcastShapes(op, x.shape, y.shape);
  return [expand(x, shape), expand(y, shape)];
}

/** @internal x op y for operands of one dtype and shape, into a new tensor of `dtype` (1/0 for predicates). */
export function apply(op: BinaryOp, x: Tensor, y: Tensor, dtype: DType = x.dtype): Tensor {
  const out = emptyLike(x, x.shape, dtype);
  x.backend.binary(op, x.stridedRef(), y.stridedRef(), x.shape, out.storage.ref);
  return out;
}

/**
 * `a` in the dtype it computes in with the number `s` (PyTorch's result_type: int32 · 2.5 is
 * float32, float32 · 2 stays float32), raised to at least `atLeast`.
 */
function scalarAlign(a: Tensor, s: number, atLeast?: DType): Tensor {
  const dtype = operandDType(a, s, atLeast);
  return a.dtype === dtype ? a : a.to(dtype);
}

/** @internal x op s (s op x when `scalarFirst`) into a new tensor of `dtype`: the number reaches the kernel as a number, in x's dtype. */
export function applyScalar(op: BinaryOp, x: Tensor, s: number, scalarFirst = false, dtype: DType = x.dtype): Tensor {
  const out = emptyLike(x, x.shape, dtype);
  x.backend.binaryScalar(op, x.stridedRef(), s, scalarFirst, x.shape, out.storage.ref);
  return out;
}

/** Operands of an op with no bool meaning: bool tensors compute as int32, as PyTorch's add/mul of a bool and a number do. */
function noBool(op: string, a: Tensor, b: Tensor): [Tensor, Tensor] {
  const [x, y] = align(op, a, b);
  return x.dtype === "bool" ? [x.to("int32"), y.to("int32")] : [x, y];
}

export function add(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d(x+s)/dx = 1
    return record(applyScalar("add", x, b), "add", [x], (dy) => [dy], b);
  }
  const [x, y] = align("add", a, b);
  if (x.dtype === "bool") return apply("maximum", x, y); // true + true stays true: a logical or, as PyTorch
  // d(x+y)/dx = 1, d(x+y)/dy = 1
  return record(apply("add", x, y), "add", [x, y], (dy) => [dy, dy]);
}

export function sub(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d(x−s)/dx = 1
    return record(applyScalar("sub", x, b), "sub", [x], (dy) => [dy], b);
  }
  const [x, y] = align("sub", a, b);
  if (x.dtype === "bool") throw new Error("sub: subtracting two bool tensors is not supported (PyTorch neither); use logicalXor, or convert with .int()");
  // d(x−y)/dx = 1, d(x−y)/dy = −1
  return record(apply("sub", x, y), "sub", [x, y], (dy) => [dy, y.requiresGrad ? dy.neg() : null]);
}

/** `value − x`: one op where `x.neg().add(value)` takes two (backward rules use 1 − y often). */
export function rsub(value: number, a: Tensor): Tensor {
  const x = scalarAlign(a, value);
  // d(s−x)/dx = −1
  return record(applyScalar("sub", x, value, true), "rsub", [x], (dy) => [dy.neg()], value);
}

export function mul(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d(xs)/dx = s
    return record(applyScalar("mul", x, b), "mul", [x], (dy) => [dy.mul(b)], b);
  }
  const [x, y] = align("mul", a, b);
  if (x.dtype === "bool") return apply("minimum", x, y); // a logical and, as PyTorch
  // d(xy)/dx = y, d(xy)/dy = x
  return record(apply("mul", x, y), "mul", [x, y], (dy) => [x.requiresGrad ? dy.mul(y) : null, y.requiresGrad ? dy.mul(x) : null]);
}

/** True division: integer and bool operands divide as float32 (PyTorch's `/`). */
export function div(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    // d(x/s)/dx = 1/s
    const x = scalarAlign(a, b, "float32");
    return record(applyScalar("div", x, b), "div", [x], (dy) => [dy.div(b)], b);
  }
  const [x, y] = align("div", a, b, "float32");
  const out = apply("div", x, y);
  // d(x/y)/dx = 1/y, d(x/y)/dy = −x/y² = −(x/y)/y
  return record(out, "div", [x, y], (dy) => [x.requiresGrad ? dy.div(y) : null, y.requiresGrad ? dy.mul(out).div(y).neg() : null]);
}

export function pow(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d(x^s)/dx = s·x^(s−1); 0 for s = 0 (as PyTorch, also at x = 0)
    return record(applyScalar("pow", x, b), "pow", [x], (dy) => [b === 0 ? zerosLike(dy) : dy.mul(pow(x, b - 1).mul(b))], b);
  }
  const [x, y] = noBool("pow", a, b);
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
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d max(x,s)/dx = 1[x > s] (½ on a tie); 1 where x or s is NaN, as the tensor form below
    return record(applyScalar("maximum", x, b), "maximum", [x], (dy) => [dy.mul(rsub(1, winnerShare("lt", x, b)))], b);
  }
  const [x, y] = align("maximum", a, b);
  // d max(x,y)/dx = 1[x > y] (½ on ties), d/dy = 1[y > x]; where either is NaN (no order)
  // both get the whole gradient, as PyTorch's 1 − 1[x < y] − ½·1[x = y]
  return record(apply("maximum", x, y), "maximum", [x, y], (dy) => [dy.mul(rsub(1, winnerShare("lt", x, y))), dy.mul(rsub(1, winnerShare("gt", x, y)))]);
}

export function minimum(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d min(x,s)/dx = 1[x < s] (½ on a tie); 1 where x or s is NaN, as the tensor form below
    return record(applyScalar("minimum", x, b), "minimum", [x], (dy) => [dy.mul(rsub(1, winnerShare("gt", x, b)))], b);
  }
  const [x, y] = align("minimum", a, b);
  // d min(x,y)/dx = 1[x < y] (½ on ties), d/dy = 1[y < x]; both get it all where either is NaN
  return record(apply("minimum", x, y), "minimum", [x, y], (dy) => [dy.mul(rsub(1, winnerShare("gt", x, y))), dy.mul(rsub(1, winnerShare("lt", x, y)))]);
}

/**
 * A bool tensor: true where the comparison or logical op holds (in the operands' common dtype;
 * a nonzero value, NaN included, is true); no gradient flows through it.
 */
export function compare(op: "gt" | "ge" | "lt" | "le" | "eq" | "logicalAnd" | "logicalOr" | "logicalXor", a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") return applyScalar(op, scalarAlign(a, b), b, false, "bool");
  const [x, y] = align(op, a, b);
  return apply(op, x, y, "bool");
}

/** @internal A comparison as 1 or 0 in the operands' float dtype, for backward rules that multiply by it. */
export function indicator(op: "gt" | "ge" | "lt" | "le" | "eq", a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    return applyScalar(op, x, b, false, isFloatingPoint(x.dtype) ? x.dtype : "float32");
  }
  const [x, y] = align(op, a, b);
  return apply(op, x, y, isFloatingPoint(x.dtype) ? x.dtype : "float32");
}

/** Python's `a % b` (PyTorch's `remainder`): a − ⌊a/b⌋·b, with the sign of the divisor. Backs {@link Tensor.remainder}. */
export function remainder(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b);
    // d rem(x,s)/dx = 1
    return record(applyScalar("remainder", x, b), "remainder", [x], (dy) => [dy], b);
  }
  const [x, y] = noBool("remainder", a, b);
  // d rem(x,y)/dx = 1, d rem(x,y)/dy = −⌊x/y⌋ (rounded as the remainder was, as PyTorch)
  return record(apply("remainder", x, y), "remainder", [x, y], (dy) => [dy, y.requiresGrad ? dy.mul(apply("floorDivide", x, y)).neg() : null]);
}

/** The angle of the point (b, a), in (−π, π] (PyTorch's `atan2`). Backs {@link Tensor.atan2}. */
export function atan2(a: Tensor, b: Operand): Tensor {
  if (typeof b === "number") {
    const x = scalarAlign(a, b, "float32");
    // d atan2(x,s)/dx = s/(x² + s²)
    return record(applyScalar("atan2", x, b), "atan2", [x], (dy) => [dy.mul(b).div(x.mul(x).add(b * b))], b);
  }
  const [x, y] = align("atan2", a, b, "float32");
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
