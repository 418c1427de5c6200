/**
 * Maximum and minimum: over everything or a list of dims (`amax`/`amin`, and `max()`/`min()`
 * with no dim), and along one dim with the index of the winner (`max(dim)`/`min(dim)`), plus
 * `argmin`. The two gradient conventions on ties are PyTorch's: `amax` and `max()` share the
 * gradient evenly among equal maxima, `max(dim)` gives it all to the index it returns.
 */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim, sizeOf } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { indicator, rsub } from "./binary.js";
import { expand, reshape } from "./movement.js";
import { finalShape, keptShape, reduceAxes, resolveDims, sum, type Dims } from "./reduce.js";
import { axisLayout } from "./reduce-layout.js";
import { INDEX_DTYPE, scatterToIndices, valuesAndIndices, type ValuesAndIndices } from "./values-and-indices.js";

type Extreme = "max" | "min";

function checkNotEmpty(op: string, x: Tensor, axes: readonly number[]): void {
  if (x.size === 0 && axes.length === x.ndim) throw new Error(`${op}: cannot reduce an empty tensor ${formatShape(x.shape)} over every dim (there is no identity for ${op})`);
  for (const a of axes) if (x.shape[a] === 0) throw new Error(`${op}: cannot reduce dim ${a} of ${formatShape(x.shape)}: it is empty`);
}

/**
 * The maxima (the backend's max reduction, one axis at a time) or minima (the values of its
 * min-with-index kernel over the axes laid out as one) over `axes`, in x's shape with them kept as 1.
 */
function extremeValues(op: Extreme, x: Tensor, axes: readonly number[]): Tensor {
  if (op === "max") return reduceAxes("max", x, axes);
  const { data, outer, axisSize, inner } = axisLayout(x, axes);
  const values = emptyLike(x, keptShape(x, axes));
  const scratch = emptyLike(x, values.shape, INDEX_DTYPE);
  x.backend.reduceWithIndex("min", data.dataRef(), outer, axisSize, inner, values.storage.ref, scratch.storage.ref);
  return values;
}

/**
 * `amax`/`amin` over `dim` (one, a list or all); also `max()`/`min()` with no dim (`name` "max"
 * or "min"), whose gradient goes to the NaN elements when the result is NaN, as PyTorch's max();
 * PyTorch's amax compares plainly, so no element wins and its gradient is NaN (0/0) there.
 */
export function extremeOverDims(op: Extreme, name: string, x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  const axes = resolveDims(name, x, dim);
  checkNotEmpty(name, x, axes);
  const kept = extremeValues(op, x, axes);
  const out = reshape(kept.detach(), finalShape(x, axes, keepdim));
  // d max/dx_i = 1 at the maximum; on ties PyTorch splits it evenly: dy · [x_i = max] / #ties
  const nanWins = name === "max" || name === "min";
  return record(out, name, [x], (dy) => {
    const xd = x.detach();
    const best = expand(kept, x.shape);
    let winners = indicator("eq", xd, best); // 1 or 0 in x's dtype
    if (nanWins) winners = winners.add(rsub(1, indicator("eq", xd, xd)).mul(rsub(1, indicator("eq", best, best))));
    const count = sum(winners, axes, true);
    return [expand(reshape(dy, kept.shape), x.shape).mul(winners).div(count)];
  });
}

/** `max(dim)`/`min(dim)`: values and the index of the first winner along one dim. */
export function extremeAlongDim(op: Extreme, x: Tensor, dim: number, keepdim: boolean): ValuesAndIndices {
  const axis = normalizeDim(op, dim, x.ndim);
  const axes = x.ndim === 0 ? [] : [axis];
  checkNotEmpty(op, x, axes);
  const shape = keptShape(x, axes);
  const values = emptyLike(x, shape);
  const indices = emptyLike(x, shape, INDEX_DTYPE);
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  x.backend.reduceWithIndex(op, x.dataRef(), outer, x.shape[axis] ?? 1, inner, values.storage.ref, indices.storage.ref);
  const final = finalShape(x, axes, keepdim);
  const valuesOut = reshape(values, final);
  // d max/dx_i = 1 at the returned index, 0 elsewhere (ties: all to that one index)
  record(valuesOut, op, [x], (dy) => [x.ndim === 0 ? dy : scatterToIndices(x, axis, indices, reshape(dy, shape).contiguous())]);
  return valuesAndIndices(valuesOut, reshape(indices, final));
}

/** Index of the first minimum, over the flattened tensor or along `dim`; no gradient. */
export function argmin(x: Tensor, dim: number | null | undefined, keepdim: boolean): Tensor {
  if (dim === null || dim === undefined) {
    if (x.size === 0) throw new Error(`argmin: cannot take the argmin of an empty tensor ${formatShape(x.shape)}`);
    const flat = extremeAlongDim("min", reshape(x.detach(), [x.size]), 0, false).indices;
    return keepdim ? reshape(flat, x.shape.map(() => 1)) : flat;
  }
  normalizeDim("argmin", dim, x.ndim);
  return extremeAlongDim("min", x.detach(), dim, keepdim).indices;
}
