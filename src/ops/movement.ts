/**
 * Movement primitives: reshape/view, expand, permute and what composes from them, plus layout
 * and dtype conversion. All but `contiguous`, `clone` and `cast` are views sharing the input's
 * storage (reshape copies only when the strides cannot express the new shape, as in PyTorch).
 */
import { record } from "../autograd/grad-fn.js";
import type { DType } from "../tensor/dtype.js";
import { Tensor } from "../tensor/tensor.js";
import { allAxes, filledArray, formatShape, normalizeDim, shapesEqual, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { sum } from "./reduce.js";

/**
 * Backs {@link Tensor.reshape}: the same values in `shape` (one entry may be -1, inferred). A view
 * sharing storage whenever the strides allow it (always for contiguous data), else a copy.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * const x = arange(6);
 * const m = x.reshape([2, -1]);
 * console.log(m.shape, m.toArray()); // [2, 3] [[0, 1, 2], [3, 4, 5]]
 * ```
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape("reshape", x, shape);
  if (shapesEqual(target, x.shape)) return x;
  const strides = viewStrides(x, target);
  if (strides !== null) return viewAs(x, target, strides);
  const source = contiguous(x);
  return viewAs(source, target, viewStrides(source, target)!);
}

/**
 * Backs {@link Tensor.view}: PyTorch's `view(shape)`, a reshape that never copies; data whose
 * strides cannot express `shape` (a transpose flattened, say) is an error that suggests
 * `reshape`, as in PyTorch.
 *
 * @example
 * ```ts
 * import { zeros } from "nabla";
 * const x = zeros([2, 3]);
 * const v = x.view([3, 2]);
 * v.fill_(1); // writes through the view
 * console.log(x.sum().item()); // 6
 * ```
 */
export function view(x: Tensor, shape: readonly number[]): Tensor {
  const target = resolveShape("view", x, shape);
  if (shapesEqual(target, x.shape)) return viewAs(x, target, x.strides);
  const strides = viewStrides(x, target);
  if (strides === null) {
    throw new Error(`view: view size ${formatShape(target)} is not compatible with the input's size ${formatShape(x.shape)} and strides ${formatShape(x.strides)} (at least one dimension spans across two contiguous subspaces); use reshape(...) instead`);
  }
  return viewAs(x, target, strides);
}

function viewAs(x: Tensor, shape: readonly number[], strides: readonly number[]): Tensor {
  const out = new Tensor(x.storage, shape, strides, x.offset);
  // reshape only moves values: the gradient is reshaped back
  return record(out, "reshape", [x], (dy) => [reshape(dy, x.shape)]);
}

/**
 * Strides that read `x`'s elements in row-major order as `shape`, or null where a merged axis
 * would span two separately strided runs (PyTorch's computeStride).
 */
function viewStrides(x: Tensor, shape: readonly number[]): number[] | null {
  const oldShape = x.shape;
  const oldStrides = x.strides;
  const strides = filledArray(shape.length, 0); // packed, not holey (see shape.ts)
  if (oldShape.length === 0) return filledArray(shape.length, 1);
  if (x.size === 0) {
    for (let d = shape.length - 1, step = 1; d >= 0; d--) {
      strides[d] = step;
      step *= Math.max(shape[d]!, 1);
    }
    return strides;
  }
  let viewD = shape.length - 1;
  let chunkBase = oldStrides[oldStrides.length - 1]!;
  let tensorNumel = 1;
  let viewNumel = 1;
  for (let d = oldShape.length - 1; d >= 0; d--) {
    tensorNumel *= oldShape[d]!;
    // the end of a run of axes that step through memory as one
    if (d === 0 || (oldShape[d - 1] !== 1 && oldStrides[d - 1] !== tensorNumel * chunkBase)) {
      while (viewD >= 0 && (viewNumel < tensorNumel || shape[viewD] === 1)) {
        strides[viewD] = viewNumel * chunkBase;
        viewNumel *= shape[viewD]!;
        viewD--;
      }
      if (viewNumel !== tensorNumel) return null;
      if (d > 0) {
        chunkBase = oldStrides[d - 1]!;
        tensorNumel = 1;
        viewNumel = 1;
      }
    }
  }
  return viewD === -1 ? strides : null;
}

function resolveShape(op: string, x: Tensor, shape: readonly number[]): number[] {
  const target = [...shape];
  const inferred = target.indexOf(-1);
  if (target.some((d, i) => !Number.isInteger(d) || d < -1 || (d === -1 && i !== inferred))) {
    throw new Error(`${op}: invalid shape ${formatShape(shape)} (sizes must be non-negative integers, at most one -1)`);
  }
  if (inferred >= 0) {
    const known = sizeOf(target.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) throw new Error(`${op}: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
    target[inferred] = x.size / known;
  }
  if (sizeOf(target) !== x.size) throw new Error(`${op}: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}`);
  return target;
}

/** Broadcasts `x` to `shape` without copying: repeated axes get stride 0. */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const lead = shape.length - x.ndim;
  if (lead < 0) throw new Error(`expand: cannot expand ${formatShape(x.shape)} to fewer dimensions ${formatShape(shape)}`);
  // push loops, not map: packed arrays (see shape.ts)
  const target: number[] = [];
  const strides: number[] = [];
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i] === -1 && i >= lead ? x.shape[i - lead]! : shape[i]!;
    if (!(Number.isInteger(d) && d >= 0)) {
      throw new Error(`expand: invalid shape ${formatShape(shape)} for ${formatShape(x.shape)} (sizes must be non-negative integers; -1 keeps an existing dim)`);
    }
    target.push(d);
  }
  for (let i = 0; i < target.length; i++) {
    const size = i < lead ? 1 : x.shape[i - lead]!;
    if (i >= lead && size === target[i]) strides.push(x.strides[i - lead]!);
    else if (size === 1) strides.push(0);
    else throw new Error(`expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}`);
  }
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

/** A view with its axes reordered: axis i of the result is axis `dims[i]` of `x`. */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  const axes = dims.map((d) => normalizeDim("permute", d, x.ndim));
  if (axes.length !== x.ndim || new Set(axes).size !== axes.length) {
    throw new Error(`permute: ${JSON.stringify(dims)} is not a permutation of the ${x.ndim} dims of ${formatShape(x.shape)}`);
  }
  // push loops, not map: packed arrays (see shape.ts)
  const shape: number[] = [];
  const strides: number[] = [];
  const inverse: number[] = [];
  for (let d = 0; d < axes.length; d++) {
    shape.push(x.shape[axes[d]!]!);
    strides.push(x.strides[axes[d]!]!);
    inverse.push(axes.indexOf(d));
  }
  const out = new Tensor(x.storage, shape, strides, x.offset);
  // permuting moves values: the gradient is permuted back
  return record(out, "permute", [x], (dy) => [permute(dy, inverse)]);
}

export function transpose(x: Tensor, dim0: number, dim1: number): Tensor {
  const a = normalizeDim("transpose", dim0, x.ndim);
  const b = normalizeDim("transpose", dim1, x.ndim);
  if (x.ndim < 2 || a === b) return x;
  const dims = allAxes(x.ndim);
  dims[a] = b;
  dims[b] = a;
  return permute(x, dims);
}

/**
 * Backs {@link Tensor.movedim}: the dims at `source` moved to the positions `destination`
 * (PyTorch's `movedim`), the others keeping their order; a view.
 */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const from = (typeof source === "number" ? [source] : source).map((d) => normalizeDim("movedim", d, x.ndim));
  const to = (typeof destination === "number" ? [destination] : destination).map((d) => normalizeDim("movedim", d, x.ndim));
  if (from.length !== to.length) throw new Error(`movedim: source ${JSON.stringify(source)} and destination ${JSON.stringify(destination)} must name as many dims`);
  if (new Set(from).size !== from.length || new Set(to).size !== to.length) throw new Error(`movedim: source ${JSON.stringify(source)} and destination ${JSON.stringify(destination)} must not repeat a dim`);
  const order = new Array<number>(x.ndim).fill(-1);
  from.forEach((d, i) => (order[to[i]!] = d));
  const rest = allAxes(x.ndim).filter((d) => !from.includes(d));
  for (let d = 0, k = 0; d < x.ndim; d++) if (order[d] === -1) order[d] = rest[k++]!;
  return permute(x, order);
}

export function unsqueeze(x: Tensor, dim: number): Tensor {
  const d = normalizeDim("unsqueeze", dim, x.ndim + 1);
  const shape = [...x.shape];
  shape.splice(d, 0, 1);
  return reshape(x, shape);
}

/** Removes axes of size 1: all of them, or those among `dim` (others are left alone, as in PyTorch). */
export function squeeze(x: Tensor, dim?: number | readonly number[]): Tensor {
  if (dim === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const dims: number[] = []; // a push loop, not map: packed (see shape.ts)
  for (const d of typeof dim === "number" ? [dim] : dim) dims.push(normalizeDim("squeeze", d, x.ndim));
  if (x.ndim === 0) return x;
  return reshape(x, x.shape.filter((d, i) => d !== 1 || !dims.includes(i)));
}

export function flatten(x: Tensor, startDim: number, endDim: number): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const start = normalizeDim("flatten", startDim, x.ndim);
  const end = normalizeDim("flatten", endDim, x.ndim);
  if (start > end) throw new Error(`flatten: startDim ${startDim} comes after endDim ${endDim}`);
  return reshape(x, [...x.shape.slice(0, start), sizeOf(x.shape.slice(start, end + 1)), ...x.shape.slice(end + 1)]);
}

/**
 * Backs {@link Tensor.unflatten}: splits axis `dim` into `sizes` (one may be -1), a view.
 *
 * @example
 * ```ts
 * import { zeros } from "nabla";
 * console.log(zeros([2, 12]).unflatten(1, [3, -1]).shape); // [2, 3, 4]
 * ```
 */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim("unflatten", dim, x.ndim);
  const extent = x.shape[d]!;
  const known = sizeOf(sizes.filter((s) => s !== -1));
  const inferred = sizes.filter((s) => s === -1).length;
  const valid = sizes.length > 0 && sizes.every((s) => Number.isInteger(s) && s >= -1) && inferred <= 1;
  const fits = inferred === 1 ? known > 0 && extent % known === 0 : known === extent;
  if (!valid || !fits) throw new Error(`unflatten: sizes ${formatShape(sizes)} do not multiply to the size ${extent} of dim ${dim} of ${formatShape(x.shape)}`);
  const resolved = sizes.map((s) => (s === -1 ? extent / known : s));
  return reshape(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
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
