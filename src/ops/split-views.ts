/**
 * The views behind `split`, `chunk` and `unbind`: parts of one tensor whose backward makes ONE
 * gradient for the input, as PyTorch's SplitBackward does — the parts' gradients written side by
 * side into one buffer, zeros only where a part got none — instead of a zero-padded full-size
 * tensor per part that backward then adds up (for q, k, v split from one projection: three
 * full-size buffers, three fills and two additions per attention block).
 *
 * The engine keeps one gradient per node and adds up what several consumers send it, so the
 * parts cannot send theirs to the input directly. They hang off one shared node instead (the
 * gather: an identity view of the input). Each part's rule files its gradient with the gather
 * for the current backward pass, and only the first to run sends the gather anything (its own
 * gradient, as a token that is never read), so the engine has nothing to add. The gather is
 * the parts' input, so it runs after every part the pass reaches, and builds the gradient from
 * what was filed.
 */
import { record } from "../autograd/grad-fn.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { backwardPass } from "../autograd/backward.js";
import { Tensor } from "../tensor/tensor.js";
import { isFloatingPoint, promoteTypes } from "../tensor/dtype.js";
import { contiguousStrides, sizeOf } from "../tensor/shape.js";
import { emptyLike, onBackend } from "./operand.js";
import { stridedView, type Layout, type ViewOf } from "./strided-view.js";

/**
 * @internal `x` read through each of `views` (layout functions as {@link stridedView} takes;
 * together they must cover each element of `x` once, as split's parts do), sharing its storage.
 */
export function splitViews(name: string, x: Tensor, views: readonly ViewOf[]): Tensor[] {
  const layout: Layout = { shape: x.shape, strides: x.strides, offset: x.offset };
  const viewOf = (of: ViewOf): Tensor => {
    const l = of(layout);
    return new Tensor(x.storage, l.shape, l.strides, l.offset);
  };
  if (!isGradEnabled() || !x.requiresGrad || !isFloatingPoint(x.dtype)) return views.map(viewOf);
  const filed: (Tensor | undefined)[] = views.map(() => undefined);
  let pass = -1; // the backward pass whose gradients `filed` holds
  const gather = new Tensor(x.storage, x.shape, x.strides, x.offset);
  // dL/dx: each part's dL/dpart in that part's region, 0 where a part got no gradient
  record(gather, name, [x], () => {
    try {
      return [assemble(name, x.shape, views, filed)];
    } finally {
      filed.fill(undefined);
      pass = -1;
    }
  });
  return views.map((of, i) =>
    record(viewOf(of), name, [gather], (dy) => {
      const current = backwardPass();
      const first = pass !== current; // a pass that failed before the gather ran left stale entries
      if (first) {
        filed.fill(undefined);
        pass = current;
      }
      filed[i] = dy;
      dy.storage.kept = true; // read again by the gather, after this rule returns
      return [first ? dy : null];
    }),
  );
}

/** One tensor of `shape` holding each filed gradient in its part's region, zeros elsewhere. */
function assemble(name: string, shape: readonly number[], views: readonly ViewOf[], filed: readonly (Tensor | undefined)[]): Tensor {
  const present: number[] = [];
  filed.forEach((dy, i) => dy !== undefined && present.push(i));
  // the parts' gradients share a dtype and backend unless one came in as backward's seed: promote, as a sum would
  const dtype = present.map((i) => filed[i]!.dtype).reduce(promoteTypes);
  const first = filed[present[0]!]!;
  const parts = present.map((i) => onBackend(filed[i]!, first.backend).to(dtype));
  const out = emptyLike(first, shape, dtype);
  const contiguous: Layout = { shape, strides: contiguousStrides(shape), offset: 0 };
  const regions = views.map((of) => of(contiguous));
  if (regions.some((r, i) => filed[i] === undefined && sizeOf(r.shape) > 0)) first.backend.fill(out.storage.ref, 0);
  parts.forEach((dy, k) => {
    const region = regions[present[k]!]!;
    if (dy.size > 0) first.backend.copyInto(dy.stridedRef(), dy.shape, { ref: out.storage.ref, offset: region.offset, strides: region.strides });
  });
  // placing the parts side by side is linear: its adjoint takes each part's region back
  return record(out, `${name}Backward`, parts, (ddx) => present.map((i) => stridedView(name, ddx, views[i]!)));
}
