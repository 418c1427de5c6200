/** How a reduction over several dims becomes one kernel call over the middle axis of [outer, axisSize, inner]. */
import type { Tensor } from "../tensor/tensor.js";
import { sizeOf } from "../tensor/shape.js";
import { permute, reshape } from "./movement.js";

/** @internal The contiguous data and the [outer, axisSize, inner] split that reduces `axes` (sorted) as one axis. */
export interface AxisLayout {
  readonly data: Tensor;
  readonly outer: number;
  readonly axisSize: number;
  readonly inner: number;
  /** The permutation that moved the reduced axes last; null when none was needed. */
  readonly order: readonly number[] | null;
}

/**
 * @internal Reduced axes next to each other (dims 1 and 2 of [a, b, c, d]) are already one axis of
 * [a, b·c, d]; scattered ones (dims 0 and 2) are moved last by a copy, [b·d, a·c, 1]. Either
 * way the kept dims stay in order, so the kernel's [outer, inner] output is the kept shape.
 * The copy is detached: callers record their own backward rule against `x`.
 */
export function axisLayout(x: Tensor, axes: readonly number[]): AxisLayout {
  const axisSize = sizeOf(axes.map((a) => x.shape[a]!));
  const adjacent = axes.every((a, i) => i === 0 || a === axes[i - 1]! + 1);
  if (adjacent) {
    const first = axes[0] ?? x.ndim;
    const last = axes.length === 0 ? x.ndim : axes[axes.length - 1]! + 1;
    return { data: x.detach().contiguous(), outer: sizeOf(x.shape.slice(0, first)), axisSize, inner: sizeOf(x.shape.slice(last)), order: null };
  }
  const kept = x.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const order = [...kept, ...axes];
  const moved = permute(x.detach(), order).contiguous();
  return { data: moved, outer: sizeOf(kept.map((k) => x.shape[k]!)), axisSize, inner: 1, order };
}

/** @internal A tensor laid out as `layout.data` brought back to the shape and dim order of `x`. */
export function fromLayout(t: Tensor, layout: AxisLayout, x: Tensor): Tensor {
  if (layout.order === null) return reshape(t, x.shape);
  const order = layout.order;
  const moved = reshape(t, order.map((d) => x.shape[d]!));
  return permute(moved, x.shape.map((_, d) => order.indexOf(d)));
}
