// The convolution, pooling and normalization layers in a config.json, with PyTorch's names and
// defaults (conv2d is torch.nn.Conv2d …); batch norms' running statistics are state entries too.
import { Conv1d, Conv2d, ConvTranspose2d, type PaddingMode } from "../nn/conv.js";
import { AdaptiveAvgPool2d, AvgPool1d, AvgPool2d, MaxPool1d, MaxPool2d } from "../nn/pooling.js";
import { BatchNorm1d, BatchNorm2d } from "../nn/batch-norm.js";
import { GroupNorm, LayerNorm } from "../nn/layer-norm.js";
import { windowCount } from "../nn/functional/window-args.js";
import { MAX_FIELD, type LayerFields } from "./layer-fields.js";
import { kind, type LayerKind } from "./layer-kind.js";
import type { LayerSpec } from "./layer-spec.js";

/** A `conv1d`/`conv2d` layer in config.json: nn.Conv1d/Conv2d's options, sizes one entry per spatial axis. */
export interface ConvSpec<T> { type: T; inChannels: number; outChannels: number; kernelSize: number[]; stride: number[]; padding: number[] | "same" | "valid"; dilation: number[]; groups: number; bias: boolean; paddingMode: PaddingMode }
/** A `convTranspose2d` layer in config.json: nn.ConvTranspose2d's options. */
export interface ConvTransposeSpec { type: "convTranspose2d"; inChannels: number; outChannels: number; kernelSize: number[]; stride: number[]; padding: number[]; outputPadding: number[]; dilation: number[]; groups: number; bias: boolean }
/** A `maxPool1d`/`maxPool2d` layer in config.json: nn.MaxPool1d/2d's options. */
export interface MaxPoolSpec<T> { type: T; kernelSize: number[]; stride: number[]; padding: number[]; dilation: number[]; ceilMode: boolean }
/** An `avgPool1d`/`avgPool2d` layer in config.json: nn.AvgPool1d/2d's options. */
export interface AvgPoolSpec<T> { type: T; kernelSize: number[]; stride: number[]; padding: number[]; ceilMode: boolean; countIncludePad: boolean; divisorOverride: number | null }
/** A `batchNorm1d`/`batchNorm2d` layer in config.json (its running statistics are in model.safetensors). */
export interface BatchNormSpec<T> { type: T; numFeatures: number; eps: number; momentum: number | null; affine: boolean; trackRunningStats: boolean }

/**
 * The convolution, pooling and normalization layers of a {@link LayerSpec} (`conv1d`, `conv2d`,
 * `convTranspose2d`, `maxPool1d/2d`, `avgPool1d/2d`, `adaptiveAvgPool2d`, `batchNorm1d/2d`,
 * `layerNorm`, `groupNorm`), sizes as one entry per spatial axis.
 */
export type CnnLayerSpec =
  | ConvSpec<"conv1d"> | ConvSpec<"conv2d"> | ConvTransposeSpec
  | MaxPoolSpec<"maxPool1d"> | MaxPoolSpec<"maxPool2d"> | AvgPoolSpec<"avgPool1d"> | AvgPoolSpec<"avgPool2d">
  | { type: "adaptiveAvgPool2d"; outputSize: (number | null)[] }
  | BatchNormSpec<"batchNorm1d"> | BatchNormSpec<"batchNorm2d">
  | { type: "layerNorm"; normalizedShape: number[]; eps: number; elementwiseAffine: boolean; bias: boolean }
  | { type: "groupNorm"; numGroups: number; numChannels: number; eps: number; affine: boolean };

/** [C, …spatial] of the expected rank with C channels (null: any), or a failure. */
function channelsFirst(input: readonly number[], spatial: number, channels: number | null, fail: (why: string) => never): number[] {
  const names = spatial === 1 ? "[C, L]" : "[C, H, W]";
  if (input.length !== spatial + 1) fail(`expects samples ${names}, got [${input.join(", ")}]`);
  if (channels !== null && input[0] !== channels) fail(`expects ${channels} channels, got a sample of shape [${input.join(", ")}]`);
  return input.slice(1);
}

function positiveSizes(sizes: number[], what: string, fail: (why: string) => never): number[] {
  if (sizes.some((d) => d < 1)) fail(`${what} (the output would be ${sizes.join("×")})`);
  return sizes;
}

function groupsOf(f: LayerFields, inChannels: number, outChannels: number): number {
  const groups = f.int("groups", 1, 1);
  if (inChannels % groups !== 0 || outChannels % groups !== 0) f.fail("groups", `${groups} must divide inChannels (${inChannels}) and outChannels (${outChannels})`);
  return groups;
}

function convKind<T extends "conv1d" | "conv2d">(type: T, spatial: 1 | 2): LayerKind<ConvSpec<T>> {
  return {
    type,
    module: spatial === 1 ? Conv1d : Conv2d,
    read: (f) => {
      const inChannels = f.int("inChannels", 1);
      const outChannels = f.int("outChannels", 1);
      const stride = f.ints("stride", spatial, 1, 1);
      const padding = typeof f.raw("padding") === "string" ? f.oneOf("padding", ["same", "valid"] as const, "valid") : f.ints("padding", spatial, 0, 0);
      const spec: ConvSpec<T> = {
        type, inChannels, outChannels, kernelSize: f.ints("kernelSize", spatial, 1), stride, padding, dilation: f.ints("dilation", spatial, 1, 1),
        groups: groupsOf(f, inChannels, outChannels), bias: f.bool("bias", true),
        paddingMode: f.oneOf("paddingMode", ["zeros", "reflect", "replicate", "circular"] as const, "zeros"),
      };
      if (spec.padding === "same" && stride.some((s) => s !== 1)) f.fail("padding", `"same" needs stride 1, got stride [${stride.join(", ")}]`);
      return spec;
    },
    build: (s) => {
      const options = { stride: s.stride, padding: s.padding, dilation: s.dilation, groups: s.groups, bias: s.bias, paddingMode: s.paddingMode };
      if (spatial === 1) return new Conv1d(s.inChannels, s.outChannels, s.kernelSize[0]!, { ...options, stride: s.stride[0]!, dilation: s.dilation[0]!, padding: typeof s.padding === "string" ? s.padding : s.padding[0]! });
      const pair = (v: number[]): [number, number] => [v[0]!, v[1]!];
      return new Conv2d(s.inChannels, s.outChannels, pair(s.kernelSize), { ...options, stride: pair(s.stride), dilation: pair(s.dilation), padding: typeof s.padding === "string" ? s.padding : pair(s.padding) });
    },
    describe: (m) => {
      const c = m as Conv2d | Conv1d;
      return { type, inChannels: c.inChannels, outChannels: c.outChannels, kernelSize: [...c.kernelSize], stride: [...c.stride], padding: typeof c.padding === "string" ? c.padding : [...c.padding], dilation: [...c.dilation], groups: c.groups, bias: c.bias !== null, paddingMode: c.paddingMode };
    },
    state: (s): Record<string, number[]> => {
      const weight = [s.outChannels, s.inChannels / s.groups, ...s.kernelSize];
      return s.bias ? { weight, bias: [s.outChannels] } : { weight };
    },
    output: (s, input, fail) => {
      const dims = channelsFirst(input, spatial, s.inChannels, fail);
      if (s.padding === "same") return [s.outChannels, ...dims];
      const pad = s.padding === "valid" ? dims.map(() => 0) : s.padding;
      const out = dims.map((d, i) => Math.floor((d + 2 * pad[i]! - s.dilation[i]! * (s.kernelSize[i]! - 1) - 1) / s.stride[i]!) + 1);
      return [s.outChannels, ...positiveSizes(out, "the kernel is larger than the padded input", fail)];
    },
    label: (s) => `${spatial === 1 ? "Conv1d" : "Conv2d"}(${s.inChannels}, ${s.outChannels}, kernelSize=[${s.kernelSize.join(", ")}])`,
  };
}

const convTranspose2d: LayerKind<ConvTransposeSpec> = {
  type: "convTranspose2d",
  module: ConvTranspose2d,
  read: (f) => {
    const inChannels = f.int("inChannels", 1);
    const outChannels = f.int("outChannels", 1);
    const stride = f.ints("stride", 2, 1, 1);
    const dilation = f.ints("dilation", 2, 1, 1);
    const outputPadding = f.ints("outputPadding", 2, 0, 0);
    if (outputPadding.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) f.fail("outputPadding", `[${outputPadding.join(", ")}] must be smaller than the stride or the dilation`);
    return { type: "convTranspose2d", inChannels, outChannels, kernelSize: f.ints("kernelSize", 2, 1), stride, padding: f.ints("padding", 2, 0, 0), outputPadding, dilation, groups: groupsOf(f, inChannels, outChannels), bias: f.bool("bias", true) };
  },
  build: (s) => {
    const pair = (v: number[]): [number, number] => [v[0]!, v[1]!];
    return new ConvTranspose2d(s.inChannels, s.outChannels, pair(s.kernelSize), { stride: pair(s.stride), padding: pair(s.padding), outputPadding: pair(s.outputPadding), dilation: pair(s.dilation), groups: s.groups, bias: s.bias });
  },
  describe: (m) => {
    const c = m as ConvTranspose2d;
    return { type: "convTranspose2d", inChannels: c.inChannels, outChannels: c.outChannels, kernelSize: [...c.kernelSize], stride: [...c.stride], padding: [...c.padding], outputPadding: [...c.outputPadding], dilation: [...c.dilation], groups: c.groups, bias: c.bias !== null };
  },
  state: (s): Record<string, number[]> => {
    const weight = [s.inChannels, s.outChannels / s.groups, ...s.kernelSize];
    return s.bias ? { weight, bias: [s.outChannels] } : { weight };
  },
  output: (s, input, fail) => {
    const dims = channelsFirst(input, 2, s.inChannels, fail);
    const out = dims.map((d, i) => (d - 1) * s.stride[i]! - 2 * s.padding[i]! + s.dilation[i]! * (s.kernelSize[i]! - 1) + s.outputPadding[i]! + 1);
    return [s.outChannels, ...positiveSizes(out, "the padding removes the whole output", fail)];
  },
  label: (s) => `ConvTranspose2d(${s.inChannels}, ${s.outChannels}, kernelSize=[${s.kernelSize.join(", ")}])`,
};

function poolOutput(input: readonly number[], spatial: number, kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean, fail: (why: string) => never): number[] {
  const dims = channelsFirst(input, spatial, null, fail);
  if (padding.some((p, i) => p > kernel[i]! / 2)) fail(`padding [${padding.join(", ")}] must be at most half the kernel size [${kernel.join(", ")}]`);
  const out = dims.map((d, i) => windowCount(d, kernel[i]!, stride[i]!, padding[i]!, dilation[i]!, ceilMode));
  return [input[0]!, ...positiveSizes(out, "the window is larger than the padded input", fail)];
}

function maxPoolKind<T extends "maxPool1d" | "maxPool2d">(type: T, spatial: 1 | 2): LayerKind<MaxPoolSpec<T>> {
  return {
    type,
    module: spatial === 1 ? MaxPool1d : MaxPool2d,
    read: (f) => {
      const kernelSize = f.ints("kernelSize", spatial, 1);
      // stride null or absent: the kernel size, as in PyTorch
      const stride = f.nullable("stride", null, () => f.ints("stride", spatial, 1)) ?? kernelSize;
      return { type, kernelSize, stride, padding: f.ints("padding", spatial, 0, 0), dilation: f.ints("dilation", spatial, 1, 1), ceilMode: f.bool("ceilMode", false) };
    },
    build: (s) => spatial === 1
      ? new MaxPool1d(s.kernelSize[0]!, { stride: s.stride[0]!, padding: s.padding[0]!, dilation: s.dilation[0]!, ceilMode: s.ceilMode })
      : new MaxPool2d([s.kernelSize[0]!, s.kernelSize[1]!], { stride: [s.stride[0]!, s.stride[1]!], padding: [s.padding[0]!, s.padding[1]!], dilation: [s.dilation[0]!, s.dilation[1]!], ceilMode: s.ceilMode }),
    describe: (m) => {
      const p = m as MaxPool2d;
      const axes = (v: number | readonly number[]) => (typeof v === "number" ? new Array<number>(spatial).fill(v) : [...v]);
      return { type, kernelSize: axes(p.kernelSize), stride: axes(p.stride), padding: axes(p.padding), dilation: axes(p.dilation), ceilMode: p.ceilMode };
    },
    state: () => ({}),
    output: (s, input, fail) => poolOutput(input, spatial, s.kernelSize, s.stride, s.padding, s.dilation, s.ceilMode, fail),
    label: (s) => `${spatial === 1 ? "MaxPool1d" : "MaxPool2d"}(kernelSize=[${s.kernelSize.join(", ")}])`,
  };
}

function avgPoolKind<T extends "avgPool1d" | "avgPool2d">(type: T, spatial: 1 | 2): LayerKind<AvgPoolSpec<T>> {
  return {
    type,
    module: spatial === 1 ? AvgPool1d : AvgPool2d,
    read: (f) => {
      const kernelSize = f.ints("kernelSize", spatial, 1);
      const stride = f.nullable("stride", null, () => f.ints("stride", spatial, 1)) ?? kernelSize;
      const spec = { type, kernelSize, stride, padding: f.ints("padding", spatial, 0, 0), ceilMode: f.bool("ceilMode", false), countIncludePad: f.bool("countIncludePad", true), divisorOverride: f.nullable("divisorOverride", null, () => f.int("divisorOverride", 1)) };
      if (spatial === 1 && spec.divisorOverride !== null) f.fail("divisorOverride", `AvgPool1d has no divisorOverride`);
      return spec;
    },
    build: (s) => spatial === 1
      ? new AvgPool1d(s.kernelSize[0]!, { stride: s.stride[0]!, padding: s.padding[0]!, ceilMode: s.ceilMode, countIncludePad: s.countIncludePad })
      : new AvgPool2d([s.kernelSize[0]!, s.kernelSize[1]!], { stride: [s.stride[0]!, s.stride[1]!], padding: [s.padding[0]!, s.padding[1]!], ceilMode: s.ceilMode, countIncludePad: s.countIncludePad, divisorOverride: s.divisorOverride }),
    describe: (m) => {
      const p = m as AvgPool2d;
      const axes = (v: number | readonly number[]) => (typeof v === "number" ? new Array<number>(spatial).fill(v) : [...v]);
      return { type, kernelSize: axes(p.kernelSize), stride: axes(p.stride), padding: axes(p.padding), ceilMode: p.ceilMode, countIncludePad: p.countIncludePad, divisorOverride: p instanceof AvgPool2d ? p.divisorOverride : null };
    },
    state: () => ({}),
    output: (s, input, fail) => poolOutput(input, spatial, s.kernelSize, s.stride, s.padding, s.kernelSize.map(() => 1), s.ceilMode, fail),
    label: (s) => `${spatial === 1 ? "AvgPool1d" : "AvgPool2d"}(kernelSize=[${s.kernelSize.join(", ")}])`,
  };
}

const adaptiveAvgPool2d: LayerKind<Extract<CnnLayerSpec, { type: "adaptiveAvgPool2d" }>> = {
  type: "adaptiveAvgPool2d",
  module: AdaptiveAvgPool2d,
  read: (f) => {
    // an integer ≥ 1, or a list of two, each an integer ≥ 1 or null (the input's size)
    const list = f.raw("outputSize");
    if (!Array.isArray(list)) return { type: "adaptiveAvgPool2d", outputSize: f.ints("outputSize", 2, 1) };
    if (list.length !== 2 || !list.every((v) => v === null || (Number.isInteger(v) && v >= 1 && v <= MAX_FIELD))) f.fail("outputSize", `must be an integer ≥ 1 or a list of two (each an integer ≥ 1 or null), got ${JSON.stringify(list)}`);
    return { type: "adaptiveAvgPool2d", outputSize: list as (number | null)[] };
  },
  build: (s) => new AdaptiveAvgPool2d([s.outputSize[0] ?? null, s.outputSize[1] ?? null]),
  describe: (m) => {
    const size = (m as AdaptiveAvgPool2d).outputSize;
    return { type: "adaptiveAvgPool2d", outputSize: typeof size === "number" ? [size, size] : [...size] };
  },
  state: () => ({}),
  output: (s, input, fail) => {
    const dims = channelsFirst(input, 2, null, fail);
    return [input[0]!, ...dims.map((d, i) => s.outputSize[i] ?? d)];
  },
  label: (s) => `AdaptiveAvgPool2d([${s.outputSize.join(", ")}])`,
};

function batchNormKind<T extends "batchNorm1d" | "batchNorm2d">(type: T, module: typeof BatchNorm1d | typeof BatchNorm2d): LayerKind<BatchNormSpec<T>> {
  return {
    type,
    module,
    read: (f) => ({ type, numFeatures: f.int("numFeatures", 1), eps: f.positive("eps", 1e-5), momentum: f.nullable("momentum", 0.1, () => f.number("momentum", undefined, 0, 1)), affine: f.bool("affine", true), trackRunningStats: f.bool("trackRunningStats", true) }),
    build: (s) => new module(s.numFeatures, { eps: s.eps, momentum: s.momentum, affine: s.affine, trackRunningStats: s.trackRunningStats }),
    describe: (m) => {
      const b = m as BatchNorm1d;
      return { type, numFeatures: b.numFeatures, eps: b.eps, momentum: b.momentum, affine: b.affine, trackRunningStats: b.trackRunningStats };
    },
    state: (s): Record<string, number[]> => {
      const n = [s.numFeatures];
      return { ...(s.affine ? { weight: n, bias: n } : {}), ...(s.trackRunningStats ? { running_mean: n, running_var: n, num_batches_tracked: [] } : {}) };
    },
    output: (s, input, fail) => {
      const ok = type === "batchNorm2d" ? input.length === 3 : input.length === 1 || input.length === 2;
      if (!ok) fail(`expects samples ${type === "batchNorm2d" ? "[C, H, W]" : "[C] or [C, L]"}, got [${input.join(", ")}]`);
      if (input[0] !== s.numFeatures) fail(`expects ${s.numFeatures} channels, got a sample of shape [${input.join(", ")}]`);
      return [...input];
    },
    label: (s) => `${module.name}(${s.numFeatures})`,
  };
}

const layerNorm: LayerKind<Extract<CnnLayerSpec, { type: "layerNorm" }>> = {
  type: "layerNorm",
  module: LayerNorm,
  read: (f) => ({ type: "layerNorm", normalizedShape: f.shape("normalizedShape"), eps: f.positive("eps", 1e-5), elementwiseAffine: f.bool("elementwiseAffine", true), bias: f.bool("bias", true) }),
  build: (s) => new LayerNorm(s.normalizedShape, { eps: s.eps, elementwiseAffine: s.elementwiseAffine, bias: s.bias }),
  describe: (m) => {
    const l = m as LayerNorm;
    return { type: "layerNorm", normalizedShape: [...l.normalizedShape], eps: l.eps, elementwiseAffine: l.elementwiseAffine, bias: l.bias !== null || !l.elementwiseAffine };
  },
  state: (s): Record<string, number[]> => (!s.elementwiseAffine ? {} : s.bias ? { weight: s.normalizedShape, bias: s.normalizedShape } : { weight: s.normalizedShape }),
  output: (s, input, fail) => {
    const k = s.normalizedShape.length;
    if (input.length < k || input.slice(-k).some((d, i) => d !== s.normalizedShape[i])) fail(`normalizedShape [${s.normalizedShape.join(", ")}] does not match the sample's trailing dims [${input.join(", ")}]`);
    return [...input];
  },
  label: (s) => `LayerNorm([${s.normalizedShape.join(", ")}])`,
};

const groupNorm: LayerKind<Extract<CnnLayerSpec, { type: "groupNorm" }>> = {
  type: "groupNorm",
  module: GroupNorm,
  read: (f) => {
    const numGroups = f.int("numGroups", 1);
    const numChannels = f.int("numChannels", 1);
    if (numChannels % numGroups !== 0) f.fail("numGroups", `${numGroups} must divide numChannels (${numChannels})`);
    return { type: "groupNorm", numGroups, numChannels, eps: f.positive("eps", 1e-5), affine: f.bool("affine", true) };
  },
  build: (s) => new GroupNorm(s.numGroups, s.numChannels, { eps: s.eps, affine: s.affine }),
  describe: (m) => {
    const g = m as GroupNorm;
    return { type: "groupNorm", numGroups: g.numGroups, numChannels: g.numChannels, eps: g.eps, affine: g.affine };
  },
  state: (s): Record<string, number[]> => (s.affine ? { weight: [s.numChannels], bias: [s.numChannels] } : {}),
  output: (s, input, fail) => {
    if (input.length < 1 || input[0] !== s.numChannels) fail(`expects ${s.numChannels} channels first, got a sample of shape [${input.join(", ")}]`);
    return [...input];
  },
  label: (s) => `GroupNorm(${s.numGroups}, ${s.numChannels})`,
};

export const CNN_LAYER_KINDS = [
  kind(convKind("conv1d", 1)),
  kind(convKind("conv2d", 2)),
  kind(convTranspose2d),
  kind(maxPoolKind("maxPool1d", 1)),
  kind(maxPoolKind("maxPool2d", 2)),
  kind(avgPoolKind("avgPool1d", 1)),
  kind(avgPoolKind("avgPool2d", 2)),
  kind(adaptiveAvgPool2d),
  kind(batchNormKind("batchNorm1d", BatchNorm1d)),
  kind(batchNormKind("batchNorm2d", BatchNorm2d)),
  kind(layerNorm),
  kind(groupNorm),
];
