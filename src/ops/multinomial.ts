/** `multinomial`: category indices drawn from rows of non-negative weights. */
import { defaultGenerator, type Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { onBackend } from "./operand.js";
import { formatShape } from "../tensor/shape.js";
import type { SamplingOptions } from "./bernoulli.js";
import { INDEX_DTYPE } from "./values-and-indices.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

/**
 * Draws `numSamples` category indices from each row of `probs` (a vector of `n` weights, or a
 * [m, n] batch of them). Weights need not sum to 1 but must be finite and non-negative with a
 * positive sum. With `replacement` each draw is independent; without it (the default, as in
 * PyTorch) a category once drawn is left out of the later draws of its row, so a row has
 * distinct indices and needs at least `numSamples` non-zero weights. The indices are int32
 * (PyTorch returns int64); no gradient.
 *
 * @example
 * ```ts
 * import { manualSeed, multinomial, tensor } from "nabla";
 * manualSeed(0);
 * const picks = multinomial(tensor([[0, 1, 3], [5, 0, 0]]), 2, true);
 * console.log(picks.shape, picks.toArray()[1]); // [2, 2] [0, 0]
 * const order = multinomial(tensor([1, 1, 1, 1]), 4);
 * console.log([...order.toTypedArray()].sort()); // [0, 1, 2, 3]
 * ```
 */
export function multinomial(probs: Tensor, numSamples: number, replacement = false, options: SamplingOptions = {}): Tensor {
  requireFloatingPoint("multinomial", probs.dtype);
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new Error(`multinomial: probs must be 1-d or 2-d, got shape ${formatShape(probs.shape)}`);
  const n = probs.shape[probs.ndim - 1]!;
  const rows = probs.ndim === 2 ? probs.shape[0]! : 1;
  if (!Number.isInteger(numSamples) || numSamples <= 0) throw new Error(`multinomial: numSamples must be a positive integer, got ${numSamples}`);
  if (n === 0) throw new Error(`multinomial: probs ${formatShape(probs.shape)} has no categories`);
  if (!replacement && numSamples > n) throw new Error(`multinomial: cannot draw ${numSamples} samples from ${n} categories without replacement`);
  const weights = Float64Array.from(probs.toTypedArray());
  for (let r = 0; r < rows; r++) checkRow(weights.subarray(r * n, (r + 1) * n), r, numSamples, replacement);
  const generator = options.generator ?? defaultGenerator;
  const out = new Float64Array(rows * numSamples);
  for (let r = 0; r < rows; r++) {
    const row = weights.subarray(r * n, (r + 1) * n);
    for (let s = 0; s < numSamples; s++) {
      const picked = draw(row, generator);
      out[r * numSamples + s] = picked;
      if (!replacement) row[picked] = 0;
    }
  }
  const shape = probs.ndim === 2 ? [rows, numSamples] : [numSamples];
  return onBackend(tensor(out, { shape, dtype: INDEX_DTYPE }), probs.backend);
}

function checkRow(row: Float64Array, r: number, numSamples: number, replacement: boolean): void {
  let total = 0;
  let nonZero = 0;
  for (let i = 0; i < row.length; i++) {
    const v = row[i]!;
    if (!(v >= 0) || v === Infinity) throw new Error(`multinomial: weight ${v} at row ${r}, category ${i} is not a finite non-negative number`);
    total += v;
    if (v > 0) nonZero++;
  }
  if (!(total > 0)) throw new Error(`multinomial: the weights of row ${r} sum to ${total}; at least one must be positive`);
  if (!replacement && nonZero < numSamples) {
    throw new Error(`multinomial: row ${r} has ${nonZero} non-zero weights, too few to draw ${numSamples} samples without replacement`);
  }
}

/** One index drawn with probability weight/total: the first whose running sum passes u·total. */
function draw(row: Float64Array, generator: Generator): number {
  let total = 0;
  for (let i = 0; i < row.length; i++) total += row[i]!;
  const target = generator.uniform() * total;
  let running = 0;
  let last = 0;
  for (let i = 0; i < row.length; i++) {
    if (row[i]! === 0) continue;
    running += row[i]!;
    last = i;
    if (target < running) return i;
  }
  return last; // u·total rounded up to the total: the last category with weight
}
