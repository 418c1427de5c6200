import { rand } from "../../tensor/creation.js";
import type { Generator } from "../../tensor/random.js";
import { formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

function checkProbability(op: string, p: number): void {
  if (!(p >= 0 && p <= 1)) throw new Error(`${op}: probability has to be between 0 and 1, but got ${p}`);
}

/** Zeroes whole slices: a keep mask of `maskShape` (broadcast over the rest), survivors scaled by 1/(1 − p). */
function maskedDropout(x: Tensor, p: number, maskShape: number[], generator?: Generator): Tensor {
  if (p === 1) return x.mul(0);
  const keep = rand(maskShape, generator === undefined ? { dtype: x.dtype } : { dtype: x.dtype, generator }).lt(1 - p);
  return x.mul(keep.mul(1 / (1 - p)));
}

/**
 * Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1 − p)
 * when `training`; the identity otherwise.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const y = nn.functional.dropout(ones([1000]), 0.2);
 * console.log(y.mean().item()); // ≈ 1
 * ```
 */
export function dropout(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkProbability("dropout", p);
  if (!training || p === 0) return x;
  return maskedDropout(x, p, [...x.shape], generator);
}

/**
 * Channel-wise dropout over [N, C, L] or [C, L] (PyTorch's `F.dropout1d`): each channel of each
 * sample is zeroed as a whole with probability `p`, the kept ones scaled by 1/(1 − p), when
 * `training`; the identity otherwise.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const y = nn.functional.dropout1d(ones([2, 3, 4]), 0.5);
 * // each row of 4 is all 0 or all 2
 * console.log((y.toArray() as number[][][]).flat().every((row) => new Set(row).size === 1)); // true
 * ```
 */
export function dropout1d(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkProbability("dropout1d", p);
  if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`dropout1d: expected a 2D [C, L] or 3D [N, C, L] input, got ${formatShape(x.shape)}`);
  if (!training || p === 0) return x;
  const maskShape = x.ndim === 3 ? [x.shape[0]!, x.shape[1]!, 1] : [x.shape[0]!, 1];
  return maskedDropout(x, p, maskShape, generator);
}

/**
 * Channel-wise dropout over [N, C, H, W] (PyTorch's `F.dropout2d`): each feature map is zeroed as
 * a whole with probability `p`, the kept ones scaled by 1/(1 − p), when `training`; the identity
 * otherwise. A 3-D input is taken as [N, C, L], one mask per (sample, channel) — what PyTorch
 * does today (it warns that this will change to [C, H, W]); use `dropout1d` to say so.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const y = nn.functional.dropout2d(ones([8, 16, 5, 5]), 0.25);
 * console.log(y.shape, y.sum([2, 3]).toArray().flat().every((s) => s === 0 || Math.abs(s - 25 / 0.75) < 1e-4)); // [8, 16, 5, 5] true
 * ```
 */
export function dropout2d(x: Tensor, p = 0.5, training = true, generator?: Generator): Tensor {
  checkProbability("dropout2d", p);
  if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`dropout2d: expected a 4D [N, C, H, W] (or 3D [N, C, L]) input, got ${formatShape(x.shape)}`);
  if (!training || p === 0) return x;
  return maskedDropout(x, p, [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)], generator);
}
