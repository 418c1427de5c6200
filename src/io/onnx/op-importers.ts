// How each ONNX op becomes a nabla layer: one entry per op. The graphs are the ones nabla exports
// and the ones PyTorch's exporter writes for Sequential models (Gemm, or MatMul and Add, for a
// Linear; Constant and Transpose nodes folded into the weights).
import { Dropout } from "../../nn/dropout.js";
import { importResize } from "./resize-onnx.js";
import { Flatten } from "../../nn/flatten.js";
import { Identity } from "../../nn/identity.js";
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from "../../nn/activations.js";
import type { TensorModule } from "../../nn/sequential.js";
import { constantTensor, shortestFloat32, transpose2d, type Constant } from "./onnx-tensor.js";
import { CNN_IMPORTERS } from "./cnn-importers.js";
import { ACTIVATION_IMPORTERS } from "./activation-importers.js";
import { importConcat, importShape, importSlice, trackedTarget } from "./shape-ops.js";
import { Unflatten } from "../../nn/unflatten.js";
import { importGroupNormAffine, importGroupNormReshape } from "./group-norm-onnx.js";
import { formatShapeDims, type ImportContext, type LinearDraft, type NodeReader, type ShapeDims } from "./import-context.js";

export type OpImporter = (node: NodeReader, context: ImportContext) => void;

/** An op without attributes whose output has its input's shape. */
function elementwise(make: () => TensorModule): OpImporter {
  return (node, context) => {
    node.inputCount(1, 1);
    node.attributes({});
    node.data();
    context.push(make(), node.output(), context.shape);
  };
}

/** A feature count from the running shape, or null when unknown. */
function lastDim(context: ImportContext): number | null {
  return context.shape === null ? null : (context.shape.at(-1) ?? null);
}

function checkFeatures(node: NodeReader, context: ImportContext, inFeatures: number, weightName: string): void {
  const features = lastDim(context);
  if (features !== null && features !== inFeatures) {
    node.fail(`the weight "${weightName}" expects ${inFeatures} input features, but its input has shape ${formatShapeDims(context.shape!)} (mismatched initializer shapes)`);
  }
}

function linearOutput(context: ImportContext, outFeatures: number): ShapeDims | null {
  return context.shape === null ? null : [...context.shape.slice(0, -1), outFeatures];
}

/** A bias of shape [out], [1, out] or a broadcast scalar, as a [out] tensor. */
function biasValues(node: NodeReader, bias: Constant, outFeatures: number, name: string): Constant {
  const size = bias.values.length;
  const shapeFits = bias.dims.length <= 2 && bias.dims.slice(0, -1).every((d) => d === 1) && (size === outFeatures || size === 1);
  if (!shapeFits) node.fail(`the bias "${name}" has shape [${bias.dims.join(", ")}], expected [${outFeatures}] (mismatched initializer shapes)`);
  const values = bias.values instanceof Float64Array ? new Float64Array(outFeatures) : new Float32Array(outFeatures);
  for (let i = 0; i < outFeatures; i++) values[i] = bias.values[size === 1 ? 0 : i]!;
  return { dims: [outFeatures], type: bias.type, values };
}

function floatConstant(node: NodeReader, constant: Constant, name: string): Constant {
  if (constant.type === "int64") node.fail(`"${name}" must hold floats, it holds int64`);
  return constant;
}

function scaled(constant: Constant, factor: number): Constant {
  if (factor === 1) return constant;
  return { ...constant, values: constant.values.map((v: number) => v * factor) as Constant["values"] };
}

// Y = alpha·A·op(B) + beta·C: a Linear whose weight is op(B)ᵀ·alpha and bias beta·C.
const importGemm: OpImporter = (node, context) => {
  node.inputCount(2, 3);
  const attributes = node.attributes({ alpha: "float", beta: "float", transA: "int", transB: "int" });
  if (attributes.int("transA", 0) !== 0) node.fail(`transA=1 (a transposed input) is not supported`);
  node.data(0);
  if (context.shape !== null && context.shape.length !== 2) node.fail(`Gemm needs a 2-D input, got shape ${formatShapeDims(context.shape)}`);
  const weightName = node.inputName(1)!;
  const b = floatConstant(node, node.constant(1, "B"), weightName);
  if (b.dims.length !== 2) node.fail(`the weight "${weightName}" has shape [${b.dims.join(", ")}], expected 2 dims`);
  const weight = scaled(attributes.int("transB", 0) === 1 ? b : transpose2d(b), attributes.float("alpha", 1));
  const [outFeatures, inFeatures] = weight.dims as [number, number];
  checkFeatures(node, context, inFeatures, weightName);
  const biasName = node.inputName(2);
  const bias = biasName === undefined ? null : scaled(biasValues(node, floatConstant(node, node.constant(2, "C"), biasName), outFeatures, biasName), attributes.float("beta", 1));
  const draft: LinearDraft = { kind: "linear", weight: constantTensor(weight, node.where), bias: bias === null ? null : constantTensor(bias, node.where), output: node.output() };
  context.push(draft, draft.output, linearOutput(context, outFeatures));
};

// Y = X·W with a constant W [in, out]: a Linear (without bias until an Add supplies one).
const importMatMul: OpImporter = (node, context) => {
  node.inputCount(2, 2);
  node.attributes({});
  node.data(0);
  const weightName = node.inputName(1)!;
  const w = floatConstant(node, node.constant(1, "the weight"), weightName);
  if (w.dims.length !== 2) node.fail(`only a product with a 2-D constant weight is supported; "${weightName}" has shape [${w.dims.join(", ")}]`);
  const [inFeatures, outFeatures] = w.dims as [number, number];
  checkFeatures(node, context, inFeatures, weightName);
  const draft: LinearDraft = { kind: "linear", weight: constantTensor(transpose2d(w), node.where), bias: null, output: node.output() };
  context.push(draft, draft.output, linearOutput(context, outFeatures));
};

// X · w right after a group normalization: its per-channel weight.
const importMul: OpImporter = (node, context) => {
  node.inputCount(2, 2);
  node.attributes({});
  const dataIndex = node.isData(0) ? 0 : 1;
  node.data(dataIndex);
  if (!importGroupNormAffine(node, context, "channelScale", 1 - dataIndex)) node.fail(`only a Mul by a per-channel constant right after a group normalization is supported`);
};

// X + b right after a bias-free Linear: that Linear's bias.
const importAdd: OpImporter = (node, context) => {
  node.inputCount(2, 2);
  node.attributes({});
  const dataIndex = node.isData(0) ? 0 : 1;
  node.data(dataIndex);
  const biasName = node.inputName(1 - dataIndex)!;
  if (importGroupNormAffine(node, context, "channelShift", 1 - dataIndex)) return;
  const constant = floatConstant(node, node.constant(1 - dataIndex, "the bias"), biasName);
  const previous = context.layers.at(-1);
  const draft = previous !== undefined && "kind" in previous && previous.kind === "linear" && previous.output === context.current ? previous : null;
  if (draft === null || draft.bias !== null) return node.fail(`only an Add of a constant bias right after a MatMul or Gemm without one (or after a group normalization) is supported`);
  const bias = biasValues(node, constant, draft.weight.shape[0]!, biasName);
  draft.bias = constantTensor(bias, node.where);
  draft.output = node.output();
  context.current = draft.output;
};

function importSoftmaxLike(make: (dim: number) => TensorModule): OpImporter {
  return (node, context) => {
    node.inputCount(1, 1);
    const attributes = node.attributes({ axis: "int" });
    node.data();
    // Before opset 13 the op flattened the dims from `axis` on into one: the same as a softmax
    // along one dim only when that dim is the last.
    const legacy = context.opset < 13;
    const axis = attributes.int("axis", legacy ? 1 : -1);
    const rank = context.shape?.length;
    if (rank !== undefined && (axis < -rank || axis >= rank)) node.fail(`axis ${axis} is out of range for an input of shape ${formatShapeDims(context.shape!)}`);
    if (legacy && !(axis === -1 || (rank !== undefined && axis === rank - 1))) {
      node.fail(`opset ${context.opset}'s softmax over the flattened dims ${axis}… is only supported along the last dim (axis=-1, or an input shape in the file)`);
    }
    context.push(make(rank !== undefined && axis < 0 ? axis + rank : axis), node.output(), context.shape);
  };
}

const importFlatten: OpImporter = (node, context) => {
  node.inputCount(1, 1);
  const axis = node.attributes({ axis: "int" }).int("axis", 1);
  node.data();
  const rank = context.shape?.length;
  // ONNX Flatten makes [d0…d(axis−1), the rest]: nn.Flatten(1, -1) when axis is 1 (batch first).
  if (axis !== 1 && !(rank !== undefined && axis === 1 - rank)) node.fail(`axis=${axis} merges the batch dim with others; only axis=1 (keep the batch dim) is supported`);
  if (rank !== undefined && rank < 2) node.fail(`a ${rank}-D input has nothing to flatten after the batch dim`);
  const shape = context.shape === null ? null : [context.shape[0]!, context.shape.slice(1).reduce<number | null>((a, d) => (a === null || d === null ? null : a * d), 1)];
  context.push(new Flatten(1, -1), node.output(), shape);
};

// A Reshape that merges consecutive dims after the batch dim is nn.Flatten(start, end).
const importReshape: OpImporter = (node, context) => {
  node.inputCount(2, 2);
  if (node.attributes({ allowzero: "int" }).int("allowzero", 0) !== 0) node.fail(`allowzero=1 is not supported`);
  node.data(0);
  if (importGroupNormReshape(node, context)) return;
  const target = trackedTarget(node, context) ?? node.constant(1, "the shape");
  if (target.type !== "int64" || target.dims.length !== 1) node.fail(`the shape must be a 1-D int64 constant`);
  const input = context.shape;
  if (input === null || input.slice(1).some((d) => d === null)) return node.fail(`needs the input's shape (only the batch dim may be dynamic), which the file does not give`);
  const requested = target.values as number[];
  const known = input.slice(1) as number[];
  const total = known.reduce((a, b) => a * b, 1);
  const out = requested.map((d, i) => (d === 0 ? (input[i] === undefined ? node.fail(`0 at position ${i} copies a dim the input does not have`) : input[i]!) : d));
  if (out[0] !== input[0] && !(out[0] === -1 && input[0] === null)) node.fail(`reshaping to [${requested.join(", ")}] changes the batch dim; only merges of the dims after it are supported`);
  const rest = out.slice(1);
  const free = rest.filter((d) => d === -1).length;
  const fixed = rest.filter((d) => d !== -1).reduce<number>((a, d) => a * (d as number), 1);
  if (free > 1 || rest.some((d) => d !== -1 && (d === null || (d as number) < 1)) || (free === 0 ? fixed !== total : total % fixed !== 0)) {
    node.fail(`cannot reshape ${formatShapeDims(input)} to [${requested.join(", ")}]`);
  }
  const resolved = rest.map((d) => (d === -1 ? total / fixed : (d as number)));
  const merged = known.length - resolved.length;
  for (let start = 0; start + merged < known.length && start <= resolved.length; start++) {
    const same = (a: number[], b: number[]) => a.length === b.length && a.every((d, i) => d === b[i]);
    const group = known.slice(start, start + merged + 1).reduce((a, b) => a * b, 1);
    if (merged >= 0 && same(known.slice(0, start), resolved.slice(0, start)) && resolved[start] === group && same(known.slice(start + merged + 1), resolved.slice(start + 1))) {
      const module = merged === 0 ? new Identity() : new Flatten(start + 1, start + 1 + merged);
      context.push(module, node.output(), [input[0]!, ...resolved]);
      return;
    }
  }
  // one dim split into consecutive sizes: nn.Unflatten
  const extra = resolved.length - known.length;
  for (let dim = 0; extra >= 1 && dim < known.length; dim++) {
    const run = resolved.slice(dim, dim + extra + 1);
    const fits = run.reduce((a, b) => a * b, 1) === known[dim] && known.slice(0, dim).every((d, i) => d === resolved[i]) && known.slice(dim + 1).every((d, i) => d === resolved[dim + extra + 1 + i]);
    if (fits) {
      context.push(new Unflatten(dim + 1, run), node.output(), [input[0]!, ...resolved]);
      return;
    }
  }
  node.fail(`reshaping ${formatShapeDims(input)} to [${requested.join(", ")}] is not a flatten of consecutive dims nor the split of one dim; only those are supported`);
};

// Inference-mode Dropout is the identity; the ratio is kept as nn.Dropout's p for fine-tuning.
const importDropout: OpImporter = (node, context) => {
  node.inputCount(1, 3);
  const attributes = node.attributes({ seed: "int", ratio: "float" }); // ratio: an attribute before opset 12
  node.data(0);
  let p = attributes.float("ratio", 0.5);
  if (node.inputName(1) !== undefined) {
    const ratio = floatConstant(node, node.constant(1, "ratio"), node.inputName(1)!);
    if (ratio.values.length !== 1) node.fail(`ratio must be a scalar`);
    p = ratio.values[0]!;
  }
  if (node.inputName(2) !== undefined) {
    const mode = node.constant(2, "training_mode");
    if (mode.values.some((v) => v !== 0)) node.fail(`training_mode=true (dropout in the exported graph itself) is not supported`);
  }
  if (!(p >= 0 && p <= 1)) node.fail(`ratio ${p} is not in [0, 1]`);
  context.push(new Dropout(shortestFloat32(p)), node.output(), context.shape);
};

/** Op type (default domain) → how it becomes a layer. */
export const OP_IMPORTERS: Record<string, OpImporter> = {
  Gemm: importGemm,
  MatMul: importMatMul,
  Add: importAdd,
  Mul: importMul,
  Shape: importShape,
  Slice: importSlice,
  Concat: importConcat,
  Relu: elementwise(() => new ReLU()),
  Sigmoid: elementwise(() => new Sigmoid()),
  Tanh: elementwise(() => new Tanh()),
  Identity: elementwise(() => new Identity()),
  Softmax: importSoftmaxLike((dim) => new Softmax(dim)),
  LogSoftmax: importSoftmaxLike((dim) => new LogSoftmax(dim)),
  Flatten: importFlatten,
  Reshape: importReshape,
  Dropout: importDropout,
  Resize: importResize,
  ...CNN_IMPORTERS,
  ...ACTIVATION_IMPORTERS,
};
