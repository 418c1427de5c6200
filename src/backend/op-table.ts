/**
 * The table of element-wise ops: the single source of every backend's dispatch. The TypeScript
 * op types are derived from it, the WebAssembly kernels' opcodes are generated from it
 * (scripts/build-wasm.mjs writes assembly/opcodes.ts: an op's opcode is its index here), and
 * test/backend/op-table.test.ts runs every op listed here on every backend against the
 * reference (TS) backend. Adding an op here without a kernel case is a compile error in the
 * TS kernels (their switches end in a `never` check) and a trap in the WebAssembly ones.
 *
 * Append new ops at the end of a list or anywhere: opcodes are regenerated, never hand-written.
 */

/**
 * Element-wise functions of one argument. Two take parameters, passed to `Backend.unary` as
 * `alpha` and `beta`: leakyRelu (alpha = negative slope), elu (alpha), softplus (alpha = beta,
 * beta = threshold) and their derivatives; the others ignore them.
 */
export const UNARY_OPS = [
  "neg",
  "exp",
  "log",
  "sqrt",
  "abs",
  "sign",
  "relu",
  "sigmoid",
  "tanh",
  "step", // 0 where x <= 0, else 1 (NaN included, as PyTorch): the derivative of relu
  "sin",
  "cos",
  "tan",
  "erf",
  "log1p",
  "expm1",
  "log2",
  "reciprocal",
  "rsqrt",
  "floor",
  "ceil",
  "round", // half to even, as PyTorch
  "trunc",
  "logicalNot", // 1 where x = 0, else 0 (NaN is true, as in PyTorch)
  "leakyRelu",
  "leakyReluGrad", // 1 where x > 0, else the negative slope
  "elu",
  "eluGrad", // 1 where x > 0, else alpha·e^x (NaN at NaN)
  "gelu", // x·Φ(x), Φ the standard normal CDF
  "geluGrad",
  "geluTanh", // ½x(1 + tanh(√(2/π)(x + 0.044715x³)))
  "geluTanhGrad",
  "silu", // x·σ(x)
  "siluGrad",
  "softplus", // log(1 + e^(βx))/β, or x where βx > threshold
  "softplusGrad", // σ(βx), or 1 where βx > threshold
  "logSigmoid", // log σ(x) = min(x, 0) − log1p(e^−|x|)
] as const;

/** Element-wise functions of two arguments (comparisons and logical ops return 1 or 0). */
export const BINARY_OPS = [
  "add",
  "sub",
  "mul",
  "div",
  "pow",
  "maximum",
  "minimum",
  "gt",
  "ge",
  "lt",
  "le",
  "eq",
  "remainder", // Python's %: the sign of the divisor, as PyTorch
  "floorDivide", // ⌊a/b⌋ as PyTorch's div(rounding_mode="floor") rounds it: the derivative of remainder
  "atan2",
  "logicalAnd",
  "logicalOr",
  "logicalXor",
  // x ≤ 0 ? 0 : dy (NaN x passes dy): relu's gradient as one pass, as PyTorch's threshold_backward
  // selects (not step(x)·dy, which makes a step buffer and turns 0·∞ into NaN)
  "reluGrad",
] as const;

/** Reductions of one axis. */
export const REDUCE_OPS = ["sum", "max"] as const;

/**
 * Convolution kernels (`Backend.conv2d`), all of one signature (a, b, bias, spec, outChannels,
 * out) over a window (backend.ts's WindowSpec): the product y = W·im2col(x) (+ bias), and its
 * two gradients, dx = col2im(Wᵀ·dy) and dW = Σ_b dy_b·im2col(x_b)ᵀ. Each is bilinear, so the
 * three are closed under differentiation (src/ops/conv2d.ts's rules).
 */
export const CONV_OPS = ["conv2d", "conv2dInputGrad", "conv2dWeightGrad"] as const;

/**
 * Linear pooling kernels (`Backend.pool2d`), one signature (x, divisors, spec, out): average
 * pooling, each window's sum over its position's divisor, and its adjoint, each dy divided by
 * the divisor and added back over its window. Each is the other's gradient.
 */
export const POOL_OPS = ["avgPool2d", "avgPool2dGrad"] as const;

/**
 * Batch normalization's training step in one pass each way (`Backend.batchNorm`): the batch
 * statistics with the normalized, scaled and shifted output, and the backward pass giving the
 * input, scale and shift gradients together.
 */
export const NORM_OPS = ["batchNorm", "batchNormGrad"] as const;

/**
 * Softmax and log-softmax along the middle axis of [outer, axisSize, inner], one pass each way
 * (`Backend.softmax`): the forward ops read x; the gradients read the forward's output y and
 * dy: softmax's dx = y·(dy − Σ dy·y), log-softmax's dx = dy − e^y·Σ dy (sums along the axis).
 */
export const SOFTMAX_OPS = ["softmax", "logSoftmax", "softmaxGrad", "logSoftmaxGrad"] as const;

/**
 * Layer normalization over the rows of [rows, features] in one pass each way
 * (`Backend.layerNorm`): per-row statistics, a per-feature scale and shift.
 */
export const LAYER_NORM_OPS = ["layerNorm", "layerNormGrad"] as const;

export type UnaryOp = (typeof UNARY_OPS)[number];
export type BinaryOp = (typeof BINARY_OPS)[number];
export type ReduceOp = (typeof REDUCE_OPS)[number];
export type ConvOp = (typeof CONV_OPS)[number];
export type PoolOp = (typeof POOL_OPS)[number];
export type NormOp = (typeof NORM_OPS)[number];
export type SoftmaxOp = (typeof SOFTMAX_OPS)[number];
export type LayerNormOp = (typeof LAYER_NORM_OPS)[number];

/** Each op's opcode: its index in `ops`, as the generated assembly/opcodes.ts numbers it. */
export function opcodes<Op extends string>(ops: readonly Op[]): Readonly<Record<Op, number>> {
  // fromEntries, not one assignment per op: V8 turns an object grown key by key past a dozen or
  // so properties (the unary table) into a hash table, and every kernel call looks its op up here
  return Object.freeze(Object.fromEntries(ops.map((op, code) => [op, code])) as Record<Op, number>);
}

/** The error for an op name no kernel knows (a kernel switch's fall-through). */
export function unknownOp(kernel: string, op: unknown): Error {
  return new Error(`${kernel}: unknown op ${JSON.stringify(op)}`);
}
