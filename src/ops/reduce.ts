/** Reduction primitives (sum) and what composes from them (mean, argmax); the helpers every reduction shares. */
import type { ReduceOp } from "../backend/backend.js";
import { record } from "../autograd/grad-fn.js";
import { Tensor } from "../tensor/tensor.js";
import { allAxes, filledArray, formatShape, normalizeDim, normalizeDims, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { expand, reshape } from "./movement.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

/** Dims to reduce: one, a list, or none (null, undefined or []) for every axis. */
export type Dims = number | readonly number[] | null | undefined;

/** The axes to reduce; no dim, or an empty list (as in PyTorch), means every axis. */
export function resolveDims(op: string, x: Tensor, dim: Dims): number[] {
  if (dim === null || dim === undefined || (typeof dim !== "number" && dim.length === 0)) return allAxes(x.ndim);
  return normalizeDims(op, dim, x.ndim).filter((d) => d < x.ndim);
}

/**
 * Reduces `axes` with the backend's single-axis kernel, keeping dims: each run of adjacent axes
 * in one call, as one axis (x is contiguous, so they are), runs last first. A convolution's bias
 * gradient sums [N, C, H, W] over H and W as rows of H·W in one pass, not as rows of W, a buffer,
 * and rows of H (W5's first layer: 0.68 ms → 0.58, bench/plan-steps.ts W5).
 */
export function reduceAxes(op: ReduceOp, x: Tensor, axes: readonly number[]): Tensor {
  if (axes.length === 0) {
    // nothing to reduce (a 0-d input): still a fresh buffer, so the result never aliases x
    const copy = emptyLike(x);
    x.backend.copyStrided(x.stridedRef(), x.shape, copy.storage.ref);
    return copy;
  }
  let current = x.contiguous();
  const shape = [...x.shape];
  // An axis of size 1 reduces to itself: skipped while another axis is reduced (a loss of
  // shape [N, 1] sums in one pass, not two with a buffer between). Exact: a one-element sum
  // or max is the element, and the pass that remains adds from +0 as the skipped one would.
  const skipUnit = axes.some((a) => shape[a] !== 1);
  const reduced = [...new Set(axes)].filter((a) => !(skipUnit && shape[a] === 1)).sort((a, b) => a - b);
  for (const axis of reduced) {
    if (op === "max" && shape[axis] === 0) throw new Error(`max: cannot reduce an empty dimension ${axis} of ${formatShape(x.shape)}`);
  }
  let end = reduced.length;
  while (end > 0) {
    // the run reduced[start..end) of adjacent axes
    let start = end - 1;
    while (start > 0 && reduced[start - 1] === reduced[start]! - 1) start--;
    const first = reduced[start]!;
    const last = reduced[end - 1]!;
    const outer = sizeOf(shape.slice(0, first));
    const axisSize = sizeOf(shape.slice(first, last + 1));
    const inner = sizeOf(shape.slice(last + 1));
    for (let a = first; a <= last; a++) shape[a] = 1;
    const out = emptyLike(x, [...shape]);
    x.backend.reduce(op, current.dataRef(), outer, axisSize, inner, out.storage.ref);
    current = out;
    end = start;
  }
  return current;
}

export function keptShape(x: Tensor, axes: readonly number[]): number[] {
  const out: number[] = []; // a push loop, not map: packed (see shape.ts)
  for (let i = 0; i < x.ndim; i++) out.push(axes.includes(i) ? 1 : x.shape[i]!);
  return out;
}

export function finalShape(x: Tensor, axes: readonly number[], keepdim: boolean): number[] {
  return keepdim ? keptShape(x, axes) : x.shape.filter((_, i) => !axes.includes(i));
}

/** Sums over `dim`; bool and int32 tensors sum to int32 (PyTorch: int64), wrapping on overflow. */
export function sum(input: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const x = input.dtype === "bool" ? input.to("int32") : input;
  const axes = resolveDims("sum", x, dim);
  const kept = reduceAxes("sum", x, axes);
  const out = new Tensor(kept.storage, finalShape(x, axes, keepdim));
  // d(Σx)/dx_i = 1: every input element receives the gradient of its sum
  return record(out, "sum", [x], (dy) => [expand(reshape(dy, keptShape(x, axes)), x.shape)]);
}

export function mean(x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  requireFloatingPoint("mean", x.dtype, "convert it with .float() first (PyTorch refuses it too)");
  const axes = resolveDims("mean", x, dim);
  let count = 1;
  for (const a of axes) count *= x.shape[a]!;
  return sum(x, axes, keepdim).div(count);
}

export function argmax(x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  if (x.size === 0) throw new Error(`argmax: cannot take the argmax of an empty tensor ${formatShape(x.shape)}`);
  if (dim === null || dim === undefined) {
    const flat = reshape(x.detach(), [x.size]);
    const out = emptyLike(x, keepdim ? filledArray(x.ndim, 1) : [], "int32");
    x.backend.argmax(flat.dataRef(), 1, x.size, 1, out.storage.ref);
    return out;
  }
  const axis = normalizeDim("argmax", dim, x.ndim);
  if (x.ndim === 0) return emptyLikeZero(x);
  const out = emptyLike(x, finalShape(x, [axis], keepdim), "int32");
  x.backend.argmax(x.dataRef(), sizeOf(x.shape.slice(0, axis)), x.shape[axis]!, sizeOf(x.shape.slice(axis + 1)), out.storage.ref);
  return out;
}

function emptyLikeZero(x: Tensor): Tensor {
  const out = emptyLike(x, [], "int32");
  x.backend.fill(out.storage.ref, 0);
  return out;
}
