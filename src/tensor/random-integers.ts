/** Random integer tensors: `randint` and `randperm`, drawn from the generator `manualSeed` seeds. */
import { activeBackend } from "../backend/registry.js";
import { checkDType } from "./dtype.js";
import { defaultGenerator, type Generator } from "./random.js";
import { checkShape, sizeOf } from "./shape.js";
import { Storage } from "./storage.js";
import { Tensor } from "./tensor.js";

/** Options of `randint` and `randperm`: the dtype of the result and the generator to draw from. */
export interface RandomIntegerOptions {
  /** "int32" (the default; PyTorch uses int64), or a float dtype to hold the integers. */
  dtype?: "int32" | "float32" | "float64";
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

function fromValues(op: string, values: ArrayLike<number>, shape: readonly number[], options: RandomIntegerOptions): Tensor {
  const dtype = checkDType(op, options.dtype ?? "int32");
  if (dtype === "bool") throw new Error(`${op}: dtype must be int32, float32 or float64, got bool`);
  const backend = activeBackend();
  return new Tensor(new Storage(backend, backend.fromValues(values, dtype)), shape);
}

/**
 * Integers drawn uniformly from [low, high) (PyTorch's `randint(low, high, size)`), as int32.
 *
 * @example
 * ```ts
 * import { manualSeed, randint } from "nabla";
 * manualSeed(0);
 * const dice = randint(1, 7, [1000]);
 * console.log(dice.dtype, dice.min().item() >= 1, dice.max().item() <= 6); // "int32" true true
 * ```
 */
export function randint(low: number, high: number, shape: readonly number[], options: RandomIntegerOptions = {}): Tensor {
  const dims = checkShape("randint", shape);
  if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high) || high <= low || low < -(2 ** 31) || high > 2 ** 31) {
    throw new Error(`randint: expected integers low < high within int32, got low=${low}, high=${high}`);
  }
  const generator = options.generator ?? defaultGenerator;
  const values = new Float64Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = low + generator.integer(high - low);
  return fromValues("randint", values, dims, options);
}

/**
 * A random permutation of 0 … n−1, as int32 (PyTorch's `randperm`).
 *
 * @example
 * ```ts
 * import { randperm } from "nabla";
 * const p = randperm(5);
 * console.log(p.dtype, [...(p.toArray() as number[])].sort()); // "int32" [0, 1, 2, 3, 4]
 * ```
 */
export function randperm(n: number, options: RandomIntegerOptions = {}): Tensor {
  if (!Number.isSafeInteger(n) || n < 0 || n > 2 ** 31) throw new Error(`randperm: n must be a non-negative integer within int32, got ${n}`);
  const generator = options.generator ?? defaultGenerator;
  return fromValues("randperm", generator.permutation(n), [n], options);
}
