/** `sort`, `argsort` and `topk` along one dim; their gradient goes back to the picked positions. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { INDEX_DTYPE, scatterToIndices, valuesAndIndices, type ValuesAndIndices } from "./values-and-indices.js";

/** The first `k` of a stable sort along `dim` (all of it for sort): values, with their gradient, and indices. */
function sortedPrefix(op: string, x: Tensor, dim: number, k: number, descending: boolean): ValuesAndIndices {
  const axis = normalizeDim(op, dim, x.ndim);
  const axisSize = x.shape[axis] ?? 1;
  if (!Number.isInteger(k) || k < 0 || k > axisSize) {
    throw new Error(`${op}: k=${k} is out of range for dim ${dim} of size ${axisSize} (shape ${formatShape(x.shape)}); expected an integer in [0, ${axisSize}]`);
  }
  const shape = x.ndim === 0 ? [] : x.shape.map((d, i) => (i === axis ? k : d));
  const values = emptyLike(x, shape);
  const indices = emptyLike(x, shape, INDEX_DTYPE);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  x.backend.sort(x.dataRef(), outer, axisSize, inner, k, descending, values.storage.ref, indices.storage.ref);
  // sorting moves values: d values_j / d x_i = 1 where indices_j = i, so dy goes back to those places
  record(values, op, [x], (dy) => [x.ndim === 0 ? dy : scatterToIndices(x, axis, indices, dy.contiguous())]);
  return valuesAndIndices(values, indices);
}

export function sort(x: Tensor, dim: number, descending: boolean): ValuesAndIndices {
  const axis = normalizeDim("sort", dim, x.ndim);
  return sortedPrefix("sort", x, dim, x.shape[axis] ?? 1, descending);
}

export function argsort(x: Tensor, dim: number, descending: boolean): Tensor {
  const axis = normalizeDim("argsort", dim, x.ndim);
  return sortedPrefix("argsort", x.detach(), dim, x.shape[axis] ?? 1, descending).indices;
}

/** The `k` largest (or smallest) along `dim`, in order (largest first, or smallest first). */
export function topk(x: Tensor, k: number, dim: number, largest: boolean): ValuesAndIndices {
  return sortedPrefix("topk", x, dim, k, largest);
}
