/**
 * The kernel interface every backend implements. Tensors never touch typed arrays: they hold a
 * {@link DataRef} owned by a backend and ask the backend's kernels for every computation, so a
 * WebAssembly backend can keep all tensor data inside its own memory, and a GPU backend on
 * its device.
 *
 * Every kernel writes into an `out` buffer allocated by the caller with {@link Backend.allocate}.
 * Inputs are contiguous unless a parameter is a {@link StridedRef}.
 *
 * ## Reading data back: synchronous or not
 *
 * A CPU backend answers {@link Backend.read} at once. A GPU backend cannot: kernels are queued
 * and a buffer's contents arrive after the queue has run (WebGPU's `mapAsync`). Such a backend
 * sets {@link Backend.readsSynchronously} to false and answers only {@link Backend.readAsync};
 * the tensor layer then serves `await t.data()` / `await t.array()` and makes `item()`,
 * `toArray()` and `toTypedArray()` throw an error naming the async method to use.
 *
 * Kernels are issued in program order and each reads what the ones before it wrote, so
 * forward and backward never wait for the device: **no op reads tensor data back to the host**
 * on a backend that cannot read synchronously. Where an op checks values (class targets of
 * `crossEntropy`/`nllLoss`, indices of `gather`, targets of `binaryCrossEntropy` in [0, 1]),
 * the CPU backends check them on the host and throw an error naming the op, the position and
 * the value (see `checkValuesOnHost` in src/ops/operand.ts). A device backend checks them on
 * the device instead, as CUDA's device-side asserts do: a gather/scatter kernel compares each
 * index with the axis size and, for one out of range, writes nothing there and records the op,
 * the position and the value in a small status buffer; the next `readAsync` reads that buffer
 * with the data and rejects with the same message the CPU backends throw. Numbers given on the
 * host (a `number[]` of class targets) are checked on the host on every backend.
 *
 * ## Memory the garbage collector cannot see
 *
 * Users never call `dispose`. Typed-array backends need nothing more: a tensor's typed array
 * is garbage like any object, and the collector frees it even inside a synchronous training
 * loop. A backend whose buffers live elsewhere (WebAssembly memory, GPU buffers) sets
 * {@link Backend.needsFree}; src/tensor/storage.ts then registers every Storage with a
 * FinalizationRegistry whose callback calls {@link Backend.free} once the Storage is
 * collected. Finalizer callbacks run as separate tasks, never inside a synchronous loop (see
 * src/backend/wasm/wasm-backend.ts: resident WebAssembly tensors grew +110 KB a step until the
 * loop ended), so such a backend must:
 *
 * - Keep a pool of buffers bucketed by size (powers of two, or the sizes a model asks for
 *   again and again); `allocate` takes from the bucket and `free` returns to it, so a steady
 *   loop stops creating buffers after its first step. Freed buffers are reused only after the
 *   commands queued before the `free` have run (a GPU queue is in order, so a buffer freed at
 *   submit n may be handed out for commands submitted after n).
 * - Document the loop shape that lets finalizers run: one `await` per step (an `await
 *   t.data()` of the loss, or `await nextFrame()`), which a GPU loop has anyway since reads
 *   are asynchronous; a compiled step (issue 14) that owns its buffers needs none.
 * - Bound what a loop without awaits can hold: when the pool's live bytes pass a limit, say
 *   so in an error naming the limit and the fix (an `await` per step), never fail silently or
 *   grow until the device is lost.
 *
 * The WebGPU issue (16) builds this; `needsFree` and `free` are the hooks it uses.
 */
import type { DType } from "../tensor/dtype.js";
import type { BinaryOp, ConvOp, LayerNormOp, NormOp, PoolOp, ReduceOp, SoftmaxOp, UnaryOp } from "./op-table.js";
import type { DataArray, DataRef, StridedRef } from "./data-ref.js";
import type { BatchNormRefs, MatmulSpec, ScanOp, WindowSpec } from "./kernel-specs.js";

// Buffer handles (data-ref.ts) and kernel geometry (kernel-specs.ts) are part of this interface: importers take them from here.
export type { DataArray, DataRef, StridedRef } from "./data-ref.js";
export type { BatchNormRefs, MatmulSpec, ScanOp, WindowSpec } from "./kernel-specs.js";

// The op names come from the table of ops (op-table.ts), the single source of every backend's dispatch.
export type { UnaryOp, BinaryOp, ReduceOp, ConvOp, PoolOp, NormOp, SoftmaxOp, LayerNormOp } from "./op-table.js";

export interface Backend {
  readonly name: string;

  allocate(size: number, dtype: DType): DataRef;
  /** Copies `values` into a new buffer of `dtype`. */
  fromValues(values: ArrayLike<number>, dtype: DType): DataRef;
  /**
   * A buffer over `array` itself, so that writes to either show in the other, where the backend
   * keeps its data in typed arrays and `array` is the kind `dtype` is kept in (js and wasm: a
   * Float32Array for float32, Float64Array for float64, Int32Array for int32); else a copy, as
   * {@link Backend.fromValues} makes (webgpu uploads it).
   */
  fromArray(array: DataArray, dtype: DType): DataRef;
  /**
   * Whether {@link Backend.read} answers synchronously (the CPU backends). A backend that
   * queues work on a device sets false: its `read` throws, and data comes back through
   * {@link Backend.readAsync}.
   */
  readonly readsSynchronously: boolean;
  /** Copies the buffer out (only where {@link Backend.readsSynchronously}). */
  read(ref: DataRef): DataArray;
  /**
   * @internal The buffer's own array, not a copy, for a value check that reads it at once and
   * keeps nothing (`hostValues` in src/ops/operand.ts); only where {@link Backend.readsSynchronously}.
   * Optional: without it the checks read a copy. It saves a check of every step (binary
   * cross-entropy's [0, 1] check of its input and target) a buffer the size of the data.
   */
  peek?(ref: DataRef): DataArray;
  /** Copies the buffer out once every kernel issued before this call has run; every backend answers it. */
  readAsync(ref: DataRef): Promise<DataArray>;
  /** Releases a buffer; called by the tensor layer's finalizer, never by users. */
  free(ref: DataRef): void;
  /**
   * @internal Optional: takes back a buffer that nothing will read or write again, so a later
   * {@link Backend.allocate} can reuse its memory instead of fresh pages. Autograd calls it for
   * a backward pass's spent gradients (src/autograd/backward.ts), the only buffers whose end it
   * knows without the collector. Typed-array backends keep large arrays for reuse.
   */
  recycle?(ref: DataRef): void;
  /**
   * Whether buffers hold memory the garbage collector cannot see, so the tensor layer must
   * call {@link Backend.free}. Backends whose buffers are typed arrays leave it unset: a
   * finalizer's held value would keep their data alive until the event loop next turns.
   */
  readonly needsFree?: boolean;
  /**
   * For a backend that {@link Backend.needsFree}: keeps `refs` (a compiled plan's buffers) out
   * of reuse while `owner` (the plan) is alive, even once their tensors are collected. compile
   * traces on such a backend only where this exists.
   */
  retain?(refs: Iterable<DataRef>, owner: object): void;
  /** What runs the kernels, where there is more to say than the name (a GPU backend's adapter). */
  readonly description?: string;
  /**
   * Told by `optimizer.step()` once it has issued an update of parameters on this backend: a
   * device backend counts training steps with it, to name the step in a device-lost error.
   */
  stepIssued?(): void;
  /** True once the device under this backend is gone: `setBackend` then opens a new one. */
  readonly deviceLost?: boolean;
  /** Threads computing large products now, the caller included (1 when unset). */
  readonly threadsRunning?: number;

  fill(out: DataRef, value: number): void;
  /** out = x converted to out's dtype. */
  cast(x: DataRef, out: DataRef): void;
  /** Gathers a strided view of `shape` into contiguous `out`: expand, permute and copies. */
  copyStrided(x: StridedRef, shape: readonly number[], out: DataRef): void;
  /**
   * Writes a strided view of `shape` into a strided region of `out` (strides may be negative;
   * `out`'s view must not repeat an element): cat and pad place their parts with it, a slice's
   * gradient lands in its region, and in-place ops write through views. `x` must not overlap
   * the written region unless it reads each element at the place it writes it.
   */
  copyInto(x: StridedRef, shape: readonly number[], out: StridedRef): void;
  /** out[shape] = cond ≠ 0 ? a : b, read through strides over `shape`; a number is a scalar operand. */
  where(cond: StridedRef, a: StridedRef | number, b: StridedRef | number, shape: readonly number[], out: DataRef): void;

  /**
   * out = op(x). `alpha` and `beta` are the parameters of the ops that take some (op-table.ts
   * lists them: leakyRelu's negative slope, softplus's beta and threshold …); others ignore them.
   */
  unary(op: UnaryOp, x: DataRef, out: DataRef, alpha?: number, beta?: number): void;
  /** out = clamp(x, lo, hi) (either bound may be ±Infinity). */
  clamp(x: DataRef, lo: number, hi: number, out: DataRef): void;
  /** out[shape] = a op b, both read through strides over `shape`; `out` holds the shape's elements, no more. */
  binary(op: BinaryOp, a: StridedRef, b: StridedRef, shape: readonly number[], out: DataRef): void;
  /**
   * out[shape] = a op s, or s op a when `scalarFirst`: a number operand reaches the kernel as a
   * number, read in out's dtype (no buffer is made for it). `out` holds the shape's elements.
   */
  binaryScalar(op: BinaryOp, a: StridedRef, s: number, scalarFirst: boolean, shape: readonly number[], out: DataRef): void;
  /**
   * out = alpha·x + beta·y over dense buffers of one size and dtype (BLAS's axpby), each
   * product rounded to the dtype before the sum, so `alpha = 1` gives exactly `x + beta·y`
   * as a multiply then an add would. `out` may be `x` or `y`. Optimizers' updates run on it:
   * one pass instead of a scale, a temporary and an add.
   */
  axpby(alpha: number, x: DataRef, beta: number, y: DataRef, out: DataRef): void;
  /** Reduces one axis of a contiguous [outer, axisSize, inner] buffer into [outer, inner]. */
  reduce(op: ReduceOp, x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void;
  /** Index of the first maximum along the middle axis of [outer, axisSize, inner]. */
  argmax(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void;
  /**
   * Maximum or minimum along the middle axis of [outer, axisSize, inner] (axisSize ≥ 1) into
   * `values`, and into `indices` the index of its first occurrence, as PyTorch's CPU kernels;
   * a NaN wins (PyTorch propagates it), the first NaN's index is returned.
   */
  reduceWithIndex(op: "max" | "min", x: DataRef, outer: number, axisSize: number, inner: number, values: DataRef, indices: DataRef): void;
  /**
   * Running sums or products along the middle axis of [outer, axisSize, inner], accumulated in
   * doubles; `reverse` runs from the end, `exclusive` leaves each element out of its own value.
   */
  scan(op: ScanOp, x: DataRef, outer: number, axisSize: number, inner: number, reverse: boolean, exclusive: boolean, out: DataRef): void;
  /** Σ(x − mean)² / (axisSize − correction) along the middle axis, two passes over each slice in doubles. */
  variance(x: DataRef, outer: number, axisSize: number, inner: number, correction: number, out: DataRef): void;
  /** log Σ exp(x) along the middle axis, shifted by the slice's maximum so it neither overflows nor underflows. */
  logsumexp(x: DataRef, outer: number, axisSize: number, inner: number, out: DataRef): void;
  /**
   * The first `k` of a stable sort along the middle axis of [outer, axisSize, inner] into
   * `values` and `indices` ([outer, k, inner]); NaN sorts above +∞, as in PyTorch.
   */
  sort(x: DataRef, outer: number, axisSize: number, inner: number, k: number, descending: boolean, values: DataRef, indices: DataRef): void;
  matmul(a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void;
  /**
   * out[outer, j, inner] = x[outer, index[outer, j, inner], inner] for j < indexAxis; index
   * values are already validated integers in [0, axisSize).
   */
  gather(x: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void;
  /**
   * out[outer, j, inner] = x[outer, index[j], inner] for j < count: whole blocks of `inner`
   * values picked by a 1-d index (indexSelect, an embedding's rows), which a gather would need
   * an index as large as the output for. Index values are already validated integers in [0, axisSize).
   */
  indexSelect(x: DataRef, index: DataRef, outer: number, axisSize: number, count: number, inner: number, out: DataRef): void;
  /**
   * out[outer, index[outer, j, inner], inner] = src[outer, j, inner] for j < indexAxis, in
   * order (a repeated index keeps the last value); the rest of `out` is left as it is.
   */
  scatter(src: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void;
  /** Reverse of gather: out (zeroed by the caller) [outer, axisSize, inner] += dy at index. */
  scatterAdd(dy: DataRef, index: DataRef, outer: number, axisSize: number, indexAxis: number, inner: number, out: DataRef): void;
  /**
   * Unfolds windows into columns: out [channels·kernelH·kernelW, batch·outH·outW] (row
   * (c, i, j), column (b, oh, ow)) holds the input value each tap sees, 0 in the padding. A
   * convolution is then one matrix product with the weight [out, channels·kernelH·kernelW].
   */
  im2col(x: DataRef, spec: WindowSpec, out: DataRef): void;
  /** The adjoint of im2col: out [batch, channels, height, width] = Σ of the columns at each input place. */
  col2im(cols: DataRef, spec: WindowSpec, out: DataRef): void;
  /**
   * Max pooling in one pass: out [batch, channels, outH, outW] the window maxima (padding never
   * wins; NaN does), indices (int32, same shape) the flat position h·width + w of each in its plane.
   */
  maxPool2d(x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void;
  /**
   * Max pooling's backward in one pass: out [batch, channels, height, width] is zero except
   * dy [batch, channels, outH, outW] added at each window's maximum (`indices` from maxPool2d;
   * overlapping windows add up).
   */
  maxPool2dGrad(dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void;
  /**
   * One-group 2-D convolution and its gradients (op-table.ts's CONV_OPS), W the weight
   * [outChannels, channels·kernelH·kernelW] and U(x_b) image b's im2col columns:
   * - `conv2d`: a = x [batch, channels, height, width], b = W; out [batch, outChannels, outH, outW]
   *   = W·U(x_b) for each b, plus `bias` [outChannels] when given.
   * - `conv2dInputGrad`: a = dy [batch, outChannels, outH, outW], b = W; out = x's shape, the
   *   adjoint Uᵀ(Wᵀ·dy_b) (col2im).
   * - `conv2dWeightGrad`: a = x, b = dy; out [outChannels, channels·kh·kw] = Σ_b dy_b·U(x_b)ᵀ.
   * `bias` is read by `conv2d` only (null for the others).
   */
  conv2d(op: ConvOp, a: DataRef, b: DataRef, bias: DataRef | null, spec: WindowSpec, outChannels: number, out: DataRef): void;
  /**
   * Average pooling in one pass (op-table.ts's POOL_OPS), `divisors` [outH·outW] the divisor of
   * each output position (the same in every plane), taps in the padding counting as zero:
   * - `avgPool2d`: x [batch, channels, height, width] → out [batch, channels, outH, outW], each
   *   window's sum over its divisor;
   * - `avgPool2dGrad`: x = dy [batch, channels, outH, outW] → out [batch, channels, height,
   *   width], each dy over its divisor added to every tap of its window.
   */
  pool2d(op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void;
  /**
   * Batch normalization in training, one kernel each way (op-table.ts's NORM_OPS), statistics
   * in doubles: `batchNorm` writes the batch's mean and biased variance and the output;
   * `batchNormGrad` writes dx = w·invstd·(dy − mean(dy) − x̂·mean(dy·x̂)) and the scale and
   * shift gradients, x̂ = (x − mean)·invstd, invstd = 1/√(variance + eps).
   */
  batchNorm(op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void;
  /**
   * Softmax and log-softmax along the middle axis of [outer, axisSize, inner] in one pass each
   * way (op-table.ts's SOFTMAX_OPS), each slice shifted by its maximum so nothing overflows:
   * `softmax` and `logSoftmax` read x (dy is null); `softmaxGrad` and `logSoftmaxGrad` read
   * x = the forward's output y and dy, and write dx = y·(dy − Σ dy·y) and dy − e^y·Σ dy.
   * `causal` (forward ops, inner = 1; 0 for none) is L when the slices are the rows of
   * [L, axisSize] blocks of attention scores under a causal mask: row i of each block sees
   * only its first i + 1 entries, and the rest come out as softmax 0 (log-softmax −∞), their
   * inputs never read, as if −∞ had been added there.
   */
  softmax(op: SoftmaxOp, x: DataRef, dy: DataRef | null, outer: number, axisSize: number, inner: number, out: DataRef, causal?: number): void;
  /**
   * Layer normalization of x [rows, features] in one kernel each way (op-table.ts's
   * LAYER_NORM_OPS), statistics per row in doubles, `weight` and `bias` [features] (or null):
   * `layerNorm` writes each row's mean and biased variance [rows] and out = x̂·weight + bias;
   * `layerNormGrad` writes dx = invstd·(g − mean(g) − x̂·mean(g·x̂)), g = dy·weight, and
   * dweight = Σ_rows dy·x̂, dbias = Σ_rows dy where wanted; x̂ = (x − mean)·invstd,
   * invstd = 1/√(variance + eps). The buffers are named as batch norm's (`BatchNormRefs`).
   */
  layerNorm(op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void;
}
