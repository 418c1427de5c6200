/**
 * Sliding-window primitives: im2col (with col2im, its adjoint, as backward) and max pooling
 * with argmax, and average pooling with its adjoint. Convolution composes from im2col and the
 * matmul primitive where it has groups (ops/conv2d.ts is the one-group primitive).
 */
import type { WindowSpec } from "../backend/backend.js";
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";

export type { WindowSpec };

/** @internal Rows × columns of im2col's result: [channels·kh·kw, batch·outH·outW]. */
function columnsShape(spec: WindowSpec): [number, number] {
  return [spec.channels * spec.kernelH * spec.kernelW, spec.batch * spec.outH * spec.outW];
}

/**
 * @internal Unfolds the windows of x [batch, channels, height, width] into columns
 * [channels·kh·kw, batch·outH·outW]. Linear in x: its backward is the adjoint, col2im.
 */
export function im2col(x: Tensor, spec: WindowSpec): Tensor {
  const out = emptyLike(x, columnsShape(spec));
  x.backend.im2col(x.dataRef(), spec, out.storage.ref);
  // cols = U·x for the 0/1 selection matrix U: dx = Uᵀ·dcols, which is col2im
  return record(out, "im2col", [x], (dy) => [col2im(dy, spec)]);
}

/** @internal Sums columns back onto their input places: [batch, channels, height, width]. */
export function col2im(cols: Tensor, spec: WindowSpec): Tensor {
  const out = emptyLike(cols, [spec.batch, spec.channels, spec.height, spec.width]);
  cols.backend.col2im(cols.dataRef(), spec, out.storage.ref);
  // x = Uᵀ·cols: dcols = U·dx, which is im2col
  return record(out, "col2im", [cols], (dy) => [im2col(dy, spec)]);
}

/**
 * @internal Max pooling of x [batch, channels, height, width] in one pass; returns the maxima
 * and int32 indices (flat h·width + w in each plane, PyTorch's `return_indices` layout).
 */
export function maxPool2dWithIndices(x: Tensor, spec: WindowSpec): [Tensor, Tensor] {
  const shape = [spec.batch, spec.channels, spec.outH, spec.outW];
  const out = emptyLike(x, shape);
  const indices = emptyLike(x, shape, "int32");
  x.backend.maxPool2d(x.dataRef(), spec, out.storage.ref, indices.storage.ref);
  // y = x[argmax]: dx[argmax] += dy, zero elsewhere (windows that overlap add up)
  record(out, "maxPool2d", [x], (dy) => {
    const dx = emptyLike(x, [spec.batch, spec.channels, spec.height, spec.width]);
    x.backend.maxPool2dGrad(dy.dataRef(), indices.storage.ref, spec, dx.storage.ref);
    return [dx];
  });
  return [out, indices];
}

/**
 * @internal Average pooling of x [batch, channels, height, width] in one pass: each window's
 * sum (padding counts as zero) over `divisors` [outH·outW], a tensor of x's dtype and backend.
 */
export function avgPool2dPrimitive(x: Tensor, divisors: Tensor, spec: WindowSpec): Tensor {
  const out = emptyLike(x, [spec.batch, spec.channels, spec.outH, spec.outW]);
  x.backend.pool2d("avgPool2d", x.dataRef(), divisors.dataRef(), spec, out.storage.ref);
  // y = A·x, A the averaging matrix: dx = Aᵀ·dy, which is avgPool2dGrad
  return record(out, "avgPool2d", [x], (dy) => [avgPool2dGrad(dy, divisors, spec)], undefined, [divisors]);
}

/** @internal The adjoint of average pooling: dy [batch, channels, outH, outW] spread back over the windows. */
export function avgPool2dGrad(dy: Tensor, divisors: Tensor, spec: WindowSpec): Tensor {
  const out = emptyLike(dy, [spec.batch, spec.channels, spec.height, spec.width]);
  dy.backend.pool2d("avgPool2dGrad", dy.dataRef(), divisors.dataRef(), spec, out.storage.ref);
  // x = Aᵀ·dy: ddy = A·dx, which is average pooling
  return record(out, "avgPool2dGrad", [dy], (g) => [avgPool2dPrimitive(g, divisors, spec)], undefined, [divisors]);
}
