/** `bernoulli`: 0/1 samples, each 1 with the probability at its position. */
import { defaultGenerator, type Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { onBackend } from "./operand.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

/** Options of random sampling ops. */
export interface SamplingOptions {
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

/**
 * Draws 1 with probability `probs[i]` and 0 otherwise, for every element; the result has the
 * shape and dtype of `probs` and no gradient. Reproducible with `manualSeed`.
 *
 * @example
 * ```ts
 * import { bernoulli, manualSeed, tensor } from "nabla";
 * manualSeed(0);
 * const coins = bernoulli(tensor([0, 1, 0.5, 0.5]));
 * console.log(coins.shape, coins.toArray().slice(0, 2)); // [4] [0, 1]
 * ```
 */
export function bernoulli(probs: Tensor, options: SamplingOptions = {}): Tensor {
  requireFloatingPoint("bernoulli", probs.dtype);
  const generator = options.generator ?? defaultGenerator;
  const p = probs.toTypedArray();
  for (let i = 0; i < p.length; i++) {
    const v = p[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`bernoulli: probability ${v} at position ${i} is not in [0, 1]`);
  }
  const draws = new Float64Array(p.length);
  // u < p with u uniform in [0, 1) is 1 with probability p exactly: never for 0, always for 1
  for (let i = 0; i < p.length; i++) draws[i] = generator.uniform() < p[i]! ? 1 : 0;
  return onBackend(tensor(draws, { shape: probs.shape, dtype: probs.dtype }), probs.backend);
}
