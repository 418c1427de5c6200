/** `where` (the select primitive) and `maskedFill`, which composes from it. */
import { record } from "../autograd/grad-fn.js";
import type { StridedRef } from "../backend/backend.js";
import { Tensor, type Operand } from "../tensor/tensor.js";
import { numberDType, resultType, type DType, type PromotionOperand } from "../tensor/dtype.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { emptyLike, onBackend } from "./operand.js";
import { expand } from "./movement.js";

/** The dtype `a` and `b` compute in: PyTorch's result_type (numbers and 0-d tensors widen only across kinds). */
function whereType(a: Operand, b: Operand): DType {
  return resultType(promotionOperand(a), promotionOperand(b));
}

// Helpers at module level, not closures in select: under tsx (the bench, tests) a named arrow
// function costs a defineProperty of its name on every call.
function promotionOperand(v: Operand): PromotionOperand {
  return typeof v === "number" ? { dtype: numberDType(v), ndim: 0, isNumber: true } : v;
}
function shapeOf(v: Tensor | number): readonly number[] {
  return typeof v === "number" ? [] : v.shape;
}
function read(v: Tensor | number): StridedRef | number {
  return typeof v === "number" ? v : v.stridedRef();
}

function checkBool(op: string, name: string, t: Tensor): void {
  if (t.dtype !== "bool") throw new Error(`${op}: ${name} must be a bool tensor, got ${t.dtype} (a comparison such as x.gt(0) makes one, or convert with .bool())`);
}

function broadcastThree(cond: readonly number[], a: readonly number[], b: readonly number[]): number[] | null {
  const ndim = Math.max(cond.length, a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < ndim; i++) {
    const sizes = [cond, a, b].map((s) => s[s.length - ndim + i] ?? 1);
    const size = Math.max(...sizes);
    if (sizes.some((s) => s !== 1 && s !== size)) return null;
    out.push(sizes.some((s) => s === 0) ? 0 : size);
  }
  return out;
}

/**
 * Element-wise selection: `a` where the bool `condition` holds, else `b` (PyTorch's
 * `torch.where(condition, a, b)`). The three broadcast together; `a` and `b` may be numbers,
 * and their dtypes promote as in arithmetic.
 * Differentiable in `a` and `b`: each gets the gradient where it was chosen.
 *
 * @example
 * ```ts
 * import { tensor, where } from "nabla";
 * const x = tensor([-1, 2, -3]);
 * console.log(where(x.gt(0), x, 0).toArray()); // [0, 2, 0]
 * ```
 */
export function where(condition: Tensor, a: Operand, b: Operand): Tensor {
  return select("where", condition, a, b, null);
}

/** `where` computing in `dtype` (maskedFill keeps the input's), or in the promoted type. */
function select(op: string, condition: Tensor, a: Operand, b: Operand, resultDType: DType | null): Tensor {
  if (!(condition instanceof Tensor)) throw new Error(`${op}: condition must be a Tensor, got ${typeof condition}`);
  checkBool(op, op === "where" ? "condition" : "mask", condition);
  for (const [name, v] of [["input", a], ["other", b]] as const) {
    if (!(v instanceof Tensor) && typeof v !== "number") throw new Error(`${op}: ${name} must be a Tensor or a number, got ${typeof v}`);
  }
  const like = a instanceof Tensor ? a : b instanceof Tensor ? b : condition;
  const dtype = resultDType ?? whereType(a, b);
  // numbers stay numbers: the kernel reads them as scalars
  let x = typeof a === "number" ? a : onBackend(a, like.backend).to(dtype);
  let y = typeof b === "number" ? b : onBackend(b, like.backend).to(dtype);
  const shape = broadcastThree(condition.shape, shapeOf(x), shapeOf(y));
  if (shape === null) {
    throw new Error(`${op}: cannot broadcast condition ${formatShape(condition.shape)}, input ${formatShape(shapeOf(x))} and other ${formatShape(shapeOf(y))} to one shape`);
  }
  const mask = expand(onBackend(condition.detach(), like.backend), shape);
  if (typeof x !== "number" && !shapesEqual(x.shape, shape)) x = expand(x, shape);
  if (typeof y !== "number" && !shapesEqual(y.shape, shape)) y = expand(y, shape);
  const out = emptyLike(like, shape, dtype);
  out.backend.where(mask.stridedRef(), read(x), read(y), shape, out.storage.ref);
  const inputs = [x, y].filter((v): v is Tensor => typeof v !== "number");
  // d/da = 1 where the condition holds, d/db = 1 where it does not
  // the rule reads the mask: saved with it (as PyTorch saves the condition), so backward checks its version
  return record(
    out,
    "where",
    inputs,
    (dy) => {
      const grads: (Tensor | null)[] = [];
      if (typeof x !== "number") grads.push(x.requiresGrad ? where(mask, dy, 0) : null);
      if (typeof y !== "number") grads.push(y.requiresGrad ? where(mask, 0, dy) : null);
      return grads;
    },
    undefined,
    [mask],
  );
}

/**
 * `x` with `value` wherever `mask` holds (PyTorch's `masked_fill`); `mask` broadcasts to `x`'s
 * shape, which the result keeps. `value` is a number or a 0-d tensor (which gets a gradient).
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const scores = tensor([[1, 2, 3], [4, 5, 6]]);
 * const future = tensor([[false, true, true], [false, false, true]]);
 * console.log(scores.maskedFill(future, -Infinity).toArray()); // [[1, -Infinity, -Infinity], [4, 5, -Infinity]]
 * ```
 */
export function maskedFill(x: Tensor, mask: Tensor, value: Operand): Tensor {
  if (!(mask instanceof Tensor)) throw new Error(`maskedFill: mask must be a Tensor, got ${typeof mask}`);
  if (value instanceof Tensor && value.ndim !== 0) throw new Error(`maskedFill: value must be a number or a 0-d tensor, got a tensor of shape ${formatShape(value.shape)}`);
  const shape = broadcastThree(mask.shape, x.shape, []);
  if (shape === null || !shapesEqual(shape, x.shape)) {
    throw new Error(`maskedFill: mask ${formatShape(mask.shape)} does not broadcast to the input's shape ${formatShape(x.shape)}`);
  }
  checkBool("maskedFill", "mask", mask);
  // the result keeps x's dtype, as in PyTorch
  return select("maskedFill", mask, typeof value === "number" ? value : value.to(x.dtype), x, x.dtype);
}
