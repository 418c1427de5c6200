/**
 * In-place element-wise updates (PyTorch's `add_`, `mul_`, `addcmul_` …), outside the graph. The
 * backend's element-wise kernels write straight into the target's own buffer, so an optimizer
 * step or a running average allocates nothing (or one temporary) instead of a tensor per op.
 *
 * That is safe because both backends' element-wise kernels read element i of every input before
 * writing element i of `out` (the WebAssembly one even copies its inputs first): the target may
 * be an input and the output at once. An operand that reads the target's buffer at other indices
 * (a transposed or broadcast view of the same storage) is copied first (src/ops/in-place-write.ts
 * holds these checks and writes).
 *
 * A target may be a view (a slice, a transpose, a selected row): the result is computed into a
 * temporary and written back through the view's strides, so the change shows in the tensor it
 * views, as in PyTorch. An expanded view (one element at several places) is refused.
 *
 * No op here is recorded for autograd. A target that requires grad is refused while grad mode is
 * on. Every write bumps the target storage's version (PyTorch's version counter), so changing a
 * tensor that a recorded op saved for its backward (an input of `mul`, say) makes that
 * `backward()` throw instead of computing a wrong gradient; optimizers update parameters after
 * `backward()`, when the graph is gone.
 */
import type { StridedRef } from "../backend/backend.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import type { Operand, Tensor } from "../tensor/tensor.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { broadcastInto, checkScalar, checkTarget, checkWritable, denseLike, readWhileWriting, temporary, writeBack, writeBinary } from "./in-place-write.js";

/**
 * @internal `t op other` written into `t`, for a temporary `t` that an op or a backward rule has
 * just made and nothing else holds: one buffer fewer per use (a rule runs on every training
 * step). Done in place only where the result has t's shape and dtype and no graph is being
 * recorded (backward records none); otherwise a new tensor. The same values either way.
 */
export function intoTemporary(op: "sub" | "mul" | "div", t: Tensor, other: Tensor): Tensor {
  if (isGradEnabled() || !t.isContiguous || t.dtype !== other.dtype || !shapesEqual(t.shape, other.shape)) {
    return op === "sub" ? t.sub(other) : op === "mul" ? t.mul(other) : t.div(other);
  }
  checkWritable(`${op}_`, t);
  writeBinary(op, t, readWhileWriting(`${op}_`, t, other));
  return t;
}

function addOrSub(name: string, op: "add" | "sub", target: Tensor, other: Operand, alpha: number): void {
  checkTarget(name, target);
  checkScalar(name, "alpha", alpha);
  if (typeof other === "number") return writeBinary(op, target, broadcastInto(name, target, other * alpha));
  // one pass: target + (±alpha)·other, with other·alpha rounded first as below
  if (alpha !== 1 && denseLike(target, other)) return target.backend.axpby(1, target.storage.ref, op === "add" ? alpha : -alpha, other.storage.ref, target.storage.ref);
  if (alpha === 1) return writeBinary(op, target, readWhileWriting(name, target, other));
  // PyTorch computes other·alpha in the target's dtype, then adds: the same two roundings
  const scaled = temporary("mul", target, broadcastInto(name, target, other), broadcastInto(name, target, alpha));
  writeBinary(op, target, scaled.stridedRef());
}

/**
 * `target ← scale·target + alpha·other` in place: `target.mul_(scale).add_(other, alpha)` in one
 * pass where `other` is a dense tensor of the target's shape, dtype and backend (as gradients
 * and optimizer state are), with the same roundings; the two ops otherwise. The momentum and
 * moving-average updates of the optimizers run on it.
 * @internal
 */
export function scaleAddInPlace(target: Tensor, scale: number, other: Operand, alpha: number): void {
  checkTarget("add_", target);
  checkScalar("add_", "alpha", alpha);
  checkScalar("mul_", "value", scale);
  // other aliasing the target must see it scaled, as in the two-op form
  if (denseLike(target, other) && other.storage !== target.storage) return target.backend.axpby(scale, target.storage.ref, alpha, other.storage.ref, target.storage.ref);
  mulInPlace(target, scale);
  addInPlace(target, other, alpha);
}

/**
 * `target ← source` in place (PyTorch's `copy_`): `source` broadcasts to the target's shape and is
 * converted to its dtype and backend. Backs {@link Tensor.copy_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2], [3, 4]]);
 * x.copy_(tensor([5, 6]));
 * console.log(x.toArray()); // [[5, 6], [5, 6]]
 * ```
 */
export function copyInPlace(target: Tensor, source: Tensor): void {
  if (isGradEnabled() && target.requiresGrad && target.isLeaf) {
    throw new Error("copy_: a leaf tensor that requires grad cannot be modified in place while recording; wrap the update in noGrad()");
  }
  checkWritable("copy_", target);
  let view: StridedRef;
  try {
    view = readWhileWriting("copy_", target, source.detach()) as StridedRef; // a tensor gives a view
  } catch {
    throw new Error(`copy_: cannot copy ${formatShape(source.shape)} into ${formatShape(target.shape)}`);
  }
  if (target.isContiguous) target.backend.copyStrided(view, target.shape, target.storage.ref);
  else target.backend.copyInto(view, target.shape, target.stridedRef());
}

/**
 * `target ← target + alpha·other` in place (PyTorch's `add_`); `other` broadcasts to the
 * target's shape and is converted to its dtype. Backs {@link Tensor.add_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([1, 2]);
 * x.add_(tensor([10, 20]), 0.5).add_(1);
 * console.log(x.toArray()); // [7, 13]
 * ```
 */
export function addInPlace(target: Tensor, other: Operand, alpha = 1): void {
  addOrSub("add_", "add", target, other, alpha);
}

/**
 * `target ← target − alpha·other` in place (PyTorch's `sub_`). Backs {@link Tensor.sub_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2], [3, 4]]);
 * x.sub_(tensor([1, 2]), 2); // the row broadcasts over both rows
 * console.log(x.toArray()); // [[-1, -2], [1, 0]]
 * ```
 */
export function subInPlace(target: Tensor, other: Operand, alpha = 1): void {
  addOrSub("sub_", "sub", target, other, alpha);
}

/**
 * `target ← target · other` in place (PyTorch's `mul_`). Backs {@link Tensor.mul_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([1, 2, 3]);
 * x.mul_(0.5).mul_(tensor([2, 4, 6]));
 * console.log(x.toArray()); // [1, 4, 9]
 * ```
 */
export function mulInPlace(target: Tensor, other: Operand): void {
  checkTarget("mul_", target);
  writeBinary("mul", target, readWhileWriting("mul_", target, other));
}

/**
 * `target ← target / other` in place (PyTorch's `div_`). Backs {@link Tensor.div_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([2, 9]);
 * x.div_(tensor([2, 3]));
 * console.log(x.toArray()); // [1, 3]
 * ```
 */
export function divInPlace(target: Tensor, other: Operand): void {
  checkTarget("div_", target);
  writeBinary("div", target, readWhileWriting("div_", target, other));
}

/** (value·a) op b in one temporary, in PyTorch's order (value·a first); a and b are read before any write. */
function scaledTemporary(name: string, op: "mul" | "div", target: Tensor, a: Operand, b: Operand, value: number): Tensor {
  checkTarget(name, target);
  checkScalar(name, "value", value);
  const x = broadcastInto(name, target, a);
  const y = broadcastInto(name, target, b);
  if (value === 1) return temporary(op, target, x, y);
  const out = temporary("mul", target, x, broadcastInto(name, target, value));
  writeBinary(op, out, y);
  return out;
}

/**
 * `target ← target + value·a·b` in place (PyTorch's `addcmul_`), e.g. Adam's second moment
 * v ← β2·v + (1 − β2)·g². One temporary holds value·a·b. Backs {@link Tensor.addcmul_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const v = tensor([1, 1]);
 * const g = tensor([2, 3]);
 * v.mul_(0.5).addcmul_(g, g, 0.5);
 * console.log(v.toArray()); // [2.5, 5]
 * ```
 */
export function addcmulInPlace(target: Tensor, a: Operand, b: Operand, value = 1): void {
  writeBinary("add", target, scaledTemporary("addcmul_", "mul", target, a, b, value).stridedRef());
}

/**
 * `target ← target + value·a/b` in place (PyTorch's `addcdiv_`), e.g. Adam's step
 * θ ← θ − η·m/d. One temporary holds value·a/b. Backs {@link Tensor.addcdiv_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const theta = tensor([1, 1]);
 * theta.addcdiv_(tensor([1, 3]), tensor([2, 2]), -0.5);
 * console.log(theta.toArray()); // [0.75, 0.25]
 * ```
 */
export function addcdivInPlace(target: Tensor, a: Operand, b: Operand, value = 1): void {
  writeBinary("add", target, scaledTemporary("addcdiv_", "div", target, a, b, value).stridedRef());
}

/**
 * `target ← √target` in place (PyTorch's `sqrt_`). Backs {@link Tensor.sqrt_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([4, 9]);
 * x.sqrt_();
 * console.log(x.toArray()); // [2, 3]
 * ```
 */
export function sqrtInPlace(target: Tensor): void {
  checkTarget("sqrt_", target);
  // contiguous: the storage holds exactly the target's elements
  if (target.isContiguous) return target.backend.unary("sqrt", target.storage.ref, target.storage.ref);
  const result = emptyLike(target);
  target.backend.unary("sqrt", target.dataRef(), result.storage.ref);
  writeBack(target, result);
}

function fill(op: string, target: Tensor, value: number): void {
  checkTarget(op, target);
  checkScalar(op, "value", value);
  if (target.isContiguous) return target.backend.fill(target.storage.ref, value);
  const repeated = { ref: target.backend.fromValues([value], target.dtype), offset: 0, strides: target.shape.map(() => 0) };
  target.backend.copyInto(repeated, target.shape, target.stridedRef());
}

/**
 * Sets every element to `value` in place (PyTorch's `fill_`). Backs {@link Tensor.fill_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([1, 2, 3]);
 * x.fill_(7);
 * console.log(x.toArray()); // [7, 7, 7]
 * ```
 */
export function fillInPlace(target: Tensor, value: number): void {
  fill("fill_", target, value);
}

/**
 * Sets every element to 0 in place (PyTorch's `zero_`; unlike `mul_(0)` it also clears NaN
 * and ±Infinity). Backs {@link Tensor.zero_}.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([1, NaN]);
 * x.zero_();
 * console.log(x.toArray()); // [0, 0]
 * ```
 */
export function zeroInPlace(target: Tensor): void {
  fill("zero_", target, 0);
}
