/**
 * The shape, view, movement and conversion methods of {@link Tensor} (clone, contiguous, to,
 * reshape, view, transpose, permute, expand, squeeze, narrow, select, slice, index, split, flip,
 * gather, scatter …), kept in a base
 * class of their own so tensor.ts stays about storage, autograd and the core ops. Each method
 * calls the op in src/ops that holds its kernel call and backward rule.
 */
import type { NestedArray, Operand, Tensor } from "./tensor.js";
import type { DType } from "./dtype.js";
import * as movement from "../ops/movement.js";
import { gather } from "../ops/gather.js";
import * as slicing from "../ops/slicing.js";
import * as join from "../ops/join.js";
import * as rearrange from "../ops/rearrange.js";
import * as indexed from "../ops/gather.js";
import { maskedFill, where } from "../ops/where.js";
import { nonzero } from "../ops/advanced-index.js";
import * as diagonals from "../ops/diagonal.js";
import { indexPut, type IndexPutOptions } from "../ops/index-put.js";
import { TensorReductions } from "./tensor-reductions.js";

export abstract class TensorViews extends TensorReductions {
  /** A contiguous copy with its own storage (differentiable). */
  clone(this: Tensor): Tensor {
    return movement.clone(this);
  }
  /** This tensor if its elements are laid out contiguously, else a contiguous copy (differentiable). */
  contiguous(this: Tensor): Tensor {
    return this.isContiguous ? this : movement.contiguous(this);
  }
  /**
   * Converts to `dtype` (differentiable between floating-point dtypes). Floats become int32 by
   * truncation toward zero; any non-zero value (NaN too) becomes `true`.
   */
  to(this: Tensor, dtype: DType): Tensor {
    return dtype === this.dtype ? this : movement.cast(this, dtype);
  }
  /** `to("float32")`. */
  float(this: Tensor): Tensor { return this.to("float32"); }
  /** `to("float64")`. */
  double(this: Tensor): Tensor { return this.to("float64"); }
  /** `to("int32")` (PyTorch's `.int()`). */
  int(this: Tensor): Tensor { return this.to("int32"); }
  /** `to("bool")`. */
  bool(this: Tensor): Tensor { return this.to("bool"); }

  /** The same elements in `shape` (one size may be -1, inferred), as PyTorch's `reshape`. */
  reshape(this: Tensor, shape: readonly number[]): Tensor { return movement.reshape(this, shape); }
  /** Dims `startDim`…`endDim` (inclusive, default all) merged into one. */
  flatten(this: Tensor, startDim = 0, endDim = -1): Tensor { return movement.flatten(this, startDim, endDim); }
  /** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a dim's size. */
  expand(this: Tensor, shape: readonly number[]): Tensor { return movement.expand(this, shape); }
  /** The dims reordered: axis i of the result is axis `dims[i]` of this tensor. */
  permute(this: Tensor, dims: readonly number[]): Tensor { return movement.permute(this, dims); }
  /** A view with the dims at `source` moved to `destination`, the others in order (PyTorch's `movedim`): `x.movedim(1, -1)` of [N, C, H, W] is [N, H, W, C]. */
  movedim(this: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor { return movement.movedim(this, source, destination); }
  /** This tensor expanded to `other`'s shape (PyTorch's `expand_as`). */
  expandAs(this: Tensor, other: Tensor): Tensor { return movement.expand(this, other.shape); }
  /** A view with `other`'s shape (PyTorch's `view_as`). */
  viewAs(this: Tensor, other: Tensor): Tensor { return movement.view(this, other.shape); }
  /** Reshaped to `other`'s shape (PyTorch's `reshape_as`). */
  reshapeAs(this: Tensor, other: Tensor): Tensor { return movement.reshape(this, other.shape); }
  /** Dims `dim0` and `dim1` swapped. */
  transpose(this: Tensor, dim0: number, dim1: number): Tensor { return movement.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (a 0-d or 1-d tensor is returned as is). */
  t(this: Tensor): Tensor { return this.ndim < 2 ? this : movement.transpose(this, 0, 1); }
  /** A new size-1 dim inserted at position `dim`. */
  unsqueeze(this: Tensor, dim: number): Tensor { return movement.unsqueeze(this, dim); }
  /** Size-1 dims removed: all of them, or those among `dim` (other dims are left alone, as in PyTorch). */
  squeeze(this: Tensor, dim?: number | readonly number[]): Tensor { return movement.squeeze(this, dim); }
  /** Values picked along `dim` at `index` (same rank as this tensor): for dim 1, out[i][j] = this[i][index[i][j]], as PyTorch's `gather`. */
  gather(this: Tensor, dim: number, index: Tensor | NestedArray): Tensor { return gather(this, dim, index); }

  // Views and shape ops, PyTorch's semantics; the functions behind them (src/ops/movement.ts,
  // slicing.ts, join.ts, rearrange.ts, gather.ts, where.ts) document each with an example.
  // Views share this tensor's storage: an in-place write through one shows here.
  /** The same data in `shape` as a view, never a copy; data whose strides cannot express `shape` is an error (use `reshape`). */
  view(this: Tensor, shape: readonly number[]): Tensor { return movement.view(this, shape); }
  /** Splits axis `dim` into `sizes` (one may be -1), a view. */
  unflatten(this: Tensor, dim: number, sizes: readonly number[]): Tensor { return movement.unflatten(this, dim, sizes); }
  /** `length` elements of axis `dim` from `start`, a view. */
  narrow(this: Tensor, dim: number, start: number, length: number): Tensor { return slicing.narrow(this, dim, start, length); }
  /** Position `index` of axis `dim`, that axis removed, a view. */
  select(this: Tensor, dim: number, index: number): Tensor { return slicing.select(this, dim, index); }
  /** Python's `start:end:step` along `dim` (step > 0), a view. */
  slice(this: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor { return slicing.slice(this, dim, start, end, step); }
  /** PyTorch's `x[...]`: Python's `x[1, 1:3, ..., None]` is `x.index(1, "1:3", "...", null)` (a view); index tensors, integer arrays and bool masks copy (`x[idx]` is `x.index(idx)`). */
  index(this: Tensor, ...items: slicing.IndexItem[]): Tensor { return slicing.index(this, items); }
  /** Views of consecutive parts along `dim`: each `splitSize` long, or the listed sizes. */
  split(this: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] { return join.split(this, splitSize, dim); }
  /** At most `chunks` views of ⌈size / chunks⌉ along `dim`. */
  chunk(this: Tensor, chunks: number, dim = 0): Tensor[] { return join.chunk(this, chunks, dim); }
  /** The slices along `dim`, that axis removed (views). */
  unbind(this: Tensor, dim = 0): Tensor[] { return join.unbind(this, dim); }
  /** The order of elements reversed along `dims` (a copy). */
  flip(this: Tensor, dims: number | readonly number[]): Tensor { return rearrange.flip(this, dims); }
  /** Elements shifted by `shifts` along `dims`, wrapping around (the flattened tensor without `dims`). */
  roll(this: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor { return rearrange.roll(this, shifts, dims); }
  /** This tensor tiled `sizes[i]` times along each axis (PyTorch's `repeat`). */
  repeat(this: Tensor, sizes: readonly number[]): Tensor { return rearrange.repeat(this, sizes); }
  /** `repeat` with `dims` padded by leading 1s (PyTorch's `tile`). */
  tile(this: Tensor, dims: readonly number[]): Tensor { return rearrange.tile(this, dims); }
  /** The lower triangle of the last two axes (column − row ≤ `diagonal`), zeros above. */
  tril(this: Tensor, diagonal = 0): Tensor { return rearrange.tril(this, diagonal); }
  /** The upper triangle of the last two axes (column − row ≥ `diagonal`), zeros below. */
  triu(this: Tensor, diagonal = 0): Tensor { return rearrange.triu(this, diagonal); }
  /** This tensor where `condition` holds, else `other` (PyTorch's `x.where(condition, y)`). */
  where(this: Tensor, condition: Tensor, other: Operand): Tensor { return where(condition, this, other); }
  /** This tensor with `value` where `mask` holds (PyTorch's `masked_fill`). */
  maskedFill(this: Tensor, mask: Tensor, value: Operand): Tensor { return maskedFill(this, mask, value); }
  /** The entries of axis `dim` at the positions of a 1-d `index` (PyTorch's `index_select`). */
  indexSelect(this: Tensor, dim: number, index: Tensor | readonly number[]): Tensor { return indexed.indexSelect(this, dim, index); }
  /**
   * PyTorch's `x[...] = values`, in place: `values` (a number, or a tensor broadcasting to the
   * selection) written where `x.index(...items)` would read, or added with `{ accumulate: true }`
   * (repeated positions add up); outside the graph, as the other in-place ops.
   * @example
   * ```ts
   * import { arange } from "nabla";
   * const x = arange(6).reshape([2, 3]);
   * x.indexPut_([x.gt(3)], 0); // x[x > 3] = 0
   * x.indexPut_([":", [0, 0]], 10, { accumulate: true }); // index_put_ with accumulate: column 0 gets 10 twice
   * console.log(x.toArray()); // [[20, 1, 2], [23, 0, 0]]
   * ```
   */
  indexPut_(this: Tensor, items: readonly slicing.IndexItem[], values: Operand, options?: IndexPutOptions): Tensor {
    indexPut(this, items, values, options);
    return this;
  }
  /**
   * The entries x[…, i, …, i + offset, …] of dims `dim1` and `dim2` as the last dim, a view
   * (PyTorch's `diagonal`; offset > 0 above the main diagonal, < 0 below).
   * @example
   * ```ts
   * import { arange } from "nabla";
   * const x = arange(12).reshape([3, 4]);
   * console.log(x.diagonal().toArray(), x.diagonal(1).toArray(), x.diagonal(-1).toArray()); // [0, 5, 10] [1, 6, 11] [4, 9]
   * ```
   */
  diagonal(this: Tensor, offset = 0, dim1 = 0, dim2 = 1): Tensor { return diagonals.diagonal(this, offset, dim1, dim2); }
  /**
   * The sum of a matrix's main diagonal.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 2], [3, 4]]).trace().item()); // 5
   * ```
   */
  trace(this: Tensor): Tensor { return diagonals.trace(this); }
  /** The positions of the nonzero (true) entries as int32 [count, ndim], row-major (PyTorch's `nonzero`; reads the values at once). */
  nonzero(this: Tensor): Tensor { return nonzero(this); }
  /** A copy with `src` written at `index` along `dim` (PyTorch's out-of-place `scatter`). */
  scatter(this: Tensor, dim: number, index: Tensor | NestedArray, src: Tensor | number): Tensor { return indexed.scatter(this, dim, index, src); }
  /** A copy with `src` added at `index` along `dim` (PyTorch's `scatter_add`). */
  scatterAdd(this: Tensor, dim: number, index: Tensor | NestedArray, src: Tensor): Tensor { return indexed.scatterAdd(this, dim, index, src); }
}
