import type { Backend, DataRef, StridedRef } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import { isContiguous } from "../backend/strides.js";
import { runBackward, type BackwardOptions } from "../autograd/backward.js";
import type { GradFn } from "../autograd/grad-fn.js";
import { isFloatingPoint, type DType } from "./dtype.js";
import { contiguousStrides, formatShape, sizeOf, type Shape } from "./shape.js";
import { Storage, checkCurrent } from "./storage.js";
import * as unary from "../ops/unary.js";
import * as binary from "../ops/binary.js";
import type { SamplingOptions } from "../ops/bernoulli.js";
import { normalInPlace, uniformInPlace } from "../ops/random-fill.js";
import * as movement from "../ops/movement.js";
import { matmul } from "../ops/matmul.js";
import { logSoftmax, softmax } from "../ops/softmax.js";
import * as inPlace from "../ops/in-place.js";
import { checkElementCount, MAX_ELEMENTS } from "./size-limit.js";
import { TensorData } from "./tensor-data.js";

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
export class Tensor extends TensorData {
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
  /** The number of elements, as PyTorch's `numel()` spells it (the same as {@link Tensor.size}). */
  numel(): number {
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
  /** "a float32 [2,3] tensor", "an int32 [4] tensor", for errors. */
  private describe(): string {
    return `${this.dtype.startsWith("int") ? "an" : "a"} ${this.dtype} ${formatShape(this.shape)} tensor`;
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
}
