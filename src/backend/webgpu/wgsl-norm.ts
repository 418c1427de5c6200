/**
 * WGSL for batch normalization in training (op-table.ts's NORM_OPS) over x [outer, channels,
 * inner]: one workgroup per channel reduces its outer·inner values with a tree in workgroup
 * memory (wgsl-workgroup.ts), in f32 where the reference sums in doubles (the tree keeps the
 * error near log₂ n roundings). Reference: src/backend/js-batch-norm.ts. prm[8..10] = outer,
 * channels, inner; F(0) = eps.
 */
import { binding, customKernel, elementKernel, memo } from "./wgsl.js";
import { ENTRY, REDUCE_GROUP, WORKGROUP } from "./wgsl-workgroup.js";

/** Element e of channel `c`'s outer·inner values, as an index into x. */
const CHANNEL = `  let outer = prm[8]; let C = prm[9]; let inner = prm[10];
  let count = outer * inner;
  let c = wg;`;
const AT = "(e / inner) * C * inner + c * inner + e % inner";

/**
 * The forward step for channel wg: mean, biased variance (a second pass around the mean), then
 * y = (x − mean)·weight/√(variance + eps) + bias for the channel's values.
 */
export const batchNormShader = memo(function batchNormShader(weight: boolean, bias: boolean): string {
  const bindings = [binding(1, "xs", "float32"), binding(5, "out", "float32"), binding(6, "mean", "float32"), binding(7, "variance", "float32"), WORKGROUP];
  if (weight) bindings.push(binding(2, "weight", "float32"));
  if (bias) bindings.push(binding(3, "bias", "float32"));
  return customKernel(
    bindings,
    `${ENTRY}
${CHANNEL}
  if (c >= C) { return; }
  var s = 0.0;
  for (var e = T; e < count; e = e + ${REDUCE_GROUP}) { s = s + xs[${AT}]; }
  let m = tree(t, s, 0) / f32(count);
  var q = 0.0;
  for (var e = T; e < count; e = e + ${REDUCE_GROUP}) { let d = xs[${AT}] - m; q = q + d * d; }
  let v = tree(t, q, 0) / f32(count);
  if (T == 0) { mean[c] = m; variance[c] = v; }
  let scale = ${weight ? "weight[c]" : "1.0"} / sqrt(v + F(0));
  let shift = ${bias ? "bias[c]" : "0.0"};
  for (var e = T; e < count; e = e + ${REDUCE_GROUP}) { let at = ${AT}; out[at] = (xs[at] - m) * scale + shift; }
}`,
  );
});

/** The backward sums for channel wg: sums[c] = Σ dy·x̂, sums[C + c] = Σ dy. */
export const batchNormSumsShader = memo(function batchNormSumsShader(): string {
  return customKernel(
    [binding(1, "xs", "float32"), binding(2, "dy", "float32"), binding(3, "mean", "float32"), binding(4, "variance", "float32"), binding(5, "sums", "float32"), WORKGROUP],
    `${ENTRY}
${CHANNEL}
  if (c >= C) { return; }
  let m = mean[c];
  let invstd = 1.0 / sqrt(variance[c] + F(0));
  var s = 0.0;
  var p = 0.0;
  for (var e = T; e < count; e = e + ${REDUCE_GROUP}) { let at = ${AT}; let g = dy[at]; s = s + g; p = p + g * (xs[at] - m); }
  let sumDy = tree(t, s, 0);
  let sumDyXhat = tree(t, p, 0) * invstd;
  if (T == 0) { sums[c] = sumDyXhat; sums[C + c] = sumDy; }
}`,
  );
});

/**
 * dx = w·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)), one thread per element; mean and variance
 * are bound read-write only because WebGPU allows 8 storage buffers per kernel and an input
 * slot is 1–4 (nothing writes them).
 */
export const batchNormGradShader = memo(function batchNormGradShader(weight: boolean): string {
  const bindings = [binding(1, "xs", "float32"), binding(2, "dy", "float32"), binding(4, "sums", "float32"), binding(5, "out", "float32"), binding(6, "mean", "float32"), binding(7, "variance", "float32")];
  if (weight) bindings.push(binding(3, "weight", "float32"));
  return elementKernel(
    bindings,
    `  let outer = prm[8]; let C = prm[9]; let inner = prm[10];
  let count = f32(outer * inner);
  let c = (i / inner) % C;
  let m = mean[c];
  let invstd = 1.0 / sqrt(variance[c] + F(0));
  let scale = ${weight ? "weight[c]" : "1.0"} * invstd;
  out[i] = scale * (dy[i] - sums[C + c] / count - (xs[i] - m) * invstd * (sums[c] / count));`,
  );
});
