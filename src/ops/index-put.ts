/**
 * `x[...] = values` in place: PyTorch's `__setitem__` and `index_put_`, with the items of
 * {@link Tensor.index}. Basic items write through the view they make; with advanced items
 * (index tensors, integer arrays, bool masks) the storage offsets of the selected elements are
 * computed as a tensor and the values scattered there, straight into the target's buffer. Like
 * the other in-place ops (src/ops/in-place.ts) it is outside the graph.
 */
import type { Operand, Tensor } from "../tensor/tensor.js";
import { formatShape } from "../tensor/shape.js";
import { arange, full } from "../tensor/creation.js";
import { checkTarget } from "./in-place-write.js";
import { addInPlace, copyInPlace, fillInPlace } from "./in-place.js";
import { inIndexLayout, isAdvanced, resolveIndex } from "./advanced-index.js";
import { onBackend } from "./operand.js";
import { index, type IndexItem } from "./slicing.js";

/** Options of {@link Tensor.indexPut_}. */
export interface IndexPutOptions {
  /** Add the values to what is there instead of replacing it; repeated positions add up (default false). */
  accumulate?: boolean;
}

/**
 * Backs {@link Tensor.indexPut_}: `values` (a number, or a tensor broadcasting to the selection's
 * shape) written at `items` of `x`, or added with `accumulate`. Where an index repeats a
 * position, the values written there without `accumulate` are PyTorch's "undefined" (here the
 * last one on the CPU backends); with it, they all add up.
 */
export function indexPut(x: Tensor, items: readonly IndexItem[], values: Operand, options: IndexPutOptions = {}): void {
  // PyTorch takes accumulate as the third argument: `true` there would otherwise be read as
  // options without `accumulate`, and the values silently replaced instead of added
  if (typeof options !== "object" || options === null || Array.isArray(options)) {
    throw new Error(`indexPut_: the third argument is an options object such as { accumulate: true }, got ${Array.isArray(options) ? "an array" : String(options)}`);
  }
  const accumulate = options.accumulate ?? false;
  if (typeof accumulate !== "boolean") throw new Error(`indexPut_: accumulate must be true or false, got ${String(accumulate)}`);
  checkTarget("indexPut_", x);
  if (!items.some(isAdvanced)) {
    const view = index(x, items);
    if (accumulate) addInPlace(view, values);
    else if (typeof values === "number") fillInPlace(view, values);
    else copyInPlace(view, values);
    return;
  }
  const { view, dims, indices, shape, rest } = resolveIndex("indexPut_", x, items, (v, basic) => index(v, basic as IndexItem[]));
  // the selected elements' storage offsets, laid out as index() lays out its result: S first (S
  // the indices' broadcast shape), then the view's other dims
  const ones = (n: number): number[] => new Array<number>(n).fill(1);
  let offsets = onBackend(full([], view.offset, { dtype: "int32" }), x.backend);
  dims.forEach((d, k) => (offsets = offsets.add(indices[k]!.expand(shape).mul(view.strides[d]!).reshape([...shape, ...ones(rest.length)]))));
  rest.forEach((d, j) => {
    const along = onBackend(arange(view.shape[d]!, undefined, 1, { dtype: "int32" }), x.backend).mul(view.strides[d]!);
    offsets = offsets.add(along.reshape([...ones(shape.length), ...ones(j), view.shape[d]!, ...ones(rest.length - j - 1)]));
  });
  offsets = inIndexLayout(offsets.expand([...shape, ...rest.map((d) => view.shape[d]!)]), dims, shape.length, rest.length);
  const target = offsets.shape;
  const source = onBackend(typeof values === "number" ? full([], values, { dtype: x.dtype }) : values.detach(), x.backend).to(x.dtype);
  let spread: Tensor;
  try {
    spread = source.expand(target);
  } catch {
    throw new Error(`indexPut_: values ${formatShape(source.shape)} do not broadcast to the selection ${formatShape(target)} of ${formatShape(x.shape)}`);
  }
  const count = offsets.size;
  if (count === 0) return;
  const flatOffsets = offsets.contiguous().reshape([count]);
  const flatValues = spread.contiguous().reshape([count]);
  x.backend[accumulate ? "scatterAdd" : "scatter"](flatValues.dataRef(), flatOffsets.dataRef(), 1, x.storage.ref.size, count, 1, x.storage.ref);
}
