/** Weight initialisation, drawing from the seeded default generator unless given another. */
import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import { checkShape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** Options of the initialisers (and of the layers that use them). */
export interface InitOptions {
  /** Element type of the weights (default "float32"). */
  dtype?: DType;
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

/**
 * A tensor of `shape` drawn from U(low, high), as PyTorch's `nn.init.uniform_`.
 *
 * @example
 * ```ts
 * import { nn } from "nabla";
 * const w = nn.init.uniform([3, 2], -0.5, 0.5);
 * console.log(w.abs().max().item() <= 0.5); // true
 * ```
 */
export function uniform(shape: readonly number[], low: number, high: number, options: InitOptions = {}): Tensor {
  const dims = checkShape("uniform", shape);
  if (!(low <= high)) throw new Error(`uniform: low ${low} must not exceed high ${high}`);
  const generator = options.generator ?? defaultGenerator;
  const values = new Float64Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = low + (high - low) * generator.uniform();
  return tensor(values, { shape: dims, dtype: options.dtype ?? "float32" });
}
