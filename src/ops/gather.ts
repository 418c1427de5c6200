/**
 * Indexed reads and writes along one axis with PyTorch's general index shapes: `gather`,
 * `scatter`, `scatterAdd` and `indexSelect`. The index may be smaller than the input in every
 * dim but `dim` (gather, scatter) and than `src` in every dim; only the region the index covers
 * takes part. Each op's gradient is the other op: gather's is a scatter-add, and back.
 */
import { record } from "../autograd/grad-fn.js";
import type { DataRef } from "../backend/backend.js";
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { contiguousStrides, formatShape, normalizeDim, shapesEqual, sizeOf } from "../tensor/shape.js";
import { checkValuesOnHost, emptyLike, onBackend } from "./operand.js";
import { tensor } from "../tensor/creation.js";
import { expand, reshape } from "./movement.js";
import { placeInView } from "./strided-view.js";

/**
 * @internal `index` (an int32 tensor, a float tensor holding integers, or nested arrays) as int32
 * on `like`'s backend, having checked that every value is an integer in [0, limit) where the
 * values are at hand (see checkValuesOnHost).
 */
export function integerIndex(op: string, index: Tensor | NestedArray, limit: number, like: Tensor): Tensor {
  if (index instanceof Tensor && index.dtype === "bool") throw new Error(`${op}: index must be an int32 tensor (or integers), got a bool tensor`);
  checkValuesOnHost(index, (values) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v)) throw new Error(`${op}: index ${v} at position ${i} is not an integer`);
      if (v < 0 || v >= limit) throw new Error(`${op}: index ${v} at position ${i} is out of range [0, ${limit})`);
    }
  });
  // numbers were checked above to be integers in range: int32 holds them (a GPU has no float64)
  const t = index instanceof Tensor ? index : tensor(index, { dtype: "int32" });
  return onBackend(t.detach(), like.backend).to("int32");
}

/** `x`'s region of `shape` at its origin: a view outside the graph (the ops below record their own rule). */
function region(x: Tensor, shape: readonly number[]): Tensor {
  return shapesEqual(shape, x.shape) ? x.detach() : new Tensor(x.storage, shape, x.strides, x.offset);
}

/** `shape` with `size` at `axis`: a push loop, so the shape stays packed (see backend/strides.ts). */
function withAxis(shape: readonly number[], axis: number, size: number): number[] {
  const out: number[] = [];
  for (let d = 0; d < shape.length; d++) out.push(d === axis ? size : shape[d]!);
  return out;
}

/** [outer, indexAxis, inner] of the index's shape around `axis`. */
function blocks(shape: readonly number[], axis: number): [number, number, number] {
  return [sizeOf(shape.slice(0, axis)), shape[axis] ?? 1, sizeOf(shape.slice(axis + 1))];
}

function checkShapes(op: string, x: Tensor, axis: number, idx: Tensor, src: Tensor | null): void {
  if (idx.ndim !== x.ndim) throw new Error(`${op}: index ${formatShape(idx.shape)} must have as many dims as the input ${formatShape(x.shape)}`);
  for (let d = 0; d < x.ndim; d++) {
    if (d !== axis && idx.shape[d]! > x.shape[d]!) {
      throw new Error(`${op}: index ${formatShape(idx.shape)} is larger than the input ${formatShape(x.shape)} in dim ${d} (it may only be smaller, except in dim ${axis})`);
    }
    if (src !== null && idx.shape[d]! > (src.shape[d] ?? 1)) throw new Error(`${op}: index ${formatShape(idx.shape)} is larger than src ${formatShape(src.shape)} in dim ${d}`);
  }
  if (src !== null && src.ndim !== x.ndim) throw new Error(`${op}: src ${formatShape(src.shape)} must have as many dims as the input ${formatShape(x.shape)}`);
}

/** `values` at the origin of a zero tensor of `shape` (differentiable; `values` itself where the shapes match). */
function padTo(values: Tensor, shape: readonly number[]): Tensor {
  if (shapesEqual(values.shape, shape)) return values;
  return placeInView("pad", values, shape, (l) => ({ shape: values.shape, strides: l.strides, offset: l.offset }));
}

/**
 * @internal gather without reading the index back: for callers that validated it already (the
 * class indices of a loss), so the values cross from the backend once, not twice.
 */
export function gatherChecked(x: Tensor, axis: number, idx: Tensor): Tensor {
  const source = region(x, withAxis(idx.shape, axis, x.shape[axis]!)).dataRef();
  const [outer, indexAxis, inner] = blocks(idx.shape, axis);
  const out = emptyLike(x, idx.shape);
  if (out.size > 0) x.backend.gather(source, idx.dataRef(), outer, x.shape[axis] ?? 1, indexAxis, inner, out.storage.ref);
  // d out_j / d x_i = 1 where index_j = i: the gradient is added back at the gathered places
  return record(out, "gather", [x], (dy) => [scatterChecked("scatterAdd", zerosOf(x), axis, idx, dy, true)], undefined, [idx]);
}

function zerosOf(x: Tensor): Tensor {
  const z = emptyLike(x);
  x.backend.fill(z.storage.ref, 0);
  return z;
}

/**
 * Backs {@link Tensor.gather}: out[i][j][k] = x[i][index[i][j][k]][k] for `dim` 1 (PyTorch's
 * `gather`). The index has the input's number of dims and may be smaller than it in every dim
 * but `dim`; the output has the index's shape.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(x.gather(1, [[2, 0], [1, 1]]).toArray()); // [[3, 1], [5, 5]]
 * console.log(x.gather(1, [[0]]).toArray()); // [[1]]
 * ```
 */
export function gather(x: Tensor, dim: number, index: Tensor | NestedArray): Tensor {
  const axis = normalizeDim("gather", dim, x.ndim);
  const idx = integerIndex("gather", index, Math.max(x.shape[axis] ?? 1, 1), x);
  checkShapes("gather", x, axis, idx, null);
  return gatherChecked(x, axis, idx);
}

/**
 * The scatter kernel: `values` written (or added) into `target` at `idx` along `axis` of x's
 * shape. A function of its own, not a closure in scatterChecked: under tsx (the bench, tests) a
 * named arrow function costs a defineProperty of its name on every call.
 */
function writeAtIndex(op: "scatter" | "scatterAdd", x: Tensor, axis: number, idx: Tensor, values: DataRef, target: Tensor): void {
  if (idx.size === 0) return;
  const [outer, indexAxis, inner] = blocks(idx.shape, axis);
  x.backend[op](values, idx.dataRef(), outer, x.shape[axis] ?? 1, indexAxis, inner, target.storage.ref);
}

/**
 * scatter or scatterAdd with a validated index and a tensor `src` (both differentiable).
 * `owned`: `x` is a fresh contiguous buffer nothing else sees, so it is written in place.
 */
function scatterChecked(op: "scatter" | "scatterAdd", x: Tensor, axis: number, idx: Tensor, src: Tensor, owned = false): Tensor {
  let out = x;
  if (!owned) {
    out = emptyLike(x);
    x.backend.copyStrided(x.stridedRef(), x.shape, out.storage.ref);
  }
  const targetShape = withAxis(idx.shape, axis, x.shape[axis]!);
  const values = region(src, idx.shape).dataRef();
  if (shapesEqual(targetShape, x.shape)) writeAtIndex(op, x, axis, idx, values, out);
  else {
    // the index covers a corner of the output: update a dense copy of it, then write it back
    const part = region(out, targetShape).contiguous();
    writeAtIndex(op, x, axis, idx, values, part);
    x.backend.copyInto(part.stridedRef(), targetShape, { ref: out.storage.ref, offset: 0, strides: contiguousStrides(x.shape) });
  }
  // d out / d src = dy at the index (an owned x is a constant: zeros made for a gradient)
  if (owned) return record(out, op, [src], (dy) => [padTo(gatherChecked(dy, axis, idx), src.shape)], undefined, [idx]);
  // scatter: dx = dy where nothing was written; scatterAdd: dx = dy
  return record(out, op, [x, src], (dy) => [
    x.requiresGrad ? (op === "scatter" ? scatterChecked("scatter", dy, axis, idx, zerosOf(src)) : dy) : null,
    src.requiresGrad ? padTo(gatherChecked(dy, axis, idx), src.shape) : null,
  ], undefined, [idx]);
}

function scatterOp(op: "scatter" | "scatterAdd", x: Tensor, dim: number, index: Tensor | NestedArray, src: Tensor | number): Tensor {
  const axis = normalizeDim(op, dim, x.ndim);
  const idx = integerIndex(op, index, Math.max(x.shape[axis] ?? 1, 1), x);
  let values: Tensor;
  if (typeof src === "number") {
    values = emptyLike(x, idx.shape);
    x.backend.fill(values.storage.ref, src);
  } else {
    if (!(src instanceof Tensor)) throw new Error(`${op}: src must be a Tensor${op === "scatter" ? " or a number" : ""}, got ${typeof src}`);
    values = onBackend(src, x.backend).to(x.dtype);
  }
  checkShapes(op, x, axis, idx, values);
  return scatterChecked(op, x, axis, idx, values);
}

/**
 * Backs {@link Tensor.scatter}: a copy of `x` with out[i][index[i][j][k]][k] = src[i][j][k] for
 * `dim` 1 (PyTorch's out-of-place `scatter`); `src` may be a number. Where the index repeats a
 * position, the last value written wins (PyTorch leaves the order undefined).
 *
 * @example
 * ```ts
 * import { tensor, zeros } from "nabla";
 * console.log(zeros([2, 3]).scatter(1, [[2], [0]], tensor([[7], [8]])).toArray()); // [[0, 0, 7], [8, 0, 0]]
 * ```
 */
export function scatter(x: Tensor, dim: number, index: Tensor | NestedArray, src: Tensor | number): Tensor {
  return scatterOp("scatter", x, dim, index, src);
}

/**
 * Backs {@link Tensor.scatterAdd}: a copy of `x` with src[i][j][k] added at
 * out[i][index[i][j][k]][k] for `dim` 1 (PyTorch's `scatter_add`); repeated positions accumulate.
 *
 * @example
 * ```ts
 * import { ones, zeros } from "nabla";
 * console.log(zeros([4]).scatterAdd(0, [0, 1, 0, 3], ones([4])).toArray()); // [2, 1, 0, 1]
 * ```
 */
export function scatterAdd(x: Tensor, dim: number, index: Tensor | NestedArray, src: Tensor): Tensor {
  return scatterOp("scatterAdd", x, dim, index, src);
}

/**
 * Backs {@link Tensor.indexSelect}: the entries of axis `dim` at the positions in a 1-d `index`,
 * in its order, repeats allowed (PyTorch's `index_select`). The gradient adds back at each position.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2], [3, 4], [5, 6]]);
 * console.log(x.indexSelect(0, [2, 0, 2]).toArray()); // [[5, 6], [1, 2], [5, 6]]
 * ```
 */
export function indexSelect(x: Tensor, dim: number, index: Tensor | readonly number[]): Tensor {
  const axis = normalizeDim("indexSelect", dim, x.ndim);
  const idx = integerIndex("indexSelect", index as Tensor | number[], Math.max(x.shape[axis] ?? 1, 1), x);
  if (idx.ndim > 1) throw new Error(`indexSelect: index must be 1-d (or 0-d), got shape ${formatShape(idx.shape)}`);
  if (x.ndim === 0) return gatherChecked(x, 0, reshape(idx, []));
  const n = idx.size;
  const shape = withAxis(x.shape, axis, n);
  const flat = reshape(idx, [n]).contiguous();
  const [outer, axisSize, inner] = blocks(x.shape, axis);
  const out = emptyLike(x, shape);
  // whole blocks of `inner` values: no index as large as the output, as a gather would need
  if (out.size > 0) x.backend.indexSelect(x.dataRef(), flat.dataRef(), outer, axisSize, n, inner, out.storage.ref);
  // d out / d x: dy added back at each picked block, by a scatter-add of the index repeated over the other axes
  return record(out, "indexSelect", [x], (dy) => {
    const full = expand(reshape(flat, x.shape.map((_, d) => (d === axis ? n : 1))), shape).contiguous();
    return [scatterChecked("scatterAdd", zerosOf(x), axis, full, dy, true)];
  }, undefined, [flat]);
}
