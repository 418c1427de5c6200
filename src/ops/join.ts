/** Joining and splitting along an axis: `cat`, `stack`, `split`, `chunk`, `unbind`. */
import { record } from "../autograd/grad-fn.js";
import { Tensor } from "../tensor/tensor.js";
import { promoteTypes, type DType } from "../tensor/dtype.js";
import { contiguousStrides, formatShape, normalizeDim, sizeOf } from "../tensor/shape.js";
import { emptyLike, onBackend } from "./operand.js";
import { unsqueeze } from "./movement.js";
import type { Layout } from "./strided-view.js";
import { narrow } from "./slicing.js";
import { splitViews } from "./split-views.js";

function checkList(op: string, tensors: readonly Tensor[]): void {
  if (!Array.isArray(tensors) || tensors.length === 0) throw new Error(`${op}: expected a non-empty list of tensors`);
  tensors.forEach((t, i) => {
    if (!(t instanceof Tensor)) throw new Error(`${op}: element ${i} of the list is not a Tensor`);
  });
}

/**
 * Joins tensors along an existing axis `dim` (PyTorch's `torch.cat`); they must match in every
 * other dim, and their dtypes promote as in arithmetic. (1-d empty tensors are skipped, as in
 * PyTorch.) The gradient is split back into the parts.
 *
 * @example
 * ```ts
 * import { cat, tensor } from "nabla";
 * const a = tensor([[1, 2]]);
 * const b = tensor([[3, 4], [5, 6]]);
 * console.log(cat([a, b]).toArray()); // [[1, 2], [3, 4], [5, 6]]
 * console.log(cat([b, b], -1).shape); // [2, 4]
 * ```
 */
export function cat(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList("cat", tensors);
  const kept = tensors.filter((t) => !(t.ndim === 1 && t.shape[0] === 0));
  const first = kept[0] ?? tensors[0]!;
  const d = normalizeDim("cat", dim, first.ndim);
  if (first.ndim === 0) throw new Error("cat: zero-dimensional tensors cannot be concatenated");
  kept.forEach((t) => {
    const bad = t.ndim !== first.ndim || t.shape.some((s, k) => k !== d && s !== first.shape[k]);
    if (bad) {
      throw new Error(`cat: sizes of tensors must match except in dim ${dim}: tensor ${tensors.indexOf(t)} has shape ${formatShape(t.shape)}, tensor ${tensors.indexOf(first)} has ${formatShape(first.shape)}`);
    }
  });
  const dtype: DType = (kept.length > 0 ? kept : tensors).map((t) => t.dtype).reduce(promoteTypes);
  const parts = kept.map((t) => onBackend(t, first.backend).to(dtype));
  const shape = first.shape.map((s, k) => (k === d ? parts.reduce((n, p) => n + p.shape[d]!, 0) : s));
  const out = emptyLike(first, shape, dtype);
  const strides = contiguousStrides(shape);
  const starts: number[] = [];
  let start = 0;
  for (const p of parts) {
    starts.push(start);
    if (sizeOf(p.shape) > 0) out.backend.copyInto(p.stridedRef(), p.shape, { ref: out.storage.ref, offset: start * strides[d]!, strides });
    start += p.shape[d]!;
  }
  // each part is a block of the output: its gradient is that block of dy
  return record(out, "cat", parts, (dy) => parts.map((p, i) => (p.requiresGrad ? narrow(dy, d, starts[i]!, p.shape[d]!) : null)));
}

/**
 * Joins tensors of one shape along a new axis `dim` (PyTorch's `torch.stack`).
 *
 * @example
 * ```ts
 * import { stack, tensor } from "nabla";
 * const a = tensor([1, 2]);
 * const b = tensor([3, 4]);
 * console.log(stack([a, b]).toArray(), stack([a, b], 1).toArray()); // [[1, 2], [3, 4]] [[1, 3], [2, 4]]
 * ```
 */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  checkList("stack", tensors);
  const first = tensors[0]!;
  const d = normalizeDim("stack", dim, first.ndim + 1);
  tensors.forEach((t, i) => {
    if (formatShape(t.shape) !== formatShape(first.shape)) throw new Error(`stack: expects each tensor to be equal size, but got ${formatShape(first.shape)} at entry 0 and ${formatShape(t.shape)} at entry ${i}`);
  });
  return cat(tensors.map((t) => unsqueeze(t, d)), d);
}

/**
 * Backs {@link Tensor.split}: views of consecutive parts along `dim`, each `splitSize` long (the
 * last may be shorter), or as long as the given list of sizes, which must add up to the dim's size.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * const x = arange(5);
 * console.log(x.split(2).map((p) => p.toArray())); // [[0, 1], [2, 3], [4]]
 * console.log(x.split([1, 4]).map((p) => p.shape)); // [[1], [4]]
 * ```
 */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  const d = normalizeDim("split", dim, x.ndim);
  if (x.ndim === 0) throw new Error("split: cannot split a 0-d tensor");
  const size = x.shape[d]!;
  let sizes: number[];
  if (typeof splitSize === "number") {
    if (!Number.isInteger(splitSize) || splitSize < 0 || (splitSize === 0 && size > 0)) throw new Error(`split: split size ${splitSize} must be a positive integer (dim ${dim} has size ${size})`);
    sizes = [];
    for (let at = 0; at < size || (size === 0 && sizes.length === 0); at += Math.max(splitSize, 1)) sizes.push(Math.min(splitSize, size - at));
  } else {
    sizes = [...splitSize];
    if (!sizes.every((s) => Number.isInteger(s) && s >= 0) || sizes.reduce((a, b) => a + b, 0) !== size) {
      throw new Error(`split: split sizes ${formatShape(sizes)} must be non-negative integers adding up to the size ${size} of dim ${dim} of ${formatShape(x.shape)}`);
    }
  }
  let start = 0;
  const views = sizes.map((s) => {
    const from = start;
    start += s;
    return (l: Layout): Layout => ({ shape: l.shape.map((n, k) => (k === d ? s : n)), strides: l.strides, offset: l.offset + from * l.strides[d]! });
  });
  // PyTorch names the node SplitBackward (chunk and a split size) or SplitWithSizesBackward
  return splitViews(typeof splitSize === "number" ? "split" : "splitWithSizes", x, views);
}

/**
 * Backs {@link Tensor.chunk}: at most `chunks` views along `dim`, each ⌈size / chunks⌉ long
 * (the last may be shorter, and there may be fewer, as in PyTorch).
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * console.log(arange(5).chunk(3).map((p) => p.toArray())); // [[0, 1], [2, 3], [4]]
 * ```
 */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (!Number.isInteger(chunks) || chunks <= 0) throw new Error(`chunk: number of chunks ${chunks} must be a positive integer`);
  const d = normalizeDim("chunk", dim, x.ndim);
  if (x.ndim === 0) throw new Error("chunk: cannot chunk a 0-d tensor");
  return split(x, Math.max(Math.ceil(x.shape[d]! / chunks), 1), d);
}

/**
 * Backs {@link Tensor.unbind}: the slices along `dim`, that axis removed (views).
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const [first, second] = tensor([[1, 2], [3, 4]]).unbind(1);
 * console.log(first!.toArray(), second!.toArray()); // [1, 3] [2, 4]
 * ```
 */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  const d = normalizeDim("unbind", dim, x.ndim);
  if (x.ndim === 0) throw new Error("unbind: cannot unbind a 0-d tensor");
  const views: ((l: Layout) => Layout)[] = [];
  for (let i = 0; i < x.shape[d]!; i++) {
    views.push((l) => ({ shape: l.shape.filter((_, k) => k !== d), strides: l.strides.filter((_, k) => k !== d), offset: l.offset + i * l.strides[d]! }));
  }
  return splitViews("unbind", x, views);
}
