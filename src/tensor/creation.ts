/** Functions that create leaf tensors. */
import { activeBackend } from "../backend/registry.js";
import { checkDType, type DType } from "./dtype.js";
import { defaultGenerator, type Generator } from "./random.js";
import { checkShape, formatShape, sizeOf } from "./shape.js";
import { Storage } from "./storage.js";
import { Tensor, type NestedArray } from "./tensor.js";
import { checkElementCount } from "./size-limit.js";

export interface TensorOptions {
  /** "float32" (default) or "float64". */
  dtype?: DType;
  requiresGrad?: boolean;
}

export interface TensorDataOptions extends TensorOptions {
  /** Shape for flat typed-array data (default: one dimension). */
  shape?: readonly number[];
}

function fromFlat(values: ArrayLike<number>, shape: readonly number[], options: TensorOptions): Tensor {
  const dtype = checkDType("tensor", options.dtype ?? "float32");
  const backend = activeBackend();
  const t = new Tensor(new Storage(backend, backend.fromValues(values, dtype)), shape);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A value for an error message: JSON.stringify throws on a BigInt (and says nothing useful about it). */
function describeValue(value: unknown): string {
  if (typeof value === "bigint") return `the BigInt ${value}n (convert it with Number())`;
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** Flattens nested arrays, checking they are rectangular and hold only numbers. */
function flattenNested(data: NestedArray): { values: number[]; shape: number[] } {
  const shape: number[] = [];
  for (let level: NestedArray = data; Array.isArray(level); level = level[0]!) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  const stack: [NestedArray, number, string][] = [[data, 0, ""]];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (depth === shape.length) {
      if (typeof node !== "number") throw new Error(`tensor: expected a number at ${path || "top level"}, got ${Array.isArray(node) ? "an array" : describeValue(node)}`);
      values.push(node);
      continue;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array at ${path || "top level"}: expected ${shape[depth]} elements, got ${Array.isArray(node) ? node.length : JSON.stringify(node)}`);
    }
    for (let i = node.length - 1; i >= 0; i--) stack.push([node[i]!, depth + 1, `${path}[${i}]`]);
  }
  return { values, shape };
}

/**
 * Creates a tensor from a number, nested arrays of numbers, or a typed array (with `shape`).
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(x.shape); // [2, 3]
 * const y = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * console.log(y.dtype); // "float64"
 * ```
 */
export function tensor(data: NestedArray | Float32Array | Float64Array, options: TensorDataOptions = {}): Tensor {
  if (data instanceof Float32Array || data instanceof Float64Array) {
    const shape = options.shape === undefined ? [data.length] : checkShape("tensor", options.shape);
    if (sizeOf(shape) !== data.length) throw new Error(`tensor: ${data.length} values cannot fill shape ${formatShape(shape)}`);
    const dtype = options.dtype ?? (data instanceof Float64Array ? "float64" : "float32");
    return fromFlat(data, shape, { ...options, dtype });
  }
  if (typeof data !== "number" && !Array.isArray(data)) throw new Error(`tensor: unsupported data ${typeof data === "bigint" ? describeValue(data) : String(data)} (expected a number, nested arrays or a Float32Array/Float64Array)`);
  const { values, shape } = flattenNested(data);
  const target = options.shape === undefined ? shape : checkShape("tensor", options.shape);
  if (sizeOf(target) !== values.length) throw new Error(`tensor: ${values.length} values cannot fill shape ${formatShape(target)}`);
  return fromFlat(values, target, options);
}

/**
 * A tensor of `shape` filled with `value`.
 *
 * @example
 * ```ts
 * import { full } from "nabla";
 * console.log(full([2], 7).toArray()); // [7, 7]
 * ```
 */
export function full(shape: readonly number[], value: number, options: TensorOptions = {}): Tensor {
  const dims = checkShape("full", shape);
  const t = Tensor.empty(dims, checkDType("full", options.dtype ?? "float32"));
  t.backend.fill(t.storage.ref, value);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

/** A tensor of zeros. @example `zeros([2, 3]).sum().item() // 0` */
export function zeros(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 0, options);
}

/** A tensor of ones. @example `ones([2, 3]).sum().item() // 6` */
export function ones(shape: readonly number[], options: TensorOptions = {}): Tensor {
  return full(shape, 1, options);
}

export interface RandomOptions extends TensorOptions {
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

function random(op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator) => number): Tensor {
  const dims = checkShape(op, shape);
  const generator = options.generator ?? defaultGenerator;
  const values = new Float64Array(sizeOf(dims));
  for (let i = 0; i < values.length; i++) values[i] = draw(generator);
  return fromFlat(values, dims, options);
}

// The largest float32 below 1: a draw within 2^-25 of 1 would round up to 1.0 in float32.
const BELOW_ONE_FLOAT32 = 1 - 2 ** -24;

/** Uniform samples in [0, 1). @example `rand([2, 2]).shape // [2, 2]` */
export function rand(shape: readonly number[], options: RandomOptions = {}): Tensor {
  const ceiling = options.dtype === "float64" ? 1 : BELOW_ONE_FLOAT32;
  return random("rand", shape, options, (g) => Math.min(g.uniform(), ceiling));
}

/** Standard normal samples. @example `randn([3]).shape // [3]` */
export function randn(shape: readonly number[], options: RandomOptions = {}): Tensor {
  return random("randn", shape, options, (g) => g.normal());
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`; with one argument, 0…start.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * console.log(arange(5).toArray()); // [0, 1, 2, 3, 4]
 * console.log(arange(1, 2, 0.25).toArray()); // [1, 1.25, 1.5, 1.75]
 * ```
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [from, to] = end === undefined ? [0, start] : [start, end];
  if (!Number.isFinite(from) || !Number.isFinite(to) || !Number.isFinite(step) || step === 0) {
    throw new Error(`arange: invalid range start=${from}, end=${to}, step=${step}`);
  }
  // as PyTorch: a step pointing away from end is a mistake, not an empty range
  if ((to - from) * step < 0) throw new Error(`arange: step=${step} never reaches end=${to} from start=${from}`);
  const count = Math.max(0, Math.ceil((to - from) / step));
  checkElementCount("arange", [count]);
  const values = Array.from({ length: count }, (_, i) => from + i * step);
  return fromFlat(values, [count], options);
}

/** The n×n identity matrix. @example `eye(2).toArray() // [[1, 0], [0, 1]]` */
export function eye(n: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(n) || n < 0) throw new Error(`eye: n must be a non-negative integer, got ${n}`);
  checkElementCount("eye", [n, n]);
  const values = new Float64Array(n * n);
  for (let i = 0; i < n; i++) values[i * n + i] = 1;
  return fromFlat(values, [n, n], options);
}

/** Zeros with the shape and dtype of `x`. */
export function zerosLike(x: Tensor): Tensor {
  return zeros(x.shape, { dtype: x.dtype });
}

/** Ones with the shape and dtype of `x`. */
export function onesLike(x: Tensor): Tensor {
  return ones(x.shape, { dtype: x.dtype });
}
