// How each nn module is written as ONNX: one entry per module class. A new layer becomes exportable
// by adding its entry here (and its op to `op-importers.ts` to read it back). Entries check that
// their input fits (an `inputShape` that does not fit the model is an error naming the module), and
// return the value they produce with its shape.
import { Dropout, Dropout1d, Dropout2d, type DropoutNd } from "../../nn/dropout.js";
import { Upsample } from "../../nn/upsample.js";
import { exportUpsample } from "./resize-onnx.js";
import { Flatten } from "../../nn/flatten.js";
import { Identity } from "../../nn/identity.js";
import { Linear } from "../../nn/linear.js";
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from "../../nn/activations.js";
import { Sequential } from "../../nn/sequential.js";
import { describePath, formatDims, type AnyModule, type Dim, type ModuleExporter, type Value } from "./onnx-graph-builder.js";
import { CNN_EXPORTERS } from "./cnn-exporters.js";
import { ACTIVATION_EXPORTERS } from "./activation-exporters.js";
import { floatScalarProto, int64Proto } from "./onnx-tensor.js";

function fail(module: AnyModule, path: string, input: Value, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (${module.constructor.name}) does not fit its input of shape ${formatDims(input.shape)}: ${why} (check inputShape)`);
}

/** A dim index in [-rank, rank) made non-negative, or an error naming the module. */
function axis(module: AnyModule, path: string, input: Value, dim: number, what: string): number {
  const rank = input.shape.length;
  if (!Number.isInteger(dim) || dim < -rank || dim >= rank) fail(module, path, input, `${what} ${dim} is out of range for ${rank} dims`);
  return dim < 0 ? dim + rank : dim;
}

function product(dims: readonly Dim[]): Dim {
  const symbols = dims.filter((d): d is string => typeof d === "string");
  const size = dims.reduce<number>((a, d) => (typeof d === "number" ? a * d : a), 1);
  if (symbols.length === 0) return size;
  return size === 1 ? symbols.join("*") : [...symbols, String(size)].join("*");
}

/** An element-wise op: the output has the input's shape. */
function elementwise(opType: string): ModuleExporter {
  return (_module, input, graph, path) => ({ name: graph.node(opType, path, [input.name]), shape: input.shape });
}

function softmaxLike(opType: "Softmax" | "LogSoftmax"): ModuleExporter {
  return (module, input, graph, path) => {
    const dim = axis(module, path, input, (module as Softmax | LogSoftmax).dim, "dim");
    // Opset ≥ 13: the op normalises along the one axis, as nabla's and PyTorch's softmax do.
    return { name: graph.node(opType, path, [input.name], { axis: dim }), shape: input.shape };
  };
}

const exportLinear: ModuleExporter = (module, input, graph, path) => {
  const linear = module as Linear;
  const rank = input.shape.length;
  if (rank < 2) fail(module, path, input, `a Linear layer needs a feature dim after the batch dim`);
  const features = input.shape[rank - 1];
  if (features !== linear.inFeatures) fail(module, path, input, `it expects ${linear.inFeatures} input features, the last dim is ${features}`);
  const shape = [...input.shape.slice(0, -1), linear.outFeatures];
  const weight = graph.parameter(path, "weight", linear.weight);
  const bias = linear.bias === null ? null : graph.parameter(path, "bias", linear.bias);
  if (rank === 2) {
    // y = x·Wᵀ + b in one Gemm (transB), as PyTorch exports a Linear on a batch of vectors.
    return { name: graph.node("Gemm", path, bias === null ? [input.name, weight] : [input.name, weight, bias], { alpha: { float: 1 }, beta: { float: 1 }, transB: 1 }), shape };
  }
  // Gemm takes 2-D inputs only: more dims go through MatMul (with Wᵀ) and a broadcast Add.
  const transposed = graph.node("Transpose", path, [weight], { perm: [1, 0] });
  const product = graph.node("MatMul", path, [input.name, transposed]);
  return { name: bias === null ? product : graph.node("Add", path, [product, bias]), shape };
};

const exportFlatten: ModuleExporter = (module, input, graph, path) => {
  const flatten = module as Flatten;
  const start = axis(module, path, input, flatten.startDim, "startDim");
  const end = axis(module, path, input, flatten.endDim, "endDim");
  if (start > end) fail(module, path, input, `startDim ${flatten.startDim} comes after endDim ${flatten.endDim}`);
  const shape = [...input.shape.slice(0, start), product(input.shape.slice(start, end + 1)), ...input.shape.slice(end + 1)];
  // ONNX's Flatten always makes a matrix [d0…d(axis−1), the rest]: nn.Flatten's default case.
  if (start === 1 && end === input.shape.length - 1) return { name: graph.node("Flatten", path, [input.name], { axis: 1 }), shape };
  // Otherwise Reshape: 0 copies the leading dims (the batch among them), -1 is the merged one,
  // and the trailing dims are written out (they are static: only the batch may be dynamic).
  const trailing = input.shape.slice(end + 1);
  if (trailing.some((d) => typeof d === "string")) fail(module, path, input, `dims after endDim must be static`);
  const target = int64Proto([...input.shape.slice(0, start).map(() => 0), -1, ...(trailing as number[])]);
  const shapeName = graph.constant(`${path === "" ? "" : `${path}.`}shape`, target);
  return { name: graph.node("Reshape", path, [input.name, shapeName]), shape };
};

const exportDropout: ModuleExporter = (module, input, graph, path) => {
  // Inference: Dropout without training_mode is the identity; the ratio keeps p for importOnnx.
  const ratio = graph.constant(`${path === "" ? "" : `${path}.`}ratio`, floatScalarProto((module as DropoutNd).p));
  return { name: graph.node("Dropout", path, [input.name, ratio]), shape: input.shape };
};

const exportSequential: ModuleExporter = (module, input, graph, path) => {
  let value = input;
  for (const [name, child] of module.namedChildren()) value = graph.exportModule(child, value, path === "" ? name : `${path}.${name}`);
  return value;
};

/** Module class → how it is written. Looked up by exact class: a subclass may compute something else. */
export const MODULE_EXPORTERS = new Map<Function, ModuleExporter>([
  [Sequential, exportSequential],
  [Linear, exportLinear],
  [ReLU, elementwise("Relu")],
  [Tanh, elementwise("Tanh")],
  [Sigmoid, elementwise("Sigmoid")],
  [Softmax, softmaxLike("Softmax")],
  [LogSoftmax, softmaxLike("LogSoftmax")],
  [Dropout, exportDropout],
  // channel dropout is the identity at inference too; ONNX has one Dropout, which imports as nn.Dropout
  [Dropout1d, exportDropout],
  [Dropout2d, exportDropout],
  [Flatten, exportFlatten],
  [Identity, elementwise("Identity")],
  [Upsample, exportUpsample],
  ...CNN_EXPORTERS,
  ...ACTIVATION_EXPORTERS,
]);
