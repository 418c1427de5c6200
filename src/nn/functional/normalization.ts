/** Batch, layer and group normalization: batch-norm in training is one primitive each way (ops/batch-norm.ts), the rest compose reductions and element-wise ops. */
import { noGrad } from "../../autograd/grad-mode.js";
import { batchNormTraining } from "../../ops/batch-norm.js";
import { layerNormRows } from "../../ops/layer-norm.js";
import { formatShape, shapesEqual } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { isFloatingPoint } from "../../tensor/dtype.js";

/** Options of {@link batchNorm}, as PyTorch's `F.batch_norm`. */
export interface BatchNormOptions {
  /** Per-channel scale γ [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift β [C] (default none). */
  bias?: Tensor | null;
  /** Use the batch's statistics and update the running ones (default false: use the running ones). */
  training?: boolean;
  /** Weight of the new statistic in the running average (default 0.1). */
  momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
}

/** (x − mean) / √(var + eps), the statistics taken over `axes` (biased variance), kept as dims. */
function standardize(x: Tensor, axes: number[], eps: number): { y: Tensor; mean: Tensor; variance: Tensor } {
  const mean = x.mean(axes, true);
  const centered = x.sub(mean);
  const variance = centered.square().mean(axes, true);
  return { y: centered.div(variance.add(eps).sqrt()), mean, variance };
}

/** running ← (1 − momentum)·running + momentum·batch, the variance unbiased (PyTorch's rule). */
function updateRunning(runningMean: Tensor, runningVar: Tensor, mean: Tensor, variance: Tensor, momentum: number, count: number): void {
  noGrad(() => {
    runningMean.mul_(1 - momentum).add_(mean.detach().to(runningMean.dtype), momentum);
    const unbiased = variance.detach().mul(count / (count - 1));
    runningVar.mul_(1 - momentum).add_(unbiased.to(runningVar.dtype), momentum);
  });
}

/** `t` [C] shaped to broadcast over channel axis 1 of an input of rank `ndim`. */
function perChannel(t: Tensor, ndim: number): Tensor {
  return t.reshape([1, t.shape[0]!, ...new Array<number>(Math.max(ndim - 2, 0)).fill(1)]);
}

/**
 * Batch normalization over channel axis 1 of [N, C] or [N, C, ...]: in training, each channel
 * is standardised with the batch's mean and biased variance and the running statistics (if
 * given) move toward the batch's, the variance unbiased (PyTorch's rule):
 * running ← (1 − momentum)·running + momentum·batch. Otherwise the running statistics are used.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const y = nn.functional.batchNorm(tensor([[1], [3]]), null, null, { training: true });
 * console.log(y.toArray().map((r) => Number(r).toFixed(3))); // ["-1.000", "1.000"]
 * ```
 */
export function batchNorm(input: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`batchNorm: expected input [N, C, ...], got ${formatShape(input.shape)}`);
  const channels = input.shape[1]!;
  for (const [name, t] of [["weight", weight], ["bias", bias], ["runningMean", runningMean], ["runningVar", runningVar]] as const) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== channels)) {
      throw new Error(`batchNorm: ${name} ${formatShape(t.shape)} does not match the ${channels} channels of input ${formatShape(input.shape)}`);
    }
  }
  const axes = input.shape.map((_, i) => i).filter((i) => i !== 1);
  let y: Tensor;
  if (training || runningMean === null || runningVar === null) {
    const count = input.size / Math.max(channels, 1);
    if (count <= 1 && training) throw new Error(`batchNorm: expected more than 1 value per channel when training, got input ${formatShape(input.shape)}`);
    const sameType = (t: Tensor | null): boolean => t === null || t.dtype === input.dtype;
    if (count > 0 && sameType(weight) && sameType(bias)) {
      // one kernel each way (ops/batch-norm.ts), the scale and shift included
      const stats = batchNormTraining(input, weight, bias, eps);
      if (training && runningMean !== null && runningVar !== null) updateRunning(runningMean, runningVar, stats.mean, stats.variance, momentum, count);
      return stats.y;
    }
    const stats = standardize(input, axes, eps);
    y = stats.y;
    if (training && runningMean !== null && runningVar !== null) updateRunning(runningMean, runningVar, stats.mean.reshape([channels]), stats.variance.reshape([channels]), momentum, count);
  } else {
    y = input.sub(perChannel(runningMean, input.ndim)).div(perChannel(runningVar, input.ndim).add(eps).sqrt());
  }
  if (weight !== null) y = y.mul(perChannel(weight, input.ndim));
  if (bias !== null) y = y.add(perChannel(bias, input.ndim));
  return y;
}

/** Options of {@link layerNorm}, as PyTorch's `F.layer_norm`. */
export interface LayerNormOptions {
  /** Scale of shape `normalizedShape` (default none). */
  weight?: Tensor | null;
  /** Shift of shape `normalizedShape` (default none). */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Layer normalization: standardises over the trailing dims `normalizedShape` (biased variance),
 * then scales and shifts element-wise.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const y = nn.functional.layerNorm(tensor([[1, 3], [2, 2]]), [2]);
 * console.log(y.toArray().map((r) => (r as number[]).map((v) => Math.round(v)))); // [[-1, 1], [0, 0]]
 * ```
 */
export function layerNorm(input: Tensor, normalizedShape: number | readonly number[], options: LayerNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  const shape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
  const trailing = input.shape.slice(input.ndim - shape.length);
  if (shape.length === 0 || shape.length > input.ndim || !shapesEqual(trailing, shape)) {
    throw new Error(`layerNorm: normalizedShape ${formatShape(shape)} does not match the trailing dims of input ${formatShape(input.shape)} (expected input [*, ${shape.join(", ")}])`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t !== null && !shapesEqual(t.shape, shape)) throw new Error(`layerNorm: ${name} ${formatShape(t.shape)} must have normalizedShape ${formatShape(shape)}`);
  }
  const features = shape.reduce((p, d) => p * d, 1);
  const sameType = (t: Tensor | null): boolean => t === null || t.dtype === input.dtype;
  // one kernel each way (ops/layer-norm.ts), the scale and shift included
  if (isFloatingPoint(input.dtype) && sameType(weight) && sameType(bias)) return layerNormRows(input, features, weight, bias, eps);
  const axes = shape.map((_, i) => input.ndim - shape.length + i);
  let y = standardize(input, axes, eps).y;
  if (weight !== null) y = y.mul(weight);
  if (bias !== null) y = y.add(bias);
  return y;
}

/** Options of {@link groupNorm}, as PyTorch's `F.group_norm`. */
export interface GroupNormOptions {
  /** Per-channel scale [C] (default none). */
  weight?: Tensor | null;
  /** Per-channel shift [C] (default none). */
  bias?: Tensor | null;
  eps?: number;
}

/**
 * Group normalization of [N, C, ...]: the channels split into `numGroups` groups, each sample's
 * group standardised over its channels and positions, then a per-channel scale and shift.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const y = nn.functional.groupNorm(tensor([[1, 3, 5, 5]]), 2);
 * console.log(y.toArray().map((r) => (r as number[]).map((v) => Math.round(v)))); // [[-1, 1, 0, 0]]
 * ```
 */
export function groupNorm(input: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  const { weight = null, bias = null, eps = 1e-5 } = options;
  if (input.ndim < 2) throw new Error(`groupNorm: expected input [N, C, ...], got ${formatShape(input.shape)}`);
  const [batch, channels] = input.shape as [number, number];
  if (!Number.isInteger(numGroups) || numGroups < 1 || channels % numGroups !== 0) {
    throw new Error(`groupNorm: numGroups ${numGroups} must divide the ${channels} channels of input ${formatShape(input.shape)}`);
  }
  for (const [name, t] of [["weight", weight], ["bias", bias]] as const) {
    if (t !== null && (t.ndim !== 1 || t.shape[0] !== channels)) throw new Error(`groupNorm: ${name} ${formatShape(t.shape)} does not match the ${channels} channels of input ${formatShape(input.shape)}`);
  }
  let y = standardize(input.reshape([batch, numGroups, -1]), [2], eps).y.reshape(input.shape);
  if (weight !== null) y = y.mul(perChannel(weight, input.ndim));
  if (bias !== null) y = y.add(perChannel(bias, input.ndim));
  return y;
}
