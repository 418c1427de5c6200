import type { Backend, DataArray, DataRef, StridedRef } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import { isContiguous } from "../backend/strides.js";
import { runBackward, type BackwardOptions } from "../autograd/backward.js";
import type { GradFn } from "../autograd/grad-fn.js";
import { isFloatingPoint, type DType } from "./dtype.js";
import { contiguousStrides, formatShape, sizeOf, type Shape } from "./shape.js";
import { Storage, checkCurrent } from "./storage.js";
import { formatTensorText, inspectCustom } from "./format-tensor.js";
import * as unary from "../ops/unary.js";
import * as binary from "../ops/binary.js";
import * as reduce from "../ops/reduce.js";
import type { Dims } from "../ops/reduce.js";
import { argmin, extremeAlongDim, extremeOverDims } from "../ops/min-max.js";
import type { ValuesAndIndices } from "../ops/values-and-indices.js";
import { prod } from "../ops/prod.js";
import { std, variance, type VarianceOptions } from "../ops/variance.js";
import { logsumexp } from "../ops/logsumexp.js";
import { norm } from "../ops/norm.js";
import { cumsum } from "../ops/cumsum.js";
import { all, any } from "../ops/all-any.js";
import { argsort, sort, topk } from "../ops/sort.js";
import { bernoulli, type SamplingOptions } from "../ops/bernoulli.js";
import { multinomial } from "../ops/multinomial.js";
import { normalInPlace, uniformInPlace } from "../ops/random-fill.js";
import * as movement from "../ops/movement.js";
import { matmul } from "../ops/matmul.js";
import { gather } from "../ops/gather.js";
import { logSoftmax, softmax } from "../ops/softmax.js";
import * as inPlace from "../ops/in-place.js";
import { checkElementCount, MAX_ELEMENTS } from "./size-limit.js";
import * as slicing from "../ops/slicing.js";
import * as join from "../ops/join.js";
import * as rearrange from "../ops/rearrange.js";
import * as indexed from "../ops/gather.js";
import { maskedFill, where } from "../ops/where.js";
import { TensorMath } from "./tensor-math.js";

/** A number, or a tensor; the other operand of arithmetic methods. */
export type Operand = Tensor | number;
/** Nested arrays of values: numbers, or booleans for bool tensors. */
export type NestedArray = number | boolean | NestedArray[];

/**
 * An n-dimensional array of float32 or float64 values that records the operations applied to
 * it, so {@link Tensor.backward} can compute gradients by reverse-mode automatic differentiation.
 * Create tensors with `tensor`, `zeros`, `randn` …; every method returns a new tensor, except the
 * in-place ones whose names end in `_` (`copy_`, `add_` …), which change this tensor outside the graph.
 * Views (`view`, `transpose`, `narrow`, `index` …) are new tensors sharing this one's storage, as
 * in PyTorch: an in-place change through a view shows here.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * const x = tensor([[1, 2], [3, 4]], { requiresGrad: true });
 * const y = x.mul(x).sum();
 * y.backward();
 * console.log(x.grad!.toArray()); // [[2, 4], [6, 8]]
 * ```
 */
export class Tensor extends TensorMath {
  /** The size of each dimension, outermost first (PyTorch's `shape`); `[]` for a scalar. */
  readonly shape: readonly number[];
  /** The element type: "float32", "float64", "int32" or "bool". */
  readonly dtype: DType;
  private requiresGradFlag = false;
  /** dL/d(this), accumulated by `backward()` on leaves (and on tensors that `retainGrad()`). */
  grad: Tensor | null = null;
  /** The recorded op that produced this tensor; null for leaves. */
  gradFn: GradFn | null = null;
  /** @internal */
  storage: Storage;
  /** @internal element strides; 0 on expanded axes. */
  readonly strides: readonly number[];
  /** @internal */
  readonly offset: number;

  /**
   * Not for users: create tensors with `tensor`, `zeros`, `randn` … The constructor stays in the
   * published types (stripping it would declare a no-argument `new Tensor()`); `@hidden` keeps it,
   * and the internal `Storage` it takes, out of the API reference.
   *
   * @hidden
   */
  constructor(storage: Storage, shape: Shape, strides?: readonly number[], offset = 0) {
    super();
    this.storage = storage;
    this.shape = shape;
    this.dtype = storage.ref.dtype;
    this.strides = strides ?? contiguousStrides(shape);
    this.offset = offset;
  }

  /** @internal A fresh, uninitialised tensor on `backend`. */
  static empty(shape: Shape, dtype: DType, backend: Backend = activeBackend()): Tensor {
    const size = sizeOf(shape);
    if (size > MAX_ELEMENTS) checkElementCount("allocate", shape); // throws, naming shape and limit
    return new Tensor(new Storage(backend, backend.allocate(size, dtype)), shape);
  }

  /**
   * Whether gradients flow to (and accumulate in `.grad` of) this tensor. Only floating-point
   * tensors can require gradients, as in PyTorch.
   */
  get requiresGrad(): boolean {
    return this.requiresGradFlag;
  }
  set requiresGrad(value: boolean) {
    if (value && !isFloatingPoint(this.dtype)) {
      throw new Error(`requiresGrad: only floating-point tensors can require gradients, this one is ${this.dtype} (convert it with .float() first)`);
    }
    this.requiresGradFlag = value;
  }

  /** The number of dimensions (PyTorch's `dim()`); 0 for a scalar. */
  get ndim(): number {
    return this.shape.length;
  }
  /** The number of elements (PyTorch's `numel()`); the shape is {@link Tensor.shape}. */
  get size(): number {
    return sizeOf(this.shape);
  }
  /** Whether this tensor was created by the user rather than by an op. */
  get isLeaf(): boolean {
    return this.gradFn === null;
  }
  /** @internal */
  get backend(): Backend {
    return this.storage.backend;
  }
  /** @internal */
  get isContiguous(): boolean {
    return this.offset === 0 && this.storage.ref.size === this.size && isContiguous(this.shape, this.strides);
  }
  /** @internal This tensor's buffer, offset and strides, as kernels read it (not PyTorch's `view`, which reshapes). */
  stridedRef(): StridedRef {
    if (this.storage.staleFor !== null) checkCurrent(this.storage, this.describe());
    return { ref: this.storage.ref, offset: this.offset, strides: this.strides };
  }
  /** @internal The data as a contiguous buffer (a copy only when this is a strided view). */
  dataRef(): DataRef {
    if (this.storage.staleFor !== null) checkCurrent(this.storage, this.describe());
    return this.isContiguous ? this.storage.ref : movement.contiguous(this).storage.ref;
  }

  /**
   * Computes gradients of this tensor with respect to every leaf that requires them.
   * A scalar needs no `gradient`; otherwise pass dL/d(this) of the same shape. Options may
   * come first when there is no gradient: `loss.backward({ retainGraph: true })`.
   */
  backward(gradient?: Tensor | BackwardOptions, options: BackwardOptions = {}): void {
    if (gradient !== undefined && !(gradient instanceof Tensor)) {
      if (gradient === null || typeof gradient !== "object") throw new Error(`backward: the first argument must be a gradient tensor or options like { retainGraph: true }, got ${String(gradient)}`);
      return this.backward(undefined, gradient);
    }
    let seed = gradient;
    if (seed === undefined) {
      if (this.size !== 1) {
        throw new Error(`backward: grad can be implicitly created only for scalar outputs; this tensor has shape ${formatShape(this.shape)}, pass a gradient of that shape`);
      }
      seed = Tensor.empty(this.shape, this.dtype, this.backend);
      this.backend.fill(seed.storage.ref, 1);
    } else if (gradient!.shape.join() !== this.shape.join()) {
      throw new Error(`backward: gradient shape ${formatShape(gradient!.shape)} does not match the tensor's shape ${formatShape(this.shape)}`);
    }
    runBackward(this, seed, options);
  }
  /** Marks this leaf as needing gradients (in place) and returns it. */
  requiresGrad_(requiresGrad = true): this {
    if (!this.isLeaf) throw new Error("requiresGrad_: only leaf tensors can change requiresGrad; use detach() first");
    this.requiresGrad = requiresGrad;
    return this;
  }
  /** Keeps `.grad` of this non-leaf tensor after `backward()` (for inspecting a graph). */
  retainGrad(): this {
    if (this.gradFn !== null) this.gradFn.retained = this;
    return this;
  }
  /** A tensor sharing this data but cut from the graph. */
  detach(): Tensor {
    return new Tensor(this.storage, this.shape, this.strides, this.offset);
  }
  /**
   * The single value of a one-element tensor (a bool as 1 or 0). Synchronous: on a backend that
   * reads asynchronously (a GPU) it throws; use `(await t.data())[0]` there.
   */
  item(): number {
    if (this.size !== 1) throw new Error(`item: only one-element tensors can be converted to a number; this tensor has shape ${formatShape(this.shape)}`);
    return this.readNow("item", "(await t.data())[0]")[0]!;
  }
  /** A flat copy of the data in row-major order (synchronous; `await t.data()` works on every backend). */
  toTypedArray(): DataArray {
    return this.readNow("toTypedArray", "await t.data()");
  }
  /**
   * The values as nested arrays, a number for a 0-d tensor, booleans for a bool tensor
   * (synchronous; `await t.array()` works on every backend).
   */
  toArray(): NestedArray {
    return nest(this.readNow("toArray", "await t.array()"), this.shape, this.dtype === "bool");
  }
  /**
   * A flat copy of the data in row-major order, once every op before this call has computed
   * it: works on every backend, including those that cannot read synchronously (a GPU).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 2], [3, 4]]);
   * const values = await x.mul(2).data(); // a Float32Array
   * console.log(Array.from(values)); // [2, 4, 6, 8]
   * ```
   */
  async data(): Promise<DataArray> {
    return this.backend.readAsync(this.dataRef());
  }
  /**
   * The values as nested arrays (a number for a 0-d tensor; booleans for a bool tensor), read
   * as {@link Tensor.data} reads them: works on every backend.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 2], [3, 4]]);
   * console.log(await x.t().array()); // [[1, 3], [2, 4]]
   * ```
   */
  async array(): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype === "bool");
  }
  /** "a float32 [2,3] tensor", "an int32 [4] tensor", for errors. */
  private describe(): string {
    return `${this.dtype.startsWith("int") ? "an" : "a"} ${this.dtype} ${formatShape(this.shape)} tensor`;
  }
  /** The data, synchronously, or an error naming `method` and the async call to use instead. */
  private readNow(method: string, instead: string): DataArray {
    const backend = this.backend;
    if (!backend.readsSynchronously) {
      throw new Error(`${method}: the ${backend.name} backend reads tensor data asynchronously; use ${instead} instead`);
    }
    return backend.read(this.dataRef());
  }
  /** The values as PyTorch prints them (`tensor([1.5000, 2.0000], requiresGrad=true)`); see `setPrintOptions`. */
  override toString(): string {
    return this.printed();
  }
  /** What `console.log(t)` shows in Node: the same as `toString()`. */
  [inspectCustom](): string {
    return this.printed();
  }
  /** The formatted values, or a placeholder where reading them would have to wait for a device. */
  private printed(): string {
    if (this.backend.readsSynchronously) return formatTensorText(this);
    return `tensor(<on ${this.backend.name}: await t.array()>, shape=${formatShape(this.shape)}, dtype=${this.dtype}${this.requiresGrad ? ", requiresGrad=true" : ""})`;
  }

  /** Overwrites this tensor's values with `source` (same shape), outside the graph; returns this. */
  copy_(source: Tensor): this {
    inPlace.copyInPlace(this, source);
    return this;
  }
  // In-place updates outside the graph (src/ops/in-place.ts documents each); they return this.
  /** this ← this + alpha·other, in place. */
  add_(other: Operand, alpha = 1): this { inPlace.addInPlace(this, other, alpha); return this; }
  /** this ← this − alpha·other, in place. */
  sub_(other: Operand, alpha = 1): this { inPlace.subInPlace(this, other, alpha); return this; }
  /** this ← this · other, in place. */
  mul_(other: Operand): this { inPlace.mulInPlace(this, other); return this; }
  /** this ← this / other, in place. */
  div_(other: Operand): this { inPlace.divInPlace(this, other); return this; }
  /** this ← this + value·a·b, in place. */
  addcmul_(a: Operand, b: Operand, value = 1): this { inPlace.addcmulInPlace(this, a, b, value); return this; }
  /** this ← this + value·a/b, in place. */
  addcdiv_(a: Operand, b: Operand, value = 1): this { inPlace.addcdivInPlace(this, a, b, value); return this; }
  /** this ← √this, in place. */
  sqrt_(): this { inPlace.sqrtInPlace(this); return this; }
  /** Sets every element to `value`, in place. */
  fill_(value: number): this { inPlace.fillInPlace(this, value); return this; }
  /** Sets every element to 0, in place. */
  zero_(): this { inPlace.zeroInPlace(this); return this; }
  /** A contiguous copy with its own storage (differentiable). */
  clone(): Tensor {
    return movement.clone(this);
  }
  /** This tensor if its elements are laid out contiguously, else a contiguous copy (differentiable). */
  contiguous(): Tensor {
    return this.isContiguous ? this : movement.contiguous(this);
  }
  /**
   * Converts to `dtype` (differentiable between floating-point dtypes). Floats become int32 by
   * truncation toward zero; any non-zero value (NaN too) becomes `true`.
   */
  to(dtype: DType): Tensor {
    return dtype === this.dtype ? this : movement.cast(this, dtype);
  }
  /** `to("float32")`. */
  float(): Tensor { return this.to("float32"); }
  /** `to("float64")`. */
  double(): Tensor { return this.to("float64"); }
  /** `to("int32")` (PyTorch's `.int()`). */
  int(): Tensor { return this.to("int32"); }
  /** `to("bool")`. */
  bool(): Tensor { return this.to("bool"); }
  /** Whether the dtype is float32 or float64. */
  get isFloatingPoint(): boolean { return isFloatingPoint(this.dtype); }

  /** this + other, elementwise with broadcasting (a logical or for bool tensors). */
  add(other: Operand): Tensor { return binary.add(this, other); }
  /** this − other, elementwise with broadcasting. */
  sub(other: Operand): Tensor { return binary.sub(this, other); }
  /** this · other, elementwise with broadcasting (a logical and for bool tensors). */
  mul(other: Operand): Tensor { return binary.mul(this, other); }
  /** this / other, elementwise with broadcasting; true division (integers give float32), as PyTorch's `div`. */
  div(other: Operand): Tensor { return binary.div(this, other); }
  /** this raised to `exponent` (a number or a tensor), elementwise with broadcasting. */
  pow(exponent: Operand): Tensor { return binary.pow(this, exponent); }
  /** The larger of this and `other`, elementwise with broadcasting (the gradient is split evenly on ties). */
  maximum(other: Operand): Tensor { return binary.maximum(this, other); }
  /** The smaller of this and `other`, elementwise with broadcasting (the gradient is split evenly on ties). */
  minimum(other: Operand): Tensor { return binary.minimum(this, other); }
  /** A bool tensor: true where this > other (broadcasting); no gradient. */
  gt(other: Operand): Tensor { return binary.compare("gt", this, other); }
  /** A bool tensor: true where this ≥ other (broadcasting); no gradient. */
  ge(other: Operand): Tensor { return binary.compare("ge", this, other); }
  /** A bool tensor: true where this < other (broadcasting); no gradient. */
  lt(other: Operand): Tensor { return binary.compare("lt", this, other); }
  /** A bool tensor: true where this ≤ other (broadcasting); no gradient. */
  le(other: Operand): Tensor { return binary.compare("le", this, other); }
  /** A bool tensor: true where this = other (broadcasting); no gradient. */
  eq(other: Operand): Tensor { return binary.compare("eq", this, other); }
  /** −this, elementwise. */
  neg(): Tensor { return unary.neg(this); }
  /** eˣ, elementwise. */
  exp(): Tensor { return unary.exp(this); }
  /** The natural logarithm, elementwise. */
  log(): Tensor { return unary.log(this); }
  /** √x, elementwise. */
  sqrt(): Tensor { return unary.sqrt(this); }
  /** |x|, elementwise. */
  abs(): Tensor { return unary.abs(this); }
  /** −1, 0 or 1 by the sign of each element; piecewise constant, so no gradient flows through it. */
  sign(): Tensor { return unary.sign(this); }
  /** max(x, 0), elementwise. */
  relu(): Tensor { return unary.relu(this); }
  /** 1 / (1 + e⁻ˣ), elementwise. */
  sigmoid(): Tensor { return unary.sigmoid(this); }
  /** The hyperbolic tangent, elementwise. */
  tanh(): Tensor { return unary.tanh(this); }
  /** x², elementwise. */
  square(): Tensor { return binary.mul(this, this); }
  /**
   * Limits values to [min, max]; either bound may be left out (not both, as in PyTorch). As in
   * PyTorch, min > max sets every element to max (NaN stays NaN).
   */
  clamp(min?: number | null, max?: number | null): Tensor {
    if ((min ?? null) === null && (max ?? null) === null) throw new Error("clamp: at least one of min and max must be given");
    return unary.clamp(this, min ?? -Infinity, max ?? Infinity);
  }
  /** exp(x) / Σ exp(x) along `dim`, computed stably (PyTorch's `softmax(dim)`). */
  softmax(dim: number): Tensor { return softmax(this, dim); }
  /** log(softmax(x)) along `dim`, computed stably (PyTorch's `log_softmax`). */
  logSoftmax(dim: number): Tensor { return logSoftmax(this, dim); }
  /** Matrix product with PyTorch's `matmul` rules: 1-d operands are vectors, leading batch dims broadcast. */
  matmul(other: Tensor): Tensor { return matmul(this, other); }

  /** Sum over everything, a dim or a list of dims; `keepdim` keeps reduced dims as size 1. Bool and int32 sum to int32 (PyTorch: int64). */
  sum(dim?: number | readonly number[] | null, keepdim = false): Tensor { return reduce.sum(this, dim, keepdim); }
  /** Mean over everything, a dim or a list of dims; `keepdim` keeps reduced dims as size 1. Floating-point tensors only. */
  mean(dim?: number | readonly number[] | null, keepdim = false): Tensor { return reduce.mean(this, dim, keepdim); }

  // Reductions, sorting and sampling (src/ops/min-max.ts, prod.ts, variance.ts, logsumexp.ts,
  // norm.ts, cumsum.ts, all-any.ts, sort.ts, bernoulli.ts, multinomial.ts, random-fill.ts).
  /**
   * The maximum of every element (a 0-d tensor; the gradient is shared evenly among ties), or
   * along `dim` the maximum values and the indices of their first occurrence (the gradient goes
   * to those indices), as PyTorch's `max(dim)` named tuple; indices are int32 (PyTorch: int64).
   * For maxima over several dims as one tensor use {@link Tensor.amax}.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 5, 2], [7, 0, 3]]);
   * console.log(x.max().item()); // 7
   * const { values, indices } = x.max(1);
   * console.log(values.toArray(), indices.toArray()); // [5, 7] [1, 0]
   * ```
   */
  max(dim?: null): Tensor;
  max(dim: number, keepdim?: boolean): ValuesAndIndices;
  max(dim?: number | null, keepdim = false): Tensor | ValuesAndIndices {
    return dim === null || dim === undefined ? extremeOverDims("max", "max", this, null, false) : extremeAlongDim("max", this, dim, keepdim);
  }
  /**
   * The minimum of every element, or along `dim` the minimum values and their first indices
   * (see {@link Tensor.max}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const [values, indices] = tensor([[1, 5, 2], [7, 0, 3]]).min(-1, true);
   * console.log(values.toArray(), indices.toArray()); // [[1], [0]] [[0], [1]]
   * ```
   */
  min(dim?: null): Tensor;
  min(dim: number, keepdim?: boolean): ValuesAndIndices;
  min(dim?: number | null, keepdim = false): Tensor | ValuesAndIndices {
    return dim === null || dim === undefined ? extremeOverDims("min", "min", this, null, false) : extremeAlongDim("min", this, dim, keepdim);
  }
  /**
   * Maximum values over a dim, a list of dims or everything, as one tensor; the gradient is shared
   * evenly among tied maxima (PyTorch's `amax`).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 5], [7, 0]]).amax([0, 1]).item()); // 7
   * ```
   */
  amax(dim?: Dims, keepdim = false): Tensor { return extremeOverDims("max", "amax", this, dim, keepdim); }
  /**
   * Minimum values over a dim, a list of dims or everything (PyTorch's `amin`).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 5], [7, 0]]).amin(1).toArray()); // [1, 0]
   * ```
   */
  amin(dim?: Dims, keepdim = false): Tensor { return extremeOverDims("min", "amin", this, dim, keepdim); }
  /**
   * Index of the first minimum, over the flattened tensor or along `dim`; int32 (PyTorch: int64),
   * no gradient.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[3, 1, 2], [0, 4, 0]]).argmin(1).toArray()); // [1, 0]
   * ```
   */
  argmin(dim?: number | null, keepdim = false): Tensor { return argmin(this, dim, keepdim); }
  /**
   * Product over a dim, a list of dims or everything. Its gradient is the product of the other
   * elements, exact at zeros as PyTorch's.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 2], [3, 4]]).prod(1).toArray()); // [2, 12]
   * ```
   */
  prod(dim?: Dims, keepdim = false): Tensor { return prod(this, dim, keepdim); }
  /**
   * Variance over a dim, a list of dims or everything: Σ(x − mean)² / (N − correction), with
   * `correction` 1 by default (unbiased). As in PyTorch, pass `{ correction, keepdim }`, or
   * positionally `unbiased` (true: correction 1, false: 0) then `keepdim`.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([1, 2, 3, 4]);
   * console.log(x.var().item(), x.var(0, { correction: 0 }).item()); // 1.6666666269302368 1.25
   * console.log(x.var(0, false, true).toArray()); // [1.25]
   * ```
   */
  var(dim?: Dims, options?: boolean | VarianceOptions, keepdim?: boolean): Tensor { return variance(this, dim, options, keepdim); }
  /**
   * Standard deviation, √{@link Tensor.var}, with the same arguments (`correction` 1 by default).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 3], [2, 2]]).std(1, { correction: 0 }).toArray()); // [1, 0]
   * ```
   */
  std(dim?: Dims, options?: boolean | VarianceOptions, keepdim?: boolean): Tensor { return std(this, dim, options, keepdim); }
  /**
   * log Σ exp(x) over a dim, a list of dims or everything, computed without overflow.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1000, 1000]).logsumexp(0).item()); // 1000.6931762695312
   * ```
   */
  logsumexp(dim?: Dims, keepdim = false): Tensor { return logsumexp(this, dim, keepdim); }
  /**
   * The vector p-norm (p = 1, 2 or Infinity) over a dim, a list of dims or everything.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[3, -4], [1, 0]]);
   * console.log(x.norm().item(), x.norm(1, 1).toArray(), x.norm(Infinity).item()); // 5.099019527435303 [7, 1] 4
   * ```
   */
  norm(p = 2, dim?: Dims, keepdim = false): Tensor { return norm(this, p, dim, keepdim); }
  /**
   * Running sums along `dim`.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 2, 3], [4, 5, 6]]).cumsum(1).toArray()); // [[1, 3, 6], [4, 9, 15]]
   * ```
   */
  cumsum(dim: number): Tensor { return cumsum(this, dim); }
  /**
   * Whether every element is non-zero (NaN counts), over a dim, a list of dims or everything; a
   * bool tensor, true over an empty set.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[1, 0], [2, 3]]).all(1).toArray()); // [false, true]
   * ```
   */
  all(dim?: Dims, keepdim = false): Tensor { return all(this, dim, keepdim); }
  /**
   * Whether some element is non-zero, over a dim, a list of dims or everything (see {@link Tensor.all}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([[0, 0], [0, 3]]).any(1).toArray()); // [false, true]
   * ```
   */
  any(dim?: Dims, keepdim = false): Tensor { return any(this, dim, keepdim); }
  /**
   * Sorts along `dim` (the last by default), ascending unless `descending`, stably (equal
   * elements keep their order, as PyTorch's `stable=True`; NaN sorts above everything). Returns
   * the values (differentiable) and the indices (int32; PyTorch: int64).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const { values, indices } = tensor([3, 1, 2, 1]).sort(-1, true);
   * console.log(values.toArray(), indices.toArray()); // [3, 2, 1, 1] [0, 2, 1, 3]
   * ```
   */
  sort(dim = -1, descending = false): ValuesAndIndices { return sort(this, dim, descending); }
  /**
   * The indices that sort along `dim` (stable; see {@link Tensor.sort}).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([3, 1, 2]).argsort().toArray()); // [1, 2, 0]
   * ```
   */
  argsort(dim = -1, descending = false): Tensor { return argsort(this, dim, descending); }
  /**
   * The `k` largest elements along `dim` (the smallest with `largest = false`), in sorted order,
   * with their indices (int32; PyTorch: int64); the gradient goes back to the picked elements.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const { values, indices } = tensor([[1, 9, 3], [8, 2, 7]]).topk(2);
   * console.log(values.toArray(), indices.toArray()); // [[9, 3], [8, 7]] [[1, 2], [0, 2]]
   * ```
   */
  topk(k: number, dim = -1, largest = true): ValuesAndIndices { return topk(this, k, dim, largest); }
  /**
   * 0/1 samples, 1 with the probability held by each element (see `bernoulli`).
   *
   * @example
   * ```ts
   * import { full } from "nabla";
   * console.log(full([2, 3], 0.5).bernoulli().shape); // [2, 3]
   * ```
   */
  bernoulli(options?: SamplingOptions): Tensor { return bernoulli(this, options); }
  /**
   * Category indices drawn from the weights in each row (see `multinomial`; without replacement by default).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0.2, 0.3, 0.5]).multinomial(3).shape); // [3]
   * ```
   */
  multinomial(numSamples: number, replacement = false, options?: SamplingOptions): Tensor { return multinomial(this, numSamples, replacement, options); }
  /**
   * Fills this tensor with uniform samples in [from, to), in place (outside the graph); returns this.
   *
   * @example
   * ```ts
   * import { zeros } from "nabla";
   * const w = zeros([100]).uniform_(-0.1, 0.1);
   * console.log(w.abs().max().item() < 0.1); // true
   * ```
   */
  uniform_(from = 0, to = 1, options: SamplingOptions = {}): this { uniformInPlace(this, from, to, options.generator); return this; }
  /**
   * Fills this tensor with normal samples of `mean` and `std`, in place (outside the graph); returns this.
   *
   * @example
   * ```ts
   * import { zeros } from "nabla";
   * console.log(zeros([2, 3]).normal_(0, 0.02).shape); // [2, 3]
   * ```
   */
  normal_(mean = 0, std = 1, options: SamplingOptions = {}): this { normalInPlace(this, mean, std, options.generator); return this; }
  /** Index of the first maximum (over the flattened tensor, or along `dim`); no gradient. */
  argmax(dim?: number | null, keepdim = false): Tensor { return reduce.argmax(this, dim, keepdim); }

  /** The same elements in `shape` (one size may be -1, inferred), as PyTorch's `reshape`. */
  reshape(shape: readonly number[]): Tensor { return movement.reshape(this, shape); }
  /** Dims `startDim`…`endDim` (inclusive, default all) merged into one. */
  flatten(startDim = 0, endDim = -1): Tensor { return movement.flatten(this, startDim, endDim); }
  /** Broadcasts size-1 dims (and new leading dims) to `shape` without copying; -1 keeps a dim's size. */
  expand(shape: readonly number[]): Tensor { return movement.expand(this, shape); }
  /** The dims reordered: axis i of the result is axis `dims[i]` of this tensor. */
  permute(dims: readonly number[]): Tensor { return movement.permute(this, dims); }
  /** Dims `dim0` and `dim1` swapped. */
  transpose(dim0: number, dim1: number): Tensor { return movement.transpose(this, dim0, dim1); }
  /** Transpose of a matrix (a 0-d or 1-d tensor is returned as is). */
  t(): Tensor { return this.ndim < 2 ? this : movement.transpose(this, 0, 1); }
  /** A new size-1 dim inserted at position `dim`. */
  unsqueeze(dim: number): Tensor { return movement.unsqueeze(this, dim); }
  /** Size-1 dims removed: all of them, or those among `dim` (other dims are left alone, as in PyTorch). */
  squeeze(dim?: number | readonly number[]): Tensor { return movement.squeeze(this, dim); }
  /** Values picked along `dim` at `index` (same rank as this tensor): for dim 1, out[i][j] = this[i][index[i][j]], as PyTorch's `gather`. */
  gather(dim: number, index: Tensor | NestedArray): Tensor { return gather(this, dim, index); }

  // Views and shape ops, PyTorch's semantics; the functions behind them (src/ops/movement.ts,
  // slicing.ts, join.ts, rearrange.ts, gather.ts, where.ts) document each with an example.
  // Views share this tensor's storage: an in-place write through one shows here.
  /** The same data in `shape` as a view, never a copy; data whose strides cannot express `shape` is an error (use `reshape`). */
  view(shape: readonly number[]): Tensor { return movement.view(this, shape); }
  /** Splits axis `dim` into `sizes` (one may be -1), a view. */
  unflatten(dim: number, sizes: readonly number[]): Tensor { return movement.unflatten(this, dim, sizes); }
  /** `length` elements of axis `dim` from `start`, a view. */
  narrow(dim: number, start: number, length: number): Tensor { return slicing.narrow(this, dim, start, length); }
  /** Position `index` of axis `dim`, that axis removed, a view. */
  select(dim: number, index: number): Tensor { return slicing.select(this, dim, index); }
  /** Python's `start:end:step` along `dim` (step > 0), a view. */
  slice(dim: number, start: number | null = null, end: number | null = null, step = 1): Tensor { return slicing.slice(this, dim, start, end, step); }
  /** Basic indexing as a view: Python's `x[1, 1:3, ..., None]` is `x.index(1, "1:3", "...", null)`. */
  index(...items: slicing.IndexItem[]): Tensor { return slicing.index(this, items); }
  /** Views of consecutive parts along `dim`: each `splitSize` long, or the listed sizes. */
  split(splitSize: number | readonly number[], dim = 0): Tensor[] { return join.split(this, splitSize, dim); }
  /** At most `chunks` views of ⌈size / chunks⌉ along `dim`. */
  chunk(chunks: number, dim = 0): Tensor[] { return join.chunk(this, chunks, dim); }
  /** The slices along `dim`, that axis removed (views). */
  unbind(dim = 0): Tensor[] { return join.unbind(this, dim); }
  /** The order of elements reversed along `dims` (a copy). */
  flip(dims: number | readonly number[]): Tensor { return rearrange.flip(this, dims); }
  /** Elements shifted by `shifts` along `dims`, wrapping around (the flattened tensor without `dims`). */
  roll(shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor { return rearrange.roll(this, shifts, dims); }
  /** This tensor tiled `sizes[i]` times along each axis (PyTorch's `repeat`). */
  repeat(sizes: readonly number[]): Tensor { return rearrange.repeat(this, sizes); }
  /** `repeat` with `dims` padded by leading 1s (PyTorch's `tile`). */
  tile(dims: readonly number[]): Tensor { return rearrange.tile(this, dims); }
  /** The lower triangle of the last two axes (column − row ≤ `diagonal`), zeros above. */
  tril(diagonal = 0): Tensor { return rearrange.tril(this, diagonal); }
  /** The upper triangle of the last two axes (column − row ≥ `diagonal`), zeros below. */
  triu(diagonal = 0): Tensor { return rearrange.triu(this, diagonal); }
  /** This tensor where `condition` holds, else `other` (PyTorch's `x.where(condition, y)`). */
  where(condition: Tensor, other: Operand): Tensor { return where(condition, this, other); }
  /** This tensor with `value` where `mask` holds (PyTorch's `masked_fill`). */
  maskedFill(mask: Tensor, value: Operand): Tensor { return maskedFill(this, mask, value); }
  /** The entries of axis `dim` at the positions of a 1-d `index` (PyTorch's `index_select`). */
  indexSelect(dim: number, index: Tensor | readonly number[]): Tensor { return indexed.indexSelect(this, dim, index); }
  /** A copy with `src` written at `index` along `dim` (PyTorch's out-of-place `scatter`). */
  scatter(dim: number, index: Tensor | NestedArray, src: Tensor | number): Tensor { return indexed.scatter(this, dim, index, src); }
  /** A copy with `src` added at `index` along `dim` (PyTorch's `scatter_add`). */
  scatterAdd(dim: number, index: Tensor | NestedArray, src: Tensor): Tensor { return indexed.scatterAdd(this, dim, index, src); }
}

/** Row-major `flat` values as nested arrays of `shape` (a number, or a boolean, for a 0-d shape). */
function nest(flat: DataArray, shape: readonly number[], bool: boolean): NestedArray {
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return bool ? flat[offset] === 1 : flat[offset]!;
    const stride = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]!; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}
