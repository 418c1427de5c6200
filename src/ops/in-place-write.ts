/**
 * How the in-place ops (src/ops/in-place.ts, which says why writing in place is safe) write into
 * a target: the checks on the target and its scalar arguments, operands read over its shape
 * while it is written (copied when they would see half-updated values), and writes through a
 * view (into a temporary, then back along the view's strides).
 */
import type { BinaryOp, StridedRef } from "../backend/backend.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import type { Operand, Tensor } from "../tensor/tensor.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { emptyLike, toOperand } from "./operand.js";
import { cast, expand } from "./movement.js";

/** Refuses a target that requires grad while grad mode is on (the change would not be in the graph), or that repeats an element. */
export function checkTarget(op: string, target: Tensor): void {
  if (isGradEnabled() && target.requiresGrad) {
    throw new Error(`${op}: a tensor that requires grad cannot be modified in place while recording (the change would not be in the graph); wrap the update in noGrad()`);
  }
  checkWritable(op, target);
}

/** Refuses a target that repeats an element (an expanded view): PyTorch's "more than one element" error. */
export function checkWritable(op: string, target: Tensor): void {
  if (target.shape.some((size, d) => size > 1 && target.strides[d] === 0)) {
    throw new Error(`${op}: the target ${formatShape(target.shape)} is an expanded view where more than one element refers to a single memory location; clone() it before writing in place`);
  }
  target.storage.written(op);
}

/** Writes the contiguous `result` through the target's (non-contiguous) view. */
export function writeBack(target: Tensor, result: Tensor): void {
  target.backend.copyInto(result.stridedRef(), target.shape, target.stridedRef());
}

/** Refuses a scalar argument (alpha, value) that is not a number. */
export function checkScalar(op: string, name: string, value: number): void {
  if (typeof value !== "number") throw new Error(`${op}: ${name} must be a number, got ${typeof value}`);
}

/** A kernel operand: a read view over the target's shape, or a number (which reaches the kernel as one). */
export type ReadOperand = StridedRef | number;

/** `other` as a read view over the target's shape, in its dtype and on its backend (a number stays one). */
export function broadcastInto(op: string, target: Tensor, other: Operand): ReadOperand {
  if (typeof other === "number") return other;
  let y = toOperand(op, other, target);
  if (y.dtype !== target.dtype) y = cast(y.detach(), target.dtype);
  if (shapesEqual(y.shape, target.shape)) return y.stridedRef();
  try {
    return expand(y.detach(), target.shape).stridedRef();
  } catch {
    throw new Error(`${op}: cannot broadcast ${formatShape(y.shape)} into ${formatShape(target.shape)}`);
  }
}

/** Whether `view` (over the target's shape) reads each element of its buffer at the target's index. */
function sameLayout(view: StridedRef, target: Tensor): boolean {
  if (view.offset !== target.offset) return false;
  return target.shape.every((size, d) => size === 1 || view.strides[d] === target.strides[d]);
}

/** An operand read while the target is written: a copy if it would see half-updated values. */
export function readWhileWriting(op: string, target: Tensor, other: Operand): ReadOperand {
  const view = broadcastInto(op, target, other);
  if (typeof view === "number" || view.ref !== target.storage.ref || sameLayout(view, target)) return view;
  const copy = emptyLike(target);
  target.backend.copyStrided(view, target.shape, copy.storage.ref);
  return copy.stridedRef();
}

/** target ← target op y, in the target's buffer (through a temporary when the target is a strided view). */
export function writeBinary(op: BinaryOp, target: Tensor, y: ReadOperand): void {
  if (!target.isContiguous) return writeBack(target, temporary(op, target, target.stridedRef(), y));
  if (typeof y === "number") target.backend.binaryScalar(op, target.stridedRef(), y, false, target.shape, target.storage.ref);
  else target.backend.binary(op, target.stridedRef(), y, target.shape, target.storage.ref);
}

/** A new contiguous tensor of the target's shape: x op y. */
export function temporary(op: BinaryOp, target: Tensor, x: ReadOperand, y: ReadOperand): Tensor {
  const out = emptyLike(target);
  const backend = target.backend;
  if (typeof x !== "number" && typeof y !== "number") backend.binary(op, x, y, target.shape, out.storage.ref);
  else if (typeof y === "number" && typeof x !== "number") backend.binaryScalar(op, x, y, false, target.shape, out.storage.ref);
  else if (typeof x === "number" && typeof y !== "number") backend.binaryScalar(op, y, x, true, target.shape, out.storage.ref);
  else {
    // two numbers: x in every element, then op y in place, so the result rounds as the dtype does
    backend.fill(out.storage.ref, x as number);
    writeBinary(op, out, y);
  }
  return out;
}

/** Whether `other` can go to the one-pass axpby kernel with the target (both dense). */
export function denseLike(target: Tensor, other: Operand): other is Tensor {
  return typeof other !== "number" && target.isContiguous && other.backend === target.backend && other.dtype === target.dtype && other.isContiguous && shapesEqual(other.shape, target.shape);
}
