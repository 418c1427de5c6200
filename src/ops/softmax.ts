/**
 * Softmax and log-softmax as primitives: one kernel each way (op-table.ts's SOFTMAX_OPS)
 * instead of a max, a subtraction, an exp, a sum and a division forward and as many ops again
 * backward. The kernels subtract each slice's maximum first: the naive exp(x)/Σexp(x)
 * overflows for x = 1000, while exp(x − max) ≤ 1 always.
 */
import { record } from "../autograd/grad-fn.js";
import type { SoftmaxOp } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { normalizeDim } from "../tensor/shape.js";
import { requireFloatingPoint } from "../tensor/dtype.js";
import { emptyLike } from "./operand.js";

/** x's shape as [outer, axisSize, inner] around `axis` (a 0-d tensor is one slice of one). */
function around(x: Tensor, axis: number): [number, number, number] {
  if (x.ndim === 0) return [1, 1, 1];
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= x.shape[d]!;
  for (let d = axis + 1; d < x.ndim; d++) inner *= x.shape[d]!;
  return [outer, x.shape[axis]!, inner];
}

/** One kernel call: the op on x (forward) or on the forward's output y and dy (gradients). */
function run(op: SoftmaxOp, x: Tensor, dy: Tensor | null, slices: [number, number, number], causal = 0): Tensor {
  const out = emptyLike(x);
  x.backend.softmax(op, x.dataRef(), dy === null ? null : dy.dataRef(), slices[0], slices[1], slices[2], out.storage.ref, causal);
  return out;
}

export function softmax(x: Tensor, dim: number): Tensor {
  requireFloatingPoint("softmax", x.dtype);
  const slices = around(x, normalizeDim("softmax", dim, x.ndim));
  const y = run("softmax", x, null, slices);
  // y = e^(x − m)/Σ e^(x − m): dx = y·(dy − Σ dy·y) (the maximum m only shifts)
  return record(y, "softmax", [x], (dy) => [run("softmaxGrad", y, dy, slices)]);
}

/** log softmax(x) = (x − m) − log Σ exp(x − m), m the maximum: finite for any finite logits. */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  requireFloatingPoint("logSoftmax", x.dtype);
  const slices = around(x, normalizeDim("logSoftmax", dim, x.ndim));
  const y = run("logSoftmax", x, null, slices);
  // dx = dy − softmax(x)·Σ dy = dy − e^y·Σ dy
  return record(y, "logSoftmax", [x], (dy) => [run("logSoftmaxGrad", y, dy, slices)]);
}

/**
 * @internal softmax over the last dim of attention scores [..., L, S] under a causal mask:
 * query i sees keys j ≤ i only, the rest weigh 0, as softmax(scores + causal −∞ mask) but in
 * one kernel with no mask tensor; masked scores are never read.
 */
export function causalSoftmax(scores: Tensor): Tensor {
  requireFloatingPoint("softmax", scores.dtype);
  const L = scores.shape[scores.ndim - 2]!;
  const slices = around(scores, scores.ndim - 1);
  const y = L === 0 ? emptyLike(scores) : run("softmax", scores, null, slices, L);
  // as softmax's: where y = 0 (masked) dx = 0
  return record(y, "softmax", [scores], (dy) => [run("softmaxGrad", y, dy, slices)]);
}
