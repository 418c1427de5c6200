/**
 * The strided-view primitive behind `narrow`, `select`, `slice`, `index` and `diagonal`-like
 * views: the output shares the input's storage and reads it through new shape, strides and
 * offset. Its backward places the gradient in the same region of a zero tensor; that
 * placement is recorded too (its own backward is the view again), so gradients of gradients work.
 */
import { record } from "../autograd/grad-fn.js";
import { Tensor } from "../tensor/tensor.js";
import { contiguousStrides } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";

/** Where a tensor's elements sit in its storage. */
export interface Layout {
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/**
 * A view as a function of the input's layout. It must select distinct elements (a slice, a
 * selected index, a reordering), never repeat one: `expand` has its own rule. Applied to `x`'s
 * layout it gives the forward view; applied to a contiguous layout of `x`'s shape it gives
 * the region of the gradient.
 */
export type ViewOf = (layout: Layout) => Layout;

function layoutOf(x: Tensor): Layout {
  return { shape: x.shape, strides: x.strides, offset: x.offset };
}

/** @internal `x` read through `of(x's layout)`, sharing its storage. */
export function stridedView(name: string, x: Tensor, of: ViewOf): Tensor {
  const { shape, strides, offset } = of(layoutOf(x));
  const out = new Tensor(x.storage, shape, strides, offset);
  // y = x restricted to a region: dL/dx is dL/dy in that region and 0 elsewhere
  return record(out, name, [x], (dy) => [placeInView(name, dy, x.shape, of)]);
}

/** @internal A zero tensor of `shape` with `values` written into the region `of` selects. */
export function placeInView(name: string, values: Tensor, shape: readonly number[], of: ViewOf): Tensor {
  const out = emptyLike(values, shape);
  values.backend.fill(out.storage.ref, 0);
  const region = of({ shape, strides: contiguousStrides(shape), offset: 0 });
  values.backend.copyInto(values.stridedRef(), values.shape, { ref: out.storage.ref, offset: region.offset, strides: region.strides });
  // the adjoint of placing is taking the same region back
  return record(out, `${name}Backward`, [values], (dy) => [stridedView(name, dy, of)]);
}
