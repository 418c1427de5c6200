/**
 * Batch normalization's training step as a primitive (op-table.ts's NORM_OPS): one kernel
 * computes the batch statistics and the normalized, scaled and shifted output, one kernel the
 * three gradients, instead of a dozen element-wise ops and reductions each way.
 */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";

/**
 * @internal x [N, C, ...] normalized per channel with the batch's statistics, times `weight`
 * plus `bias` ([C] or null). Returns the output and the batch's mean and biased variance [C]
 * (no gradient flows through those: they feed the running statistics).
 */
export function batchNormTraining(x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const channels = x.shape[1]!;
  const outer = x.shape[0]!;
  const inner = x.size / Math.max(outer * channels, 1);
  const y = emptyLike(x);
  const mean = emptyLike(x, [channels]);
  const variance = emptyLike(x, [channels]);
  const data = x.dataRef();
  const weightRef = weight === null ? null : weight.dataRef();
  x.backend.batchNorm("batchNorm", { x: data, dy: null, weight: weightRef, bias: bias === null ? null : bias.dataRef(), mean: mean.storage.ref, variance: variance.storage.ref, out: y.storage.ref, dweight: null, dbias: null }, outer, channels, inner, eps);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  // y = x̂·w + b, x̂ = (x − μ)·invstd with μ and σ² the batch's: dx = w·invstd·(dy − mean(dy) −
  // x̂·mean(dy·x̂)) (μ and σ² depend on every x), dw = Σ dy·x̂, db = Σ dy
  record(y, "batchNorm", inputs, (dy) => {
    const dx = emptyLike(x);
    const dweight = weight?.requiresGrad ? emptyLike(x, [channels]) : null;
    const dbias = bias?.requiresGrad ? emptyLike(x, [channels]) : null;
    x.backend.batchNorm("batchNormGrad", {
      x: x.dataRef(), dy: dy.dataRef(), weight: weight === null ? null : weight.dataRef(), bias: null, mean: mean.storage.ref, variance: variance.storage.ref,
      out: dx.storage.ref, dweight: dweight === null ? null : dweight.storage.ref, dbias: dbias === null ? null : dbias.storage.ref,
    }, outer, channels, inner, eps);
    const grads: (Tensor | null)[] = [x.requiresGrad ? dx : null];
    if (weight !== null) grads.push(dweight);
    if (bias !== null) grads.push(dbias);
    return grads;
  }, undefined, [mean, variance]);
  return { y, mean, variance };
}
