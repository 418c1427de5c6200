// How the ONNX convolution, pooling and normalization ops become nabla layers (entries of
// OP_IMPORTERS): the graphs cnn-exporters.ts writes and those torch.onnx.export writes for CNNs.
import { Conv1d, Conv2d, ConvTranspose2d } from "../../nn/conv.js";
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from "../../nn/pooling.js";
import { BatchNorm1d, BatchNorm2d } from "../../nn/batch-norm.js";
import { LayerNorm } from "../../nn/layer-norm.js";
import { windowCount } from "../../nn/functional/window-args.js";
import type { Module } from "../../nn/module.js";
import type { Tensor } from "../../tensor/tensor.js";
import { formatShapeDims, type AttributeValues, type ImportContext, type NodeReader, type ShapeDims } from "./import-context.js";
import { constantTensor, shortestFloat32, type Constant } from "./onnx-tensor.js";
import { importInstanceNormalization } from "./group-norm-onnx.js";
import { importPad, openPad } from "./pad-onnx.js";

type OpImporter = (node: NodeReader, context: ImportContext) => void;

function floatInput(node: NodeReader, index: number, what: string): Constant {
  const constant = node.constant(index, what);
  if (constant.type === "int64") node.fail(`${what} "${node.inputName(index)}" must hold floats, it holds int64`);
  return constant;
}

/** A [size] float constant (a bias, a scale, running statistics). */
function vector(node: NodeReader, index: number, what: string, size: number): Tensor {
  const constant = floatInput(node, index, what);
  if (constant.dims.length !== 1 || constant.dims[0] !== size) node.fail(`${what} "${node.inputName(index)}" has shape [${constant.dims.join(", ")}], expected [${size}] (mismatched initializer shapes)`);
  return constantTensor(constant, node.where);
}

/** Only one output (no optional Indices, Mean or Var outputs). */
function oneOutput(node: NodeReader): string {
  if ((node.node.output ?? []).filter((o) => o !== "").length > 1) node.fail(`only the first output is supported (the others are used by the graph)`);
  return node.output();
}

/** auto_pad must be absent or NOTSET: explicit pads only. */
function explicitPads(node: NodeReader, attributes: AttributeValues): void {
  if (!attributes.has("auto_pad")) return;
  const raw = node.node.attribute?.find((a) => a.name === "auto_pad")?.s;
  const value = raw === undefined || raw === null ? "" : new TextDecoder().decode(raw as Uint8Array);
  if (value !== "NOTSET" && value !== "") node.fail(`auto_pad="${value}" is not supported; write explicit pads`);
}

/** An ints attribute with one entry per spatial axis, or `fallback`. */
function perAxis(node: NodeReader, attributes: AttributeValues, name: string, count: number, fallback: number): number[] {
  const values = attributes.ints(name) ?? new Array<number>(count).fill(fallback);
  if (values.length !== count) node.fail(`${name} has ${values.length} values, expected ${count}`);
  return values;
}

/** The shape an op on [N, C, …spatial] checks: rank and (when known) channels. */
function checkInput(node: NodeReader, context: ImportContext, spatial: number, channels: number | null): void {
  const shape = context.shape;
  if (shape === null) return;
  if (shape.length !== spatial + 2) node.fail(`expected a ${spatial + 2}-D input, got shape ${formatShapeDims(shape)}`);
  if (channels !== null && shape[1] !== null && shape[1] !== channels) node.fail(`the weights expect ${channels} input channels, but the input has shape ${formatShapeDims(shape)} (mismatched initializer shapes)`);
}

/** Loads `state` into `module` (made the weights' dtype), with errors naming the node. */
function loaded<M extends Module<[Tensor], Tensor>>(node: NodeReader, module: M, state: Record<string, Tensor>): M {
  const dtype = Object.values(state)[0]!.dtype;
  module.to(dtype);
  try {
    module.loadStateDict(state, { strict: false });
  } catch (error) {
    node.fail((error as Error).message);
  }
  return module;
}

function pooledShape(context: ImportContext, out: (size: number, axis: number) => number, channels?: number): ShapeDims | null {
  const shape = context.shape;
  if (shape === null) return null;
  return [shape[0]!, channels ?? shape[1]!, ...shape.slice(2).map((d, i) => (d === null ? null : out(d, i)))];
}

const importConv: OpImporter = (node, context) => {
  node.inputCount(2, 3);
  const attributes = node.attributes({ auto_pad: "string", dilations: "ints", group: "int", kernel_shape: "ints", pads: "ints", strides: "ints" });
  explicitPads(node, attributes);
  node.data(0);
  const w = floatInput(node, 1, "the weight");
  const spatial = w.dims.length - 2;
  if (spatial !== 1 && spatial !== 2) node.fail(`the weight "${node.inputName(1)}" has shape [${w.dims.join(", ")}]; only 1-D and 2-D convolutions (3 or 4 weight dims) are supported`);
  const [outChannels, perGroup, ...kernel] = w.dims as number[];
  const groups = attributes.int("group", 1);
  if (groups < 1 || outChannels! % groups !== 0) node.fail(`group=${groups} does not divide the ${outChannels} output channels`);
  const inChannels = perGroup! * groups;
  const declared = attributes.ints("kernel_shape");
  if (declared !== undefined && declared.join() !== kernel.join()) node.fail(`kernel_shape [${declared.join(", ")}] does not match the weight's [${kernel.join(", ")}] (mismatched initializer shapes)`);
  checkInput(node, context, spatial, inChannels);
  const stride = perAxis(node, attributes, "strides", spatial, 1);
  const dilation = perAxis(node, attributes, "dilations", spatial, 1);
  const pads = perAxis(node, attributes, "pads", 2 * spatial, 0);
  const begin = pads.slice(0, spatial);
  const end = pads.slice(spatial);
  let padding: number[] | "same";
  if (begin.join() === end.join()) padding = begin;
  else {
    // PyTorch's "same" puts the odd one at the end; any other asymmetric padding has no nabla layer.
    const same = kernel.map((k, i) => dilation[i]! * (k - 1)).every((t, i) => begin[i] === Math.floor(t / 2) && end[i] === t - Math.floor(t / 2));
    if (!same || stride.some((s) => s !== 1)) node.fail(`asymmetric pads [${pads.join(", ")}] are not supported`);
    padding = "same";
  }
  const state: Record<string, Tensor> = { weight: constantTensor(w, node.where) };
  if (node.inputName(2) !== undefined) state.bias = vector(node, 2, "the bias", outChannels!);
  const bias = state.bias !== undefined;
  const module: Conv1d | Conv2d = spatial === 2
    ? new Conv2d(inChannels, outChannels!, [kernel[0]!, kernel[1]!], { stride: [stride[0]!, stride[1]!], padding: padding === "same" ? "same" : [padding[0]!, padding[1]!], dilation: [dilation[0]!, dilation[1]!], groups, bias })
    : new Conv1d(inChannels, outChannels!, kernel[0]!, { stride: stride[0]!, padding: padding === "same" ? "same" : padding[0]!, dilation: dilation[0]!, groups, bias });
  const shape = pooledShape(context, (size, i) => Math.floor((size + begin[i]! + end[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1, outChannels);
  context.push(loaded(node, module, state), node.output(), shape);
};

/** The window attributes of MaxPool and AveragePool (1-D or 2-D, symmetric pads). */
function windowAttributes(node: NodeReader, attributes: AttributeValues) {
  explicitPads(node, attributes);
  const kernel = attributes.ints("kernel_shape");
  if (kernel === undefined) return node.fail(`kernel_shape is required`);
  const spatial = kernel.length;
  if (spatial !== 1 && spatial !== 2) node.fail(`only 1-D and 2-D pooling is supported (kernel_shape [${kernel.join(", ")}])`);
  const stride = perAxis(node, attributes, "strides", spatial, 1);
  const dilation = perAxis(node, attributes, "dilations", spatial, 1);
  const pads = perAxis(node, attributes, "pads", 2 * spatial, 0);
  if (pads.slice(0, spatial).join() !== pads.slice(spatial).join()) node.fail(`asymmetric pads [${pads.join(", ")}] are not supported`);
  const ceilMode = attributes.int("ceil_mode", 0) !== 0;
  return { spatial, kernel, stride, padding: pads.slice(0, spatial), dilation, ceilMode };
}

const importMaxPool: OpImporter = (node, context) => {
  node.inputCount(1, 1);
  const attributes = node.attributes({ auto_pad: "string", ceil_mode: "int", dilations: "ints", kernel_shape: "ints", pads: "ints", storage_order: "int", strides: "ints" });
  const { spatial, kernel, stride, padding, dilation, ceilMode } = windowAttributes(node, attributes);
  node.data();
  checkInput(node, context, spatial, null);
  const output = oneOutput(node);
  const shape = pooledShape(context, (size, i) => windowCount(size, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode));
  const module = spatial === 1
    ? new MaxPool1d(kernel[0]!, { stride: stride[0]!, padding: padding[0]!, dilation: dilation[0]!, ceilMode })
    : new MaxPool2d([kernel[0]!, kernel[1]!], { stride: [stride[0]!, stride[1]!], padding: [padding[0]!, padding[1]!], dilation: [dilation[0]!, dilation[1]!], ceilMode });
  context.push(module, output, shape);
};

const importAveragePool: OpImporter = (node, context) => {
  node.inputCount(1, 1);
  const attributes = node.attributes({ auto_pad: "string", ceil_mode: "int", count_include_pad: "int", dilations: "ints", kernel_shape: "ints", pads: "ints", strides: "ints" });
  const window = windowAttributes(node, attributes);
  const { spatial, kernel, stride, dilation, ceilMode } = window;
  if (dilation.some((d) => d !== 1)) node.fail(`dilations [${dilation.join(", ")}] are not supported (nn.AvgPool1d and nn.AvgPool2d have none)`);
  node.data();
  checkInput(node, context, spatial, null);
  let countIncludePad = attributes.int("count_include_pad", 0) !== 0 || context.zeroPadded === context.current;
  let padding = window.padding;
  const pad = openPad(context);
  if (pad !== null) {
    // PyTorch's AvgPool with countIncludePad: the zeros of the Pad before are the pool's padding
    if (padding.some((p) => p !== 0) || ceilMode || pad.padding.length !== spatial) node.fail(`a Pad before an AveragePool is only supported when the pool has no pads of its own and ceil_mode=0`);
    context.layers.pop();
    padding = pad.padding;
    countIncludePad = true;
  }
  // with a Pad before, the shape so far is the padded one
  const shape = pooledShape(context, (size, i) => windowCount(size - (pad === null ? 0 : 2 * padding[i]!), kernel[i]!, stride[i]!, padding[i]!, 1, ceilMode));
  const module = spatial === 1
    ? new AvgPool1d(kernel[0]!, { stride: stride[0]!, padding: padding[0]!, ceilMode, countIncludePad })
    : new AvgPool2d([kernel[0]!, kernel[1]!], { stride: [stride[0]!, stride[1]!], padding: [padding[0]!, padding[1]!], ceilMode, countIncludePad });
  context.push(module, node.output(), shape);
};

// ConvTranspose (2-D, symmetric pads, no output_shape): ONNX's weight [in, out / groups, kh, kw] is PyTorch's.
const importConvTranspose: OpImporter = (node, context) => {
  node.inputCount(2, 3);
  const attributes = node.attributes({ auto_pad: "string", dilations: "ints", group: "int", kernel_shape: "ints", output_padding: "ints", output_shape: "ints", pads: "ints", strides: "ints" });
  explicitPads(node, attributes);
  if (attributes.has("output_shape")) node.fail(`output_shape is not supported; write pads and output_padding`);
  node.data(0);
  const w = floatInput(node, 1, "the weight");
  if (w.dims.length !== 4) node.fail(`the weight "${node.inputName(1)}" has shape [${w.dims.join(", ")}]; only 2-D transposed convolutions (4 weight dims) are supported`);
  const [inChannels, perGroup, kh, kw] = w.dims as [number, number, number, number];
  const groups = attributes.int("group", 1);
  if (groups < 1 || inChannels % groups !== 0) node.fail(`group=${groups} does not divide the ${inChannels} input channels`);
  const outChannels = perGroup * groups;
  const declared = attributes.ints("kernel_shape");
  if (declared !== undefined && declared.join() !== [kh, kw].join()) node.fail(`kernel_shape [${declared.join(", ")}] does not match the weight's [${kh}, ${kw}] (mismatched initializer shapes)`);
  checkInput(node, context, 2, inChannels);
  const stride = perAxis(node, attributes, "strides", 2, 1);
  const dilation = perAxis(node, attributes, "dilations", 2, 1);
  const outputPadding = perAxis(node, attributes, "output_padding", 2, 0);
  const pads = perAxis(node, attributes, "pads", 4, 0);
  if (pads[0] !== pads[2] || pads[1] !== pads[3]) node.fail(`asymmetric pads [${pads.join(", ")}] are not supported`);
  if (outputPadding.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) node.fail(`output_padding [${outputPadding.join(", ")}] must be smaller than the stride or the dilation`);
  const state: Record<string, Tensor> = { weight: constantTensor(w, node.where) };
  if (node.inputName(2) !== undefined) state.bias = vector(node, 2, "the bias", outChannels);
  const pair = (v: number[]): [number, number] => [v[0]!, v[1]!];
  const module = new ConvTranspose2d(inChannels, outChannels, [kh, kw], { stride: pair(stride), padding: [pads[0]!, pads[1]!], outputPadding: pair(outputPadding), dilation: pair(dilation), groups, bias: state.bias !== undefined });
  const kernel = [kh, kw];
  const shape = pooledShape(context, (size, i) => (size - 1) * stride[i]! - 2 * pads[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1, outChannels);
  if (shape !== null && shape.slice(2).some((d) => d !== null && d < 1)) node.fail(`the output would be ${formatShapeDims(shape.slice(2))} for an input of shape ${formatShapeDims(context.shape!)}`);
  context.push(loaded(node, module, state), node.output(), shape);
};

const importGlobalAveragePool: OpImporter = (node, context) => {
  node.inputCount(1, 1);
  node.attributes({});
  node.data();
  checkInput(node, context, 2, null);
  context.push(new AdaptiveAvgPool2d(1), node.output(), pooledShape(context, () => 1));
};

const importBatchNormalization: OpImporter = (node, context) => {
  node.inputCount(5, 5);
  const attributes = node.attributes({ epsilon: "float", momentum: "float", training_mode: "int", spatial: "int" });
  if (attributes.int("training_mode", 0) !== 0) node.fail(`training_mode=1 (batch statistics in the graph itself) is not supported`);
  if (attributes.int("spatial", 1) !== 1) node.fail(`spatial=0 is not supported`);
  node.data(0);
  const rank = context.shape?.length;
  if (rank === undefined) return node.fail(`needs the input's rank (2, 3 or 4), which the file does not give`);
  if (rank < 2 || rank > 4) node.fail(`expected a 2-D, 3-D or 4-D input, got shape ${formatShapeDims(context.shape!)}`);
  const scale = floatInput(node, 1, "the scale");
  const channels = scale.dims[0] ?? 0;
  if (context.shape![1] !== null && context.shape![1] !== channels) node.fail(`the scale "${node.inputName(1)}" has ${channels} channels, but the input has shape ${formatShapeDims(context.shape!)} (mismatched initializer shapes)`);
  const state = {
    weight: vector(node, 1, "the scale", channels),
    bias: vector(node, 2, "the bias", channels),
    running_mean: vector(node, 3, "the mean", channels),
    running_var: vector(node, 4, "the variance", channels),
  };
  const eps = shortestFloat32(attributes.float("epsilon", 1e-5));
  const momentum = attributes.has("momentum") ? Number((1 - shortestFloat32(attributes.float("momentum", 0.9))).toPrecision(7)) : 0.1;
  const module = rank === 4 ? new BatchNorm2d(channels, { eps, momentum }) : new BatchNorm1d(channels, { eps, momentum });
  context.push(loaded(node, module, state).eval(), oneOutput(node), context.shape);
};

const importLayerNormalization: OpImporter = (node, context) => {
  node.inputCount(2, 3);
  const attributes = node.attributes({ axis: "int", epsilon: "float", stash_type: "int" });
  if (attributes.int("stash_type", 1) !== 1) node.fail(`stash_type=${attributes.int("stash_type", 1)} is not supported (nabla normalises in the input's precision)`);
  node.data(0);
  const scale = floatInput(node, 1, "the scale");
  const k = scale.dims.length;
  if (k === 0) node.fail(`the scale "${node.inputName(1)}" is a scalar; expected the normalized shape`);
  const shape = context.shape;
  const axis = attributes.int("axis", -1);
  const fromEnd = axis < 0 ? -axis : shape === null ? null : shape.length - axis;
  if (fromEnd !== k) node.fail(`axis=${axis} does not normalize over the scale's ${k} trailing dims [${scale.dims.join(", ")}]`);
  if (shape !== null && (shape.length <= k || shape.slice(-k).some((d, i) => d !== null && d !== scale.dims[i]))) {
    node.fail(`the scale "${node.inputName(1)}" has shape [${scale.dims.join(", ")}], but the input has shape ${formatShapeDims(shape)} (mismatched initializer shapes)`);
  }
  const state: Record<string, Tensor> = { weight: constantTensor(scale, node.where) };
  const biasName = node.inputName(2);
  if (biasName !== undefined) {
    const bias = floatInput(node, 2, "the bias");
    if (bias.dims.join() !== scale.dims.join()) node.fail(`the bias "${biasName}" has shape [${bias.dims.join(", ")}], expected [${scale.dims.join(", ")}] (mismatched initializer shapes)`);
    state.bias = constantTensor(bias, node.where);
  }
  const eps = shortestFloat32(attributes.float("epsilon", 1e-5));
  context.push(loaded(node, new LayerNorm(scale.dims, { eps, bias: biasName !== undefined }), state), oneOutput(node), shape);
};

/** Op type → how it becomes a layer, merged into OP_IMPORTERS. */
export const CNN_IMPORTERS: Record<string, OpImporter> = {
  Conv: importConv,
  ConvTranspose: importConvTranspose,
  InstanceNormalization: importInstanceNormalization,
  Pad: importPad,
  MaxPool: importMaxPool,
  AveragePool: importAveragePool,
  GlobalAveragePool: importGlobalAveragePool,
  BatchNormalization: importBatchNormalization,
  LayerNormalization: importLayerNormalization,
};
