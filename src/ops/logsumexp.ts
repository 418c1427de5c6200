/** `logsumexp`: log Σ exp(x) over a dim, a list of dims or everything, without overflow. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { expand, reshape } from "./movement.js";
import { finalShape, keptShape, resolveDims, type Dims } from "./reduce.js";
import { axisLayout } from "./reduce-layout.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

export function logsumexp(x: Tensor, dim: Dims, keepdim: boolean): Tensor {
  requireFloatingPoint("logsumexp", x.dtype);
  const axes = resolveDims("logsumexp", x, dim);
  const { data, outer, axisSize, inner } = axisLayout(x, axes);
  const kept = emptyLike(x, keptShape(x, axes));
  x.backend.logsumexp(data.dataRef(), outer, axisSize, inner, kept.storage.ref);
  const out = reshape(kept, finalShape(x, axes, keepdim));
  // d/dx_i log Σ exp(x) = exp(x_i) / Σ exp(x) = exp(x_i − lse): the softmax, never overflowing
  return record(out, "logsumexp", [x], (dy) => {
    const softmax = x.detach().sub(expand(kept, x.shape)).exp();
    return [expand(reshape(dy, kept.shape), x.shape).mul(softmax)];
  });
}
