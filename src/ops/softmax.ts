/**
 * Softmax and log-softmax, composed from primitives. Both subtract the (detached) maximum first:
 * the naive exp(x)/Σexp(x) overflows for x = 1000, while exp(x − max) ≤ 1 always.
 */
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/shape.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

export function softmax(x: Tensor, dim: number): Tensor {
  requireFloatingPoint("softmax", x.dtype);
  const axis = normalizeDim("softmax", dim, x.ndim);
  // the maximum only shifts: no gradient flows through it, so it is taken without recording
  const e = x.sub(x.detach().amax(axis, true)).exp();
  return e.div(e.sum(axis, true));
}

/** log softmax(x) = (x − m) − log Σ exp(x − m), m the (unrecorded) maximum: finite for any logits. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireFloatingPoint("logSoftmax", x.dtype);
  const axis = normalizeDim("logSoftmax", dim, x.ndim);
  const shifted = x.sub(x.detach().amax(axis, true));
  return shifted.sub(shifted.exp().sum(axis, true).log());
}
