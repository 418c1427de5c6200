import { rand } from "../../tensor/creation.js";
import type { Generator } from "../../tensor/random.js";
import type { Tensor } from "../../tensor/tensor.js";

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
  if (!(p >= 0 && p <= 1)) throw new Error(`dropout: probability has to be between 0 and 1, but got ${p}`);
  if (!training || p === 0) return x;
  if (p === 1) return x.mul(0);
  const keep = rand(x.shape, generator === undefined ? { dtype: x.dtype } : { dtype: x.dtype, generator }).lt(1 - p);
  return x.mul(keep.mul(1 / (1 - p)));
}
