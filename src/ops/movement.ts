/**
 * Movement primitives: reshape, expand, permute, plus layout and dtype conversion. Reshape and
 * expand are views over the same storage; permute copies into a contiguous layout.
 */
import { record } from "../autograd/grad-fn.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim, shapesEqual, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { sum } from "./reduce.js";

export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape(x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const source = x.contiguous();
  const out = new Tensor(source.storage, target, undefined, source.offset);
  // reshape only moves values: the gradient is reshaped back
  return record(out, "reshape", [source], (dy) => [reshape(dy, source.shape)]);
}

function resolveShape(x: Tensor, shape: readonly number[]): number[] {
  const target = [...shape];
  const inferred = target.indexOf(-1);
  if (target.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== inferred))) {
    throw new Error(`reshape: invalid shape ${formatShape(shape)} (sizes must be non-negative integers, at most one -1)`);
  }
  if (inferred >= 0) {
    const known = sizeOf(target.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
    target[inferred] = x.size / known;
  }
  if (sizeOf(target) !== x.size) throw new Error(`reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
  return target;
}

/** Broadcasts `x` to `shape` without copying: repeated axes get stride 0. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand ${formatShape(x.shape)} to fewer dimensions ${formatShape(shape)}`);
  const target = shape.map((d, i) => (d === -1 && i >= lead ? x.shape[i - lead]! : d));
  if (!target.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new Error(`expand: invalid shape ${formatShape(shape)} for ${formatShape(x.shape)} (sizes must be non-negative integers; -1 keeps an existing dim)`);
  }
  const strides = target.map((d, i) => {
    if (i < lead) return 0;
    const size = x.shape[i - lead]!;
    if (size === d) return x.strides[i - lead]!;
    if (size === 1) return 0;
    throw new Error(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`);
  });
  if (shapesEqual(target, x.shape)) return x;
  const out = new Tensor(x.storage, target, strides, x.offset);
  // each output element copies one input element: the gradient sums over the repeated axes
  return record(out, "expand", [x], (dy) => [sumTo(dy, x.shape)]);
}

/** Sums `grad` over the axes that broadcasting added or stretched, back to `shape`. */
export function sumTo(grad: Tensor, shape: readonly number[]): Tensor {
  const lead = grad.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < grad.ndim; i++) if (i < lead || (shape[i - lead] === 1 && grad.shape[i] !== 1)) axes.push(i);
  const reduced = axes.length === 0 ? grad : sum(grad, axes, true);
  return reshape(reduced, shape);
}

export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const axes = dims.map((d) => normalizeDim("permute", d, x.ndim));
  if (axes.length !== x.ndim || new Set(axes).size !== axes.length) {
    throw new Error(`permute: ${JSON.stringify(dims)} is not a permutation of the ${x.ndim} dims of ${formatShape(x.shape)}`);
  }
  const shape = axes.map((a) => x.shape[a]!);
  const out = emptyLike(x, shape);
  x.backend.copyStrided({ ref: x.storage.ref, offset: x.offset, strides: axes.map((a) => x.strides[a]!) }, shape, out.storage.ref);
  const inverse = axes.map((_, d) => axes.indexOf(d)); // packed, not holey (see shape.ts)
  // permuting moves values: the gradient is permuted back
  return record(out, "permute", [x], (dy) => [permute(dy, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim("transpose", dim0, x.ndim);
  const b = normalizeDim("transpose", dim1, x.ndim);
  if (x.ndim < 2 || a === b) return x;
  const dims = x.shape.map((_, i) => i);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

export function squeeze(x: Tensor, dim?: number): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const d = normalizeDim("squeeze", dim, x.ndim);
  if (x.ndim === 0 || x.shape[d] !== 1) return x;
  return reshape(x, x.shape.filter((_, i) => i !== d));
}

export function flatten(x: Tensor, startDim: number, endDim: number): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim("flatten", startDim, x.ndim);
  const end = normalizeDim("flatten", endDim, x.ndim);
  if (start > end) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)]);
}

/** Copies a strided view into fresh contiguous storage; an identity for gradients. */
export function contiguous(x: Tensor): Tensor {
  const out = emptyLike(x);
  x.backend.copyStrided(x.stridedRef(), x.shape, out.storage.ref);
  return record(out, "contiguous", [x], (dy) => [dy]);
}

export function clone(x: Tensor): Tensor {
  return contiguous(x);
}

export function cast(x: Tensor, dtype: DType): Tensor {
  const out = emptyLike(x, x.shape, dtype);
  x.backend.cast(x.dataRef(), out.storage.ref);
  // a conversion: the gradient is converted back
  return record(out, "cast", [x], (dy) => [cast(dy, x.dtype)]);
}
