// How the convolution, pooling and normalization layers are written as ONNX (entries of
// MODULE_EXPORTERS). Everything is written with inference semantics: a BatchNorm uses its running
// statistics whatever its mode, as torch.onnx.export does by default (TrainingMode.EVAL).
import { Conv1d, Conv2d, ConvTranspose2d } from "../../nn/conv.js";
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from "../../nn/pooling.js";
import { BatchNorm1d, BatchNorm2d } from "../../nn/batch-norm.js";
import { GroupNorm, LayerNorm } from "../../nn/layer-norm.js";
import { exportGroupNorm } from "./group-norm-onnx.js";
import { windowCount } from "../../nn/functional/window-args.js";
import { describePath, filled, formatDims, type AnyModule, type AttributeValue, type Dim, type ModuleExporter, type Value } from "./onnx-graph-builder.js";

function fail(module: AnyModule, path: string, input: Value, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (${module.constructor.name}) does not fit its input of shape ${formatDims(input.shape)}: ${why} (check inputShape)`);
}

function refuse(module: AnyModule, path: string, why: string): never {
  throw new Error(`exportOnnx: module ${describePath(path)} (${module.constructor.name}) cannot be written as ONNX: ${why}`);
}

/** A size given once or per axis, as one entry per spatial axis. */
function perAxis(value: number | readonly number[], spatial: number): number[] {
  return typeof value === "number" ? new Array<number>(spatial).fill(value) : [...value];
}

/** The spatial dims of an [N, C, …spatial] input, which must be static, and its channel count checked. */
function spatialDims(module: AnyModule, path: string, input: Value, spatial: number, channels: number | null): number[] {
  if (input.shape.length !== spatial + 2) fail(module, path, input, `expected a ${spatial + 2}-D input [N, C, ${spatial === 2 ? "H, W" : "L"}] (with the batch dim)`);
  if (channels !== null && input.shape[1] !== channels) fail(module, path, input, `expected ${channels} channels in dim 1, got ${input.shape[1]}`);
  const dims = input.shape.slice(2);
  if (dims.some((d) => typeof d !== "number")) fail(module, path, input, `the spatial dims must be static`);
  return dims as number[];
}


// Conv with explicit pads [begin…, end…]; "same" becomes PyTorch's split (the extra one at the end).
const exportConv: ModuleExporter = (module, input, graph, path) => {
  const conv = module as Conv2d | Conv1d;
  const spatial = conv instanceof Conv1d ? 1 : 2;
  const dims = spatialDims(module, path, input, spatial, conv.inChannels);
  if (conv.paddingMode !== "zeros") refuse(module, path, `paddingMode "${conv.paddingMode}" is not supported (only zero padding)`);
  const { kernelSize: kernel, stride, dilation } = conv;
  let begin: number[];
  let end: number[];
  if (conv.padding === "same") {
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    begin = total.map((t) => Math.floor(t / 2));
    end = total.map((t, i) => t - begin[i]!);
  } else {
    begin = conv.padding === "valid" ? kernel.map(() => 0) : [...conv.padding];
    end = begin;
  }
  const out = dims.map((size, i) => Math.floor((size + begin[i]! + end[i]! - dilation[i]! * (kernel[i]! - 1) - 1) / stride[i]!) + 1);
  if (out.some((d) => d < 1)) fail(module, path, input, `the kernel ${formatDims(kernel)} (dilation ${formatDims(dilation)}) is larger than the padded input`);
  const weight = graph.parameter(path, "weight", conv.weight);
  const inputs = [input.name, weight];
  if (conv.bias !== null) inputs.push(graph.parameter(path, "bias", conv.bias));
  const attributes = { dilations: dilation, group: conv.groups, kernel_shape: kernel, pads: [...begin, ...end], strides: stride };
  return { name: graph.node("Conv", path, inputs, attributes), shape: [input.shape[0]!, conv.outChannels, ...out] };
};

// ConvTranspose with PyTorch's attributes (ONNX's weight layout [in, out / groups, kh, kw] is PyTorch's).
const exportConvTranspose2d: ModuleExporter = (module, input, graph, path) => {
  const conv = module as ConvTranspose2d;
  const dims = spatialDims(module, path, input, 2, conv.inChannels);
  const { kernelSize: kernel, stride, padding, outputPadding, dilation } = conv;
  const out = dims.map((size, i) => (size - 1) * stride[i]! - 2 * padding[i]! + dilation[i]! * (kernel[i]! - 1) + outputPadding[i]! + 1);
  if (out.some((d) => d < 1)) fail(module, path, input, `the output would be ${out.join("×")}`);
  const weight = graph.parameter(path, "weight", conv.weight);
  const inputs = [input.name, weight];
  if (conv.bias !== null) inputs.push(graph.parameter(path, "bias", conv.bias));
  const attributes = { dilations: dilation, group: conv.groups, kernel_shape: kernel, output_padding: outputPadding, pads: [...padding, ...padding], strides: stride };
  return { name: graph.node("ConvTranspose", path, inputs, attributes), shape: [input.shape[0]!, conv.outChannels, ...out] };
};

/**
 * The ceil_mode to write. Where rounding up adds no window on any axis (PyTorch drops a last window
 * that would start in the right padding), ceil_mode=0 is written: the same windows, and a shape
 * that ONNX's older shape inference (before onnx 1.16 it did not drop that window) agrees with.
 */
function ceilAttribute(ceilMode: boolean, dims: number[], kernel: number[], stride: number[], padding: number[], dilation: number[]): 0 | 1 {
  if (!ceilMode) return 0;
  return dims.some((size, i) => windowCount(size, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, true) !== windowCount(size, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, false)) ? 1 : 0;
}

// MaxPool and AveragePool over 1 (MaxPool1d, AvgPool1d) or 2 spatial axes: the same attributes per axis.
const exportMaxPool: ModuleExporter = (module, input, graph, path) => {
  const pool = module as MaxPool2d | MaxPool1d;
  const spatial = pool instanceof MaxPool1d ? 1 : 2;
  const dims = spatialDims(module, path, input, spatial, null);
  const kernel = perAxis(pool.kernelSize, spatial);
  const stride = perAxis(pool.stride, spatial);
  const padding = perAxis(pool.padding, spatial);
  const dilation = perAxis(pool.dilation, spatial);
  const out = dims.map((size, i) => windowCount(size, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, pool.ceilMode));
  if (out.some((d) => d < 1)) fail(module, path, input, `the window is larger than the padded input`);
  const attributes: Record<string, number | number[]> = { ceil_mode: ceilAttribute(pool.ceilMode, dims, kernel, stride, padding, dilation), kernel_shape: kernel, pads: [...padding, ...padding], strides: stride };
  if (dilation.some((d) => d !== 1)) attributes.dilations = dilation;
  return { name: graph.node("MaxPool", path, [input.name], attributes), shape: [input.shape[0]!, input.shape[1]!, ...out] };
};

const exportAvgPool: ModuleExporter = (module, input, graph, path) => {
  const pool = module as AvgPool2d | AvgPool1d;
  const spatial = pool instanceof AvgPool1d ? 1 : 2;
  if (pool instanceof AvgPool2d && pool.divisorOverride !== null) refuse(module, path, `divisorOverride (${pool.divisorOverride}) has no ONNX AveragePool equivalent`);
  const dims = spatialDims(module, path, input, spatial, null);
  const kernel = perAxis(pool.kernelSize, spatial);
  const stride = perAxis(pool.stride, spatial);
  const padding = perAxis(pool.padding, spatial);
  const out = dims.map((size, i) => windowCount(size, kernel[i]!, stride[i]!, padding[i]!, 1, pool.ceilMode));
  if (out.some((d) => d < 1)) fail(module, path, input, `the window is larger than the padded input`);
  const attributes = { ceil_mode: ceilAttribute(pool.ceilMode, dims, kernel, stride, padding, perAxis(1, spatial)), count_include_pad: pool.countIncludePad ? 1 : 0, kernel_shape: kernel, pads: [...padding, ...padding], strides: stride };
  return { name: graph.node("AveragePool", path, [input.name], attributes), shape: [input.shape[0]!, input.shape[1]!, ...out] };
};

// Only the global case has a fixed ONNX op; other output sizes depend on the input size.
const exportAdaptiveAvgPool2d: ModuleExporter = (module, input, graph, path) => {
  const pool = module as AdaptiveAvgPool2d;
  const size = typeof pool.outputSize === "number" ? [pool.outputSize, pool.outputSize] : [...pool.outputSize];
  if (size.some((s) => s !== 1)) refuse(module, path, `only outputSize 1 (GlobalAveragePool) is supported, got ${JSON.stringify(pool.outputSize)}`);
  spatialDims(module, path, input, 2, null);
  return { name: graph.node("GlobalAveragePool", path, [input.name]), shape: [input.shape[0]!, input.shape[1]!, 1, 1] };
};

// Inference BatchNormalization with the running statistics (eval semantics, whatever the mode).
const exportBatchNorm: ModuleExporter = (module, input, graph, path) => {
  const norm = module as BatchNorm1d | BatchNorm2d;
  const ranks = norm instanceof BatchNorm2d ? [4] : [2, 3];
  if (!ranks.includes(input.shape.length)) fail(module, path, input, `expected a ${ranks.join("-D or ")}-D input`);
  if (input.shape[1] !== norm.numFeatures) fail(module, path, input, `expected ${norm.numFeatures} channels in dim 1, got ${input.shape[1]}`);
  if (norm.runningMean === null || norm.runningVar === null) {
    refuse(module, path, `it keeps no running statistics (trackRunningStats=false), so it normalises with each batch's own; ONNX export writes inference BatchNormalization, which needs running statistics`);
  }
  const n = [norm.numFeatures];
  const scale = norm.weight === null ? filled(graph, path, "weight", n, 1) : graph.parameter(path, "weight", norm.weight);
  const shift = norm.bias === null ? filled(graph, path, "bias", n, 0) : graph.parameter(path, "bias", norm.bias);
  const mean = graph.parameter(path, "running_mean", norm.runningMean);
  const variance = graph.parameter(path, "running_var", norm.runningVar);
  // ONNX's momentum weighs the old statistics (PyTorch's weighs the new batch); a cumulative average (null) has none.
  const attributes: Record<string, AttributeValue> = { epsilon: { float: norm.eps } };
  if (norm.momentum !== null) attributes.momentum = { float: 1 - norm.momentum };
  const name = graph.node("BatchNormalization", path, [input.name, scale, shift, mean, variance], attributes);
  return { name, shape: input.shape };
};

// LayerNormalization (opset 17) over the trailing normalizedShape dims.
const exportLayerNorm: ModuleExporter = (module, input, graph, path) => {
  const norm = module as LayerNorm;
  const k = norm.normalizedShape.length;
  const trailing: Dim[] = input.shape.slice(-k);
  if (input.shape.length <= k || trailing.some((d, i) => d !== norm.normalizedShape[i])) {
    fail(module, path, input, `its last dims must be normalizedShape ${formatDims(norm.normalizedShape)}`);
  }
  const scale = norm.weight === null ? filled(graph, path, "weight", norm.normalizedShape, 1) : graph.parameter(path, "weight", norm.weight);
  const inputs = [input.name, scale];
  if (norm.bias !== null) inputs.push(graph.parameter(path, "bias", norm.bias));
  return { name: graph.node("LayerNormalization", path, inputs, { axis: -k, epsilon: { float: norm.eps } }), shape: input.shape };
};

/** Module class → how it is written, merged into MODULE_EXPORTERS. */
export const CNN_EXPORTERS: [Function, ModuleExporter][] = [
  [Conv2d, exportConv],
  [Conv1d, exportConv],
  [ConvTranspose2d, exportConvTranspose2d],
  [MaxPool2d, exportMaxPool],
  [MaxPool1d, exportMaxPool],
  [AvgPool2d, exportAvgPool],
  [AvgPool1d, exportAvgPool],
  [AdaptiveAvgPool2d, exportAdaptiveAvgPool2d],
  [BatchNorm1d, exportBatchNorm],
  [BatchNorm2d, exportBatchNorm],
  [LayerNorm, exportLayerNorm],
  [GroupNorm, exportGroupNorm],
];
