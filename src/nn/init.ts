/**
 * Weight initialisation (PyTorch's `torch.nn.init`). The `…_` functions fill an existing tensor
 * in place (a parameter too: they run without recording a gradient) and return it; they draw
 * from the seeded default generator unless given another.
 */
import { noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { defaultGenerator, type Generator } from "../tensor/random.js";
import { checkShape, formatShape, sizeOf } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { calculateFanInAndFanOut, calculateGain, type Nonlinearity } from "./init-gain.js";
import { orthonormalColumns, truncatedStandardNormal } from "./init-sampling.js";

export { calculateFanInAndFanOut, calculateGain, type Nonlinearity };

/** Options of the initialisers (and of the layers that use them). */
export interface InitOptions {
  /** Element type of the weights (default "float32"). */
  dtype?: DType;
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

/** Which generator an in-place initialiser draws from. */
export interface SamplingInitOptions {
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

/**
 * A tensor of `shape` drawn from U(low, high), as PyTorch's `nn.init.uniform_` (a new tensor;
 * {@link uniform_} fills an existing one).
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

function checkTensor(op: string, target: unknown): Tensor {
  if (!(target instanceof Tensor)) throw new Error(`${op}: expected a Tensor to fill, got ${target === null ? "null" : typeof target}`);
  if (!target.isFloatingPoint) throw new Error(`${op}: expected a floating-point tensor, got ${target.dtype} ${formatShape(target.shape)}`);
  return target;
}

/** Fills `target` in place, outside the graph; returns it. */
function fill(target: Tensor, write: (t: Tensor) => void): Tensor {
  noGrad(() => write(target));
  return target;
}

/**
 * Fills `target` with draws from U(a, b) (PyTorch's `nn.init.uniform_`); returns it.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const w = nn.init.uniform_(zeros([100]), -0.1, 0.1);
 * console.log(w.abs().max().item() <= 0.1); // true
 * ```
 */
export function uniform_(target: Tensor, a = 0, b = 1, options: SamplingInitOptions = {}): Tensor {
  checkTensor("uniform_", target);
  return fill(target, (t) => t.uniform_(a, b, options));
}

/**
 * Fills `target` with draws from N(mean, std²) (PyTorch's `nn.init.normal_`); returns it.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.normal_(zeros([2, 3]), 0, 0.02).shape); // [2, 3]
 * ```
 */
export function normal_(target: Tensor, mean = 0, std = 1, options: SamplingInitOptions = {}): Tensor {
  checkTensor("normal_", target);
  return fill(target, (t) => t.normal_(mean, std, options));
}

/**
 * Fills `target` with `value` (PyTorch's `nn.init.constant_`); returns it.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.constant_(zeros([2]), 0.5).toArray()); // [0.5, 0.5]
 * ```
 */
export function constant_(target: Tensor, value: number): Tensor {
  checkTensor("constant_", target);
  if (typeof value !== "number") throw new Error(`constant_: value must be a number, got ${typeof value}`);
  return fill(target, (t) => t.fill_(value));
}

/**
 * Fills `target` with ones (PyTorch's `nn.init.ones_`); returns it.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.ones_(zeros([2])).toArray()); // [1, 1]
 * ```
 */
export function ones_(target: Tensor): Tensor {
  return constant_(target, 1);
}

/**
 * Fills `target` with zeros (PyTorch's `nn.init.zeros_`); returns it.
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * console.log(nn.init.zeros_(ones([2])).toArray()); // [0, 0]
 * ```
 */
export function zeros_(target: Tensor): Tensor {
  return constant_(target, 0);
}

/** Options of {@link xavierUniform_} and {@link xavierNormal_}. */
export interface XavierOptions extends SamplingInitOptions {
  /** Scale factor (default 1); see {@link calculateGain}. */
  gain?: number;
}

/**
 * Glorot/Xavier uniform (PyTorch's `xavier_uniform_`): U(−a, a) with
 * a = gain·√(6 / (fanIn + fanOut)). Returns `target`.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const w = nn.init.xavierUniform_(zeros([30, 20]));
 * console.log(w.abs().max().item() <= Math.sqrt(6 / 50)); // true
 * ```
 */
export function xavierUniform_(target: Tensor, options: XavierOptions = {}): Tensor {
  checkTensor("xavierUniform_", target);
  const [fanIn, fanOut] = calculateFanInAndFanOut(target, "xavierUniform_");
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  const a = Math.sqrt(3) * std;
  return fill(target, (t) => t.uniform_(-a, a, options));
}

/**
 * Glorot/Xavier normal (PyTorch's `xavier_normal_`): N(0, std²) with
 * std = gain·√(2 / (fanIn + fanOut)). Returns `target`.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.xavierNormal_(zeros([30, 20]), { gain: 2 }).shape); // [30, 20]
 * ```
 */
export function xavierNormal_(target: Tensor, options: XavierOptions = {}): Tensor {
  checkTensor("xavierNormal_", target);
  const [fanIn, fanOut] = calculateFanInAndFanOut(target, "xavierNormal_");
  const std = (options.gain ?? 1) * Math.sqrt(2 / (fanIn + fanOut));
  return fill(target, (t) => t.normal_(0, std, options));
}

/** Options of {@link kaimingUniform_} and {@link kaimingNormal_}, as PyTorch's. */
export interface KaimingOptions extends SamplingInitOptions {
  /** The negative slope of the leaky relu that follows (only with "leaky_relu"; default 0). */
  a?: number;
  /** Keep the forward pass's variance ("fanIn", default) or the backward pass's ("fanOut"); PyTorch's "fan_in"/"fan_out" work too. */
  mode?: "fanIn" | "fanOut" | "fan_in" | "fan_out";
  /** The nonlinearity that follows (default "leaky_relu", as PyTorch). */
  nonlinearity?: Nonlinearity;
}

/** std = gain / √fan for the Kaiming initialisers, or null for an empty tensor (left as is, as PyTorch). */
function kaimingStd(op: string, target: Tensor, options: KaimingOptions): number | null {
  checkTensor(op, target);
  const mode = options.mode ?? "fanIn";
  if (!["fanIn", "fanOut", "fan_in", "fan_out"].includes(mode)) throw new Error(`${op}: mode ${JSON.stringify(mode)} not supported, please use "fanIn" or "fanOut"`);
  const [fanIn, fanOut] = calculateFanInAndFanOut(target, op);
  if (target.size === 0) return null;
  const gain = calculateGain(options.nonlinearity ?? "leaky_relu", options.a ?? 0);
  return gain / Math.sqrt(mode === "fanIn" || mode === "fan_in" ? fanIn : fanOut);
}

/**
 * He/Kaiming uniform (PyTorch's `kaiming_uniform_`): U(−bound, bound) with
 * bound = gain·√(3 / fan), gain = calculateGain(nonlinearity, a). PyTorch's layers use
 * `{ a: √5 }`, which gives bound = 1/√fanIn. Returns `target`.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const w = nn.init.kaimingUniform_(zeros([64, 32]), { nonlinearity: "relu" });
 * console.log(w.abs().max().item() <= Math.sqrt(6 / 32)); // true
 * ```
 */
export function kaimingUniform_(target: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd("kaimingUniform_", target, options);
  if (std === null) return target;
  const bound = Math.sqrt(3) * std;
  return fill(target, (t) => t.uniform_(-bound, bound, options));
}

/**
 * He/Kaiming normal (PyTorch's `kaiming_normal_`): N(0, std²) with std = gain / √fan. Returns `target`.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.kaimingNormal_(zeros([64, 3, 3, 3]), { mode: "fanOut", nonlinearity: "relu" }).shape); // [64, 3, 3, 3]
 * ```
 */
export function kaimingNormal_(target: Tensor, options: KaimingOptions = {}): Tensor {
  const std = kaimingStd("kaimingNormal_", target, options);
  if (std === null) return target;
  return fill(target, (t) => t.normal_(0, std, options));
}

/** Options of {@link truncNormal_}, as PyTorch's `trunc_normal_`. */
export interface TruncNormalOptions extends SamplingInitOptions {
  /** Mean of the normal (default 0). */
  mean?: number;
  /** Standard deviation of the normal (default 1). */
  std?: number;
  /** Lowest value kept (default −2). */
  a?: number;
  /** Highest value kept (default 2). */
  b?: number;
}

/**
 * Normal N(mean, std²) truncated to [a, b] (PyTorch's `trunc_normal_`, default a = −2, b = 2),
 * drawn by inverting the CDF. Returns `target`.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const w = nn.init.truncNormal_(zeros([1000]), { std: 0.02, a: -0.04, b: 0.04 });
 * console.log(w.abs().max().item() <= 0.04); // true
 * ```
 */
export function truncNormal_(target: Tensor, options: TruncNormalOptions = {}): Tensor {
  checkTensor("truncNormal_", target);
  const { mean = 0, std = 1, a = -2, b = 2 } = options;
  if (![mean, std, a, b].every(Number.isFinite) || !(std > 0) || !(a < b)) {
    throw new Error(`truncNormal_: expects finite mean, std > 0 and a < b, got mean=${mean}, std=${std}, a=${a}, b=${b}`);
  }
  const z = truncatedStandardNormal(target.size, (a - mean) / std, (b - mean) / std, options.generator ?? defaultGenerator);
  const values = z.map((v) => Math.min(Math.max(mean + std * v, a), b));
  return fill(target, (t) => t.copy_(tensor(values, { shape: t.shape, dtype: t.dtype })));
}

/**
 * A (semi-)orthogonal matrix (PyTorch's `orthogonal_`, Saxe et al. 2013): the tensor viewed as
 * [shape[0], rest] gets orthonormal rows (or columns, whichever are fewer), times `gain`.
 * Returns `target`.
 * @example
 * ```ts
 * import { nn, eye, zeros } from "nabla";
 * const w = nn.init.orthogonal_(zeros([3, 3]));
 * console.log(w.matmul(w.t()).sub(eye(3)).abs().max().item() < 1e-6); // true
 * ```
 */
export function orthogonal_(target: Tensor, options: XavierOptions = {}): Tensor {
  checkTensor("orthogonal_", target);
  if (target.ndim < 2) throw new Error(`orthogonal_: only tensors with 2 or more dimensions are supported, got ${formatShape(target.shape)}`);
  if (target.size === 0) return target;
  const rows = target.shape[0]!;
  const columns = target.size / rows;
  const generator = options.generator ?? defaultGenerator;
  // draw the [rows, columns] matrix, orthonormalise the shorter side (PyTorch transposes a wide one)
  const [long, short] = rows < columns ? [columns, rows] : [rows, columns];
  const draws = new Float64Array(rows * columns);
  for (let i = 0; i < draws.length; i++) draws[i] = generator.normal();
  const tall = rows < columns ? transposed(draws, rows, columns) : draws;
  const q = orthonormalColumns(tall, long, short);
  const matrix = rows < columns ? transposed(q, long, short) : q;
  const gain = options.gain ?? 1;
  const values = matrix.map((v) => gain * v);
  return fill(target, (t) => t.copy_(tensor(values, { shape: t.shape, dtype: t.dtype })));
}

/** A row-major [rows, columns] matrix transposed to [columns, rows]. */
function transposed(values: Float64Array, rows: number, columns: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < rows; i++) for (let j = 0; j < columns; j++) out[j * rows + i] = values[i * columns + j]!;
  return out;
}
