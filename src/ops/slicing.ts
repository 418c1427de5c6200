/**
 * Views that select part of a tensor: `narrow`, `select`, `slice` and basic indexing with
 * `index`. All share the input's storage (a write through them shows in the input) and take
 * their gradient rule from {@link stridedView}.
 */
import type { Tensor } from "../tensor/tensor.js";
import { formatShape, normalizeDim } from "../tensor/shape.js";
import { stridedView, type Layout } from "./strided-view.js";
import { advancedIndex, isAdvanced, type AdvancedItem } from "./advanced-index.js";

function replaced(values: readonly number[], at: number, value: number): number[] {
  return values.map((v, i) => (i === at ? value : v));
}

/**
 * Backs {@link Tensor.narrow}: `length` elements of axis `dim` from `start` (which may be
 * negative), a view.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * console.log(arange(6).reshape([2, 3]).narrow(1, 1, 2).toArray()); // [[1, 2], [4, 5]]
 * ```
 */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  const d = normalizeDim("narrow", dim, x.ndim);
  if (x.ndim === 0) throw new Error("narrow: cannot narrow a 0-d tensor");
  const size = x.shape[d]!;
  if (!Number.isInteger(start) || start < -size || start > size) {
    throw new Error(`narrow: start ${start} is out of range for dim ${dim} of size ${size} (expected an integer in [${-size}, ${size}])`);
  }
  const from = start < 0 ? start + size : start;
  if (!Number.isInteger(length) || length < 0 || from + length > size) {
    throw new Error(`narrow: start (${start}) + length (${length}) exceeds the size ${size} of dim ${dim} of ${formatShape(x.shape)}`);
  }
  return stridedView("narrow", x, (l) => ({
    shape: replaced(l.shape, d, length),
    strides: l.strides,
    offset: l.offset + from * l.strides[d]!,
  }));
}

/**
 * Backs {@link Tensor.select}: the slice at `index` of axis `dim`, with that axis removed
 * (PyTorch's `x.select(dim, i)`, `x[..., i, ...]`), a view.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * const x = arange(6).reshape([2, 3]);
 * console.log(x.select(1, -1).toArray()); // [2, 5]
 * ```
 */
export function select(x: Tensor, dim: number, index: number): Tensor {
  const d = normalizeDim("select", dim, x.ndim);
  if (x.ndim === 0) throw new Error("select: cannot select from a 0-d tensor");
  const i = checkIndex("select", index, x.shape[d]!, dim, x.shape);
  return stridedView("select", x, (l) => ({
    shape: l.shape.filter((_, k) => k !== d),
    strides: l.strides.filter((_, k) => k !== d),
    offset: l.offset + i * l.strides[d]!,
  }));
}

function checkIndex(op: string, index: number, size: number, dim: number, shape: readonly number[]): number {
  if (!Number.isInteger(index) || index < -size || index >= size) {
    throw new Error(`${op}: index ${index} is out of range for dim ${dim} of size ${size} in ${formatShape(shape)} (expected an integer in [${-size}, ${size - 1}])`);
  }
  return index < 0 ? index + size : index;
}

/** Python's slice bounds: negative values count from the end, then both clamp to [0, size]. */
function sliceRange(op: string, size: number, start: number | null | undefined, end: number | null | undefined, step: number): { from: number; count: number } {
  for (const [name, v] of [["start", start], ["end", end]] as const) {
    if (v !== null && v !== undefined && !Number.isInteger(v)) throw new Error(`${op}: slice ${name} ${v} is not an integer`);
  }
  if (!Number.isInteger(step) || step <= 0) throw new Error(`${op}: slice step ${step} must be a positive integer (PyTorch has no negative steps; use flip)`);
  const clampBound = (v: number | null | undefined, fallback: number): number => {
    if (v === null || v === undefined) return fallback;
    const w = v < 0 ? v + size : v;
    return Math.min(Math.max(w, 0), size);
  };
  const from = clampBound(start, 0);
  const to = clampBound(end, size);
  return { from, count: to > from ? Math.ceil((to - from) / step) : 0 };
}

/**
 * Backs {@link Tensor.slice}: elements `start, start + step, …` before `end` along `dim`, with
 * Python's rules (negative bounds count from the end, bounds past the ends are clamped; `step`
 * must be positive, as in PyTorch) — `x[:, start:end:step]` for `dim` 1. A view.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * console.log(arange(10).slice(0, 1, -1, 3).toArray()); // [1, 4, 7]
 * ```
 */
export function slice(x: Tensor, dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor {
  const d = normalizeDim("slice", dim, x.ndim);
  if (x.ndim === 0) throw new Error("slice: cannot slice a 0-d tensor");
  const { from, count } = sliceRange("slice", x.shape[d]!, start, end, step);
  return stridedView("slice", x, (l) => sliceLayout(l, d, from, count, step));
}

function sliceLayout(l: Layout, d: number, from: number, count: number, step: number): Layout {
  return { shape: replaced(l.shape, d, count), strides: replaced(l.strides, d, l.strides[d]! * step), offset: l.offset + from * l.strides[d]! };
}

/** A slice in {@link Tensor.index}, spelled as an object where its bounds are computed. */
export interface SliceSpec {
  start?: number | null;
  end?: number | null;
  step?: number;
}

/**
 * One entry of an index ({@link Tensor.index}): an integer picks one position and removes
 * the axis; a slice string `"start:end:step"` (any part may be left out, as in Python) or a
 * {@link SliceSpec} keeps a range; `null` inserts a new axis of size 1; `"..."` stands for as
 * many full slices as the other entries leave. An int32 tensor or an array of integers picks
 * entries along its axis, and a bool tensor or nested arrays of booleans (a mask) picks the
 * true entries of the axes it covers: PyTorch's advanced indexing, which copies.
 */
export type IndexItem = number | string | SliceSpec | null | AdvancedItem;

type Resolved = { kind: "int"; index: number } | { kind: "slice"; start: number | null; end: number | null; step: number } | { kind: "new" } | { kind: "ellipsis" };

function parseItem(item: IndexItem, position: number): Resolved {
  if (item === null) return { kind: "new" };
  if (typeof item === "number") return { kind: "int", index: item };
  if (item === "...") return { kind: "ellipsis" };
  if (typeof item === "string") {
    const parts = item.split(":");
    const bound = (text: string | undefined): number | null => {
      if (text === undefined || text.trim() === "") return null;
      const v = Number(text);
      if (!Number.isInteger(v)) throw new Error(`index: cannot read ${JSON.stringify(item)} at position ${position} as a slice "start:end:step" of integers`);
      return v;
    };
    if (parts.length < 2 || parts.length > 3) throw new Error(`index: ${JSON.stringify(item)} at position ${position} is not a slice "start:end:step" or "..."`);
    return { kind: "slice", start: bound(parts[0]), end: bound(parts[1]), step: bound(parts[2]) ?? 1 };
  }
  if (isAdvanced(item)) throw new Error(`index: the advanced item at position ${position} reached basic indexing`); // (index() routes these first)
  if (typeof item === "object") return { kind: "slice", start: item.start ?? null, end: item.end ?? null, step: item.step ?? 1 };
  throw new Error(`index: cannot index with ${typeof item} at position ${position}`);
}

/**
 * Backs {@link Tensor.index}: PyTorch's indexing `x[...]`. Basic items make a view: Python's
 * `x[1, 1:3, ..., None, ::2]` is `x.index(1, "1:3", "...", null, "::2")`. Index tensors,
 * integer arrays and bool masks copy, with PyTorch's rules (ops/advanced-index.ts):
 * `x[idx]` is `x.index(idx)`, `probs[range(n), y]` is `probs.index(arange(n), y)`.
 *
 * @example
 * ```ts
 * import { arange, tensor } from "nabla";
 * const x = arange(24).reshape([2, 3, 4]);
 * console.log(x.index(1, "1:3", "...", null).shape); // [2, 4, 1]
 * console.log(x.index(0, -1, "::2").toArray()); // [8, 10]
 * console.log(x.index(1, [0, 2], -1).toArray()); // [15, 23]
 * console.log(x.index(":", tensor([0, 0], { dtype: "int32" }), 3).toArray()); // [[3, 3], [15, 15]]
 * console.log(x.index(x.gt(20)).toArray()); // [21, 22, 23]
 * ```
 */
export function index(x: Tensor, items: readonly IndexItem[]): Tensor {
  if (items.some(isAdvanced)) return advancedIndex(x, items, (view, basic) => index(view, basic as IndexItem[]));
  const parsed = items.map(parseItem);
  const ellipses = parsed.filter((p) => p.kind === "ellipsis").length;
  if (ellipses > 1) throw new Error("index: an index can only have a single ellipsis ('...')");
  const consumed = parsed.filter((p) => p.kind === "int" || p.kind === "slice").length;
  if (consumed > x.ndim) throw new Error(`index: too many indices for a tensor of ${x.ndim} dimension${x.ndim === 1 ? "" : "s"} ${formatShape(x.shape)}: ${consumed} given`);
  // resolved against x's shape once, so the view and its gradient region agree
  const plan: ({ kind: "int"; dim: number; at: number } | { kind: "slice"; dim: number; from: number; count: number; step: number } | { kind: "new" } | { kind: "keep"; dim: number })[] = [];
  let d = 0;
  for (const p of parsed) {
    if (p.kind === "new") plan.push({ kind: "new" });
    else if (p.kind === "ellipsis") for (let k = 0; k < x.ndim - consumed; k++) plan.push({ kind: "keep", dim: d++ });
    else if (p.kind === "int") plan.push({ kind: "int", dim: d, at: checkIndex("index", p.index, x.shape[d]!, d++, x.shape) });
    else plan.push({ kind: "slice", dim: d, step: p.step, ...sliceRange("index", x.shape[d++]!, p.start, p.end, p.step) });
  }
  while (d < x.ndim) plan.push({ kind: "keep", dim: d++ });
  return stridedView("index", x, (l) => {
    const shape: number[] = [];
    const strides: number[] = [];
    let offset = l.offset;
    for (const p of plan) {
      if (p.kind === "new") {
        shape.push(1);
        strides.push(0);
      } else if (p.kind === "keep") {
        shape.push(l.shape[p.dim]!);
        strides.push(l.strides[p.dim]!);
      } else if (p.kind === "int") offset += p.at * l.strides[p.dim]!;
      else {
        shape.push(p.count);
        strides.push(l.strides[p.dim]! * p.step);
        offset += p.from * l.strides[p.dim]!;
      }
    }
    return { shape, strides, offset };
  });
}
