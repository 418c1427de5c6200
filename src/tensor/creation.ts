/** Functions that create leaf tensors. */
import { activeBackend } from "../backend/registry.js";
import { checkDType, isFloatingPoint, type DType } from "./dtype.js";
import { defaultGenerator, type Generator } from "./random.js";
import { checkShape, formatShape, sizeOf } from "./shape.js";
import { Storage } from "./storage.js";
import { Tensor, type NestedArray } from "./tensor.js";
import { checkElementCount } from "./size-limit.js";

/** Options of the creation functions (`tensor`, `zeros`, `full` …). */
export interface TensorOptions {
  /** "float32" (the default for numbers), "float64", "int32" or "bool". */
  dtype?: DType;
  /** Whether the new tensor is a leaf that records gradients (default false; floating-point dtypes only). */
  requiresGrad?: boolean;
}

/** Options of `tensor`: the creation options plus a shape for flat typed-array data. */
export interface TensorDataOptions extends TensorOptions {
  /** Shape for flat typed-array data (default: one dimension). */
  shape?: readonly number[];
}

function fromFlat(values: ArrayLike<number>, shape: readonly number[], options: TensorOptions): Tensor {
  const dtype = checkDType("tensor", options.dtype ?? "float32");
  checkRequiresGrad("tensor", dtype, options);
  const backend = activeBackend();
  const t = new Tensor(new Storage(backend, backend.fromValues(values, dtype)), shape);
  if (options.requiresGrad) t.requiresGrad = true;
  return t;
}

function checkRequiresGrad(op: string, dtype: DType, options: TensorOptions): void {
  if (options.requiresGrad === true && !isFloatingPoint(dtype)) {
    throw new Error(`${op}: only floating-point tensors can require gradients, got dtype ${dtype}`);
  }
}

/** @internal Flattens nested arrays, checking they are rectangular and hold only numbers or only booleans. */
export function flattenNested(data: NestedArray): { values: number[]; shape: number[]; booleans: boolean } {
  const shape: number[] = [];
  for (let level: NestedArray = data; Array.isArray(level); level = level[0]!) {
    shape.push(level.length);
    if (level.length === 0) break;
  }
  const values: number[] = [];
  let numbers = 0;
  let booleans = 0;
  const stack: [NestedArray, number, string][] = [[data, 0, ""]];
  while (stack.length > 0) {
    const [node, depth, path] = stack.pop()!;
    if (depth === shape.length) {
      if (typeof node === "boolean") booleans++;
      else if (typeof node === "number") numbers++;
      else throw new Error(`tensor: expected a number at ${path || "top level"}, got ${Array.isArray(node) ? "an array" : typeof node === "bigint" ? `the bigint ${node}n (use a number)` : JSON.stringify(node)}`);
      if (numbers > 0 && booleans > 0) throw new Error(`tensor: the data mixes numbers and booleans (at ${path || "top level"}); use one kind`);
      values.push(Number(node));
      continue;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new Error(`tensor: ragged nested array at ${path || "top level"}: expected ${shape[depth]} elements, got ${Array.isArray(node) ? node.length : JSON.stringify(node)}`);
    }
    for (let i = node.length - 1; i >= 0; i--) stack.push([node[i]!, depth + 1, `${path}[${i}]`]);
  }
  return { values, shape, booleans: booleans > 0 };
}

/** The dtype a typed array's values are read as, unless the options name one. */
function typedArrayDType(data: Float32Array | Float64Array | Int32Array | Uint8Array): DType {
  return data instanceof Float64Array ? "float64" : data instanceof Float32Array ? "float32" : "int32";
}

/**
 * Creates a tensor from a number, a boolean, nested arrays of them, or a typed array (with
 * `shape`). Numbers make float32 tensors and booleans bool ones unless `dtype` says otherwise;
 * a Float64Array makes float64, an Int32Array or a Uint8Array int32.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2, 3], [4, 5, 6]]);
 * console.log(x.shape); // [2, 3]
 * const y = tensor(new Float64Array([1, 2, 3, 4]), { shape: [2, 2] });
 * console.log(y.dtype); // "float64"
 * console.log(tensor([true, false]).dtype, tensor([0, 2, 1], { dtype: "int32" }).dtype); // "bool" "int32"
 * ```
 */
export function tensor(data: NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array, options: TensorDataOptions = {}): Tensor {
  if (data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array || data instanceof Uint8Array) {
    const shape = options.shape === undefined ? [data.length] : checkShape("tensor", options.shape);
    if (sizeOf(shape) !== data.length) throw new Error(`tensor: ${data.length} values cannot fill shape ${formatShape(shape)}`);
    return fromFlat(data, shape, { ...options, dtype: options.dtype ?? typedArrayDType(data) });
  }
  if (typeof data !== "number" && typeof data !== "boolean" && !Array.isArray(data)) {
    throw new Error(`tensor: unsupported data ${typeof data === "bigint" ? `${data}n (a bigint; use a number)` : String(data)} (expected a number, a boolean, nested arrays or a typed array)`);
  }
  const { values, shape, booleans } = flattenNested(data);
  const target = options.shape === undefined ? shape : checkShape("tensor", options.shape);
  if (sizeOf(target) !== values.length) throw new Error(`tensor: ${values.length} values cannot fill shape ${formatShape(target)}`);
  return fromFlat(values, target, { ...options, dtype: options.dtype ?? (booleans ? "bool" : "float32") });
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
export function full(shape: readonly number[], value: number | boolean, options: TensorOptions = {}): Tensor {
  const dims = checkShape("full", shape);
  const dtype = checkDType("full", options.dtype ?? (typeof value === "boolean" ? "bool" : "float32"));
  checkRequiresGrad("full", dtype, options);
  const t = Tensor.empty(dims, dtype);
  t.backend.fill(t.storage.ref, Number(value));
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

/** Options of `rand` and `randn`: a floating-point dtype, `requiresGrad` and the generator to draw from. */
export interface RandomOptions extends TensorOptions {
  /** Draw from this generator instead of the default one seeded by `manualSeed`. */
  generator?: Generator;
}

function random(op: string, shape: readonly number[], options: RandomOptions, draw: (g: Generator) => number): Tensor {
  const dims = checkShape(op, shape);
  if (options.dtype !== undefined && !isFloatingPoint(checkDType(op, options.dtype))) {
    throw new Error(`${op}: draws real numbers, so dtype must be float32 or float64, got ${options.dtype} (randint draws integers)`);
  }
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
 * Integer arguments give an int32 tensor (PyTorch gives int64), others float32, unless
 * `dtype` says otherwise.
 *
 * @example
 * ```ts
 * import { arange } from "nabla";
 * console.log(arange(5).toArray(), arange(5).dtype); // [0, 1, 2, 3, 4] "int32"
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
  const integral = Number.isInteger(from) && Number.isInteger(to) && Number.isInteger(step);
  return fromFlat(values, [count], { ...options, dtype: options.dtype ?? (integral ? "int32" : "float32") });
}

/**
 * `steps` values evenly spaced from `start` to `end`, both included (PyTorch's `linspace`),
 * float32 unless `dtype` says otherwise. As PyTorch lays them out: the first half counted up
 * from `start` and the second down from `end` by the step (end − start)/(steps − 1) in the
 * dtype, so both ends come out exact; each value is rounded once (PyTorch's vectorized float32
 * kernel rounds twice in some lanes, so a value may differ from its in the last bit).
 *
 * @example
 * ```ts
 * import { linspace } from "nabla";
 * console.log(linspace(0, 1, 5).toArray()); // [0, 0.25, 0.5, 0.75, 1]
 * console.log(linspace(-1, 1, 3, { dtype: "float64" }).toArray()); // [-1, 0, 1]
 * ```
 */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isFinite(start) || !Number.isFinite(end)) throw new Error(`linspace: start and end must be finite numbers, got ${start} and ${end}`);
  if (!Number.isInteger(steps) || steps < 0) throw new Error(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkElementCount("linspace", [steps]);
  const dtype = options.dtype ?? "float32";
  if (dtype === "bool") throw new Error("linspace: a bool tensor cannot hold a range; use float32, float64 or int32");
  // float32 rounds the ends, the step and each value (its product and sum fused, as PyTorch's
  // scalar loop); int32 steps in float64 and truncates, as PyTorch's integer kernel
  const round = dtype === "float32" ? Math.fround : (v: number) => v;
  const [from, to] = [round(start), round(end)];
  const step = steps > 1 ? round(round(to - from) / (steps - 1)) : 0;
  const halfway = Math.floor(steps / 2);
  const at = (i: number): number => (steps === 1 ? from : round(i < halfway ? from + step * i : to - step * (steps - i - 1)));
  const values = Array.from({ length: steps }, (_, i) => (dtype === "int32" ? Math.trunc(at(i)) : at(i)));
  return fromFlat(values, [steps], { ...options, dtype });
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
