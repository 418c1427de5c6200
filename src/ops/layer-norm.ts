/**
 * Layer normalization as a primitive (op-table.ts's LAYER_NORM_OPS): one kernel computes each
 * row's statistics and the normalized, scaled and shifted output, one kernel the three
 * gradients, instead of nine element-wise ops and reductions forward and more backward.
 */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";

/**
 * @internal x normalized over its trailing `features` elements (the rows are everything
 * before), times `weight` plus `bias` (each of `features` elements, or null), all of one dtype.
 */
export function layerNormRows(x: Tensor, features: number, weight: Tensor | null, bias: Tensor | null, eps: number): Tensor {
  const rows = features === 0 ? 0 : x.size / features;
  const y = emptyLike(x);
  const mean = emptyLike(x, [rows]);
  const variance = emptyLike(x, [rows]);
  const ref = (t: Tensor | null) => (t === null ? null : t.dataRef());
  x.backend.layerNorm("layerNorm", { x: x.dataRef(), dy: null, weight: ref(weight), bias: ref(bias), mean: mean.storage.ref, variance: variance.storage.ref, out: y.storage.ref, dweight: null, dbias: null }, rows, features, eps);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  // y = x̂·w + b, x̂ = (x − μ)·invstd with μ and σ² the row's: with g = dy·w,
  // dx = invstd·(g − mean(g) − x̂·mean(g·x̂)) (μ and σ² depend on every x of the row),
  // dw = Σ_rows dy·x̂, db = Σ_rows dy
  return record(y, "layerNorm", inputs, (dy) => {
    const dx = emptyLike(x);
    const dweight = weight?.requiresGrad ? emptyLike(weight) : null;
    const dbias = bias?.requiresGrad ? emptyLike(bias) : null;
    x.backend.layerNorm("layerNormGrad", {
      x: x.dataRef(), dy: dy.dataRef(), weight: ref(weight), bias: null, mean: mean.storage.ref, variance: variance.storage.ref,
      out: dx.storage.ref, dweight: dweight === null ? null : dweight.storage.ref, dbias: dbias === null ? null : dbias.storage.ref,
    }, rows, features, eps);
    const grads: (Tensor | null)[] = [x.requiresGrad ? dx : null];
    if (weight !== null) grads.push(dweight);
    if (bias !== null) grads.push(dbias);
    return grads;
  }, undefined, [mean, variance]);
}
