/**
 * nabla — deep learning from first principles: tensors, reverse-mode autograd, and everything
 * the lecture builds on them.
 */
export { Tensor } from "./tensor/tensor.js";
export { setPrintOptions } from "./tensor/format-tensor.js";
export type { PrintOptions } from "./tensor/format-tensor.js";
export type { Operand, NestedArray } from "./tensor/tensor.js";
export type { DType, PromotionOperand } from "./tensor/dtype.js";
export { DTYPES, isFloatingPoint, promoteTypes, resultType } from "./tensor/dtype.js";
export { randint, randperm } from "./tensor/random-integers.js";
export type { RandomIntegerOptions } from "./tensor/random-integers.js";
export { tensor, zeros, ones, full, rand, randn, arange, linspace, eye, zerosLike, onesLike } from "./tensor/creation.js";
export { asTensor } from "./tensor/as-tensor.js";
export type { TensorOptions, TensorDataOptions, RandomOptions } from "./tensor/creation.js";
export { manualSeed, Generator } from "./tensor/random.js";
export { cat, stack } from "./ops/join.js";
export { where } from "./ops/where.js";
export { pad } from "./ops/pad.js";
export type { PadMode } from "./ops/pad.js";
export { oneHot } from "./ops/one-hot.js";
export { einsum } from "./ops/einsum.js";
export { diag, meshgrid } from "./ops/diagonal.js";
export type { IndexItem, SliceSpec } from "./ops/slicing.js";
export type { AdvancedItem } from "./ops/advanced-index.js";
export type { CloseOptions, NanToNumOptions } from "./ops/finite-checks.js";
export type { IndexPutOptions } from "./ops/index-put.js";
export { noGrad, isGradEnabled } from "./autograd/grad-mode.js";
export type { GradFn, BackwardRule } from "./autograd/grad-fn.js";
export { jacobian } from "./autograd/jacobian.js";
export { gradcheck } from "./autograd/gradcheck.js";
export type { GradcheckOptions } from "./autograd/gradcheck.js";
export type { BackwardOptions } from "./autograd/backward.js";
export { bernoulli } from "./ops/bernoulli.js";
export type { SamplingOptions } from "./ops/bernoulli.js";
export { multinomial } from "./ops/multinomial.js";
export type { ValuesAndIndices } from "./ops/values-and-indices.js";
export type { VarianceOptions } from "./ops/variance.js";
export type { Dims } from "./ops/reduce.js";
export { setBackend, getBackend, backendInfo } from "./backend/registry.js";
export type { BackendName, BackendInfo } from "./backend/registry.js";
export type { DataArray } from "./backend/backend.js";
/** Models on disk: safetensors, model directories (config.json + weights), ONNX export and import. */
export * as io from "./io/index.js";
/** Data sets and loading: synthetic problems, datasets and loaders, CSV and IDX files. */
export * as data from "./data/index.js";
/** Modules, layers, losses and their functional forms, with PyTorch's semantics. */
export * as nn from "./nn/index.js";
/** Optimizers and learning-rate schedulers with PyTorch's update rules. */
export * as optim from "./optim/index.js";
/** Pictures of graphs and training, as DOT and SVG strings (no DOM), plus PNG in Node. */
export * as viz from "./viz/index.js";
export * from "./train/index.js";
export { compile } from "./compile/compile.js";
export type { CompileOptions, CompileStats, CompiledFunction } from "./compile/compile.js";
