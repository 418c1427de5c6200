/** Convolutions as matrix products: im2col gathers the windows, the packed matmul does the work. */
import type { WindowSpec } from "../../backend/backend.js";
import { mm } from "../../ops/matmul.js";
import { col2im, im2col } from "../../ops/sliding-window.js";
import { conv2dPrimitive } from "../../ops/conv2d.js";
import { formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkRank, expandSize, type Size2 } from "./window-args.js";

/** Options of {@link conv2d}, as PyTorch's `F.conv2d`: a number applies to both spatial dims, a pair is [height, width]. */
export interface Conv2dOptions {
  /** Step between windows (default 1). */
  stride?: Size2;
  /** Zeros added on both sides, or "valid" (none) or "same" (output as large as the input; stride 1). */
  padding?: Size2 | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Split channels into this many independent groups (default 1). */
  groups?: number;
}

/** Options of {@link conv1d}, as {@link Conv2dOptions} for one spatial dim. */
export interface Conv1dOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
}

/**
 * 2-D convolution (cross-correlation, as PyTorch): `input` [N, C, H, W] (or [C, H, W]), `weight`
 * [out, C / groups, kh, kw], `bias` [out]. Each group's windows are unfolded into columns
 * (im2col) and multiplied by the weight matrix, so the work runs in the packed matmul kernel.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const y = nn.functional.conv2d(ones([1, 1, 3, 3]), ones([1, 1, 2, 2]), null, { padding: 1 });
 * console.log(y.shape, y.sum().item()); // [1, 1, 4, 4] 36
 * ```
 */
export function conv2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv2dOptions = {}): Tensor {
  return convNd("conv2d", 2, input, weight, bias, options);
}

/**
 * 1-D convolution: `input` [N, C, L] (or [C, L]), `weight` [out, C / groups, k], `bias` [out];
 * computed as a 2-D convolution of height 1.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const y = nn.functional.conv1d(tensor([[[1, 2, 3, 4]]]), tensor([[[1, -1]]]));
 * console.log(y.toArray()); // [[[-1, -1, -1]]]
 * ```
 */
export function conv1d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: Conv1dOptions = {}): Tensor {
  return convNd("conv1d", 1, input, weight, bias, options);
}

function convNd(op: string, spatial: 1 | 2, input: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions | Conv1dOptions): Tensor {
  checkRank(op, input.shape, spatial);
  if (weight.ndim !== spatial + 2) {
    throw new Error(`${op}: weight must be [out, in / groups${spatial === 2 ? ", kh, kw" : ", k"}], got ${formatShape(weight.shape)}`);
  }
  const batched = input.ndim === spatial + 2;
  let x = batched ? input : input.unsqueeze(0);
  let w = weight;
  if (spatial === 1) {
    x = x.unsqueeze(2);
    w = w.unsqueeze(2);
  }
  const y = conv2dBatched(op, x, w, bias, options, spatial);
  const out = spatial === 1 ? y.squeeze(2) : y;
  return batched ? out : out.squeeze(0);
}

/** Pads for "same": total d·(k − 1) per axis, the odd one on the right (PyTorch). */
function resolvePadding(op: string, padding: Conv2dOptions["padding"], spatial: 1 | 2, kernel: number[], dilation: number[], stride: number[]): { left: number[]; total: number[] } {
  if (padding === "valid") return { left: [0, 0], total: [0, 0] };
  if (padding === "same") {
    if (stride.some((s) => s !== 1)) throw new Error(`${op}: padding "same" needs stride 1, got stride ${JSON.stringify(stride.slice(2 - spatial))}`);
    const total = kernel.map((k, i) => dilation[i]! * (k - 1));
    return { left: total.map((t) => Math.floor(t / 2)), total };
  }
  const given = padding ?? 0;
  const pads = spatial === 2 ? expandSize(op, "padding", given, 2, 0) : [0, ...expandSize(op, "padding", given, 1, 0)];
  return { left: pads, total: pads.map((p) => 2 * p) };
}

function conv2dBatched(op: string, x: Tensor, weight: Tensor, bias: Tensor | null, options: Conv2dOptions, spatial: 1 | 2): Tensor {
  const axis = (v: Size2 | undefined, name: string): number[] => (spatial === 2 ? expandSize(op, name, v ?? 1, 2, 1) : [1, ...expandSize(op, name, v ?? 1, 1, 1)]);
  const stride = axis(options.stride, "stride");
  const dilation = axis(options.dilation, "dilation");
  const groups = options.groups ?? 1;
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [outChannels, groupChannels, kernelH, kernelW] = weight.shape as [number, number, number, number];
  const shapes = `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}`;
  if (!Number.isInteger(groups) || groups < 1) throw new Error(`${op}: groups must be a positive integer, got ${groups}`);
  if (channels % groups !== 0 || outChannels % groups !== 0) {
    throw new Error(`${op}: groups=${groups} must divide both the input channels (${channels}) and the output channels (${outChannels}); ${shapes}`);
  }
  if (groupChannels * groups !== channels) {
    throw new Error(`${op}: expected input with ${groupChannels * groups} channels (weight's ${groupChannels} per group × groups=${groups}), got ${channels}; ${shapes}`);
  }
  if (x.dtype !== weight.dtype) throw new Error(`${op}: input (${x.dtype}) and weight (${weight.dtype}) must have the same dtype`);
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) {
    throw new Error(`${op}: bias ${formatShape(bias.shape)} does not match ${outChannels} output channels`);
  }
  const { left, total } = resolvePadding(op, options.padding, spatial, [kernelH, kernelW], dilation, stride);
  const extentH = dilation[0]! * (kernelH - 1) + 1;
  const extentW = dilation[1]! * (kernelW - 1) + 1;
  if (extentH > height + total[0]! || extentW > width + total[1]!) {
    const padded = spatial === 2 ? `${height + total[0]!}×${width + total[1]!}` : `${width + total[1]!}`;
    const kernel = spatial === 2 ? `${extentH}×${extentW}` : `${extentW}`;
    throw new Error(`${op}: kernel size (${kernel}, dilation included) cannot be greater than the padded input size (${padded}); ${shapes}`);
  }
  // the right-hand padding (total − left) needs no storage: taps past the input read zero
  const outH = Math.floor((height + total[0]! - extentH) / stride[0]!) + 1;
  const outW = Math.floor((width + total[1]! - extentW) / stride[1]!) + 1;
  const spec: WindowSpec = {
    batch, channels, height, width, kernelH, kernelW,
    strideH: stride[0]!, strideW: stride[1]!, padH: left[0]!, padW: left[1]!,
    dilationH: dilation[0]!, dilationW: dilation[1]!, outH, outW,
  };
  // one group: a primitive whose kernels unfold and multiply image by image (ops/conv2d.ts)
  if (groups === 1) return conv2dPrimitive(x, weight, bias, spec);
  const columns = im2col(x, spec); // [channels·kh·kw, batch·outH·outW]
  const patch = groupChannels * kernelH * kernelW;
  const positions = batch * outH * outW;
  const product = groups === 1
    ? mm(weight.reshape([outChannels, patch]), columns)
    : mm(weight.reshape([groups, outChannels / groups, patch]), columns.reshape([groups, patch, positions]));
  // the bias added while the product is [out, batch·oh·ow] (a dense row broadcast, one pass),
  // then one strided copy lays [out, batch, oh, ow] out as [batch, out, oh, ow]
  const biased = bias === null ? product.reshape([outChannels, positions]) : product.reshape([outChannels, positions]).add(bias.reshape([outChannels, 1]));
  return biased.reshape([outChannels, batch, outH, outW]).permute([1, 0, 2, 3]).contiguous();
}

/** Options of {@link convTranspose2d}, as PyTorch's `F.conv_transpose2d`. */
export interface ConvTranspose2dOptions {
  /** Step of the convolution this one transposes (default 1). */
  stride?: Size2;
  /** Rows and columns trimmed from each side of the output (default 0). */
  padding?: Size2;
  /** Extra rows and columns added on one side of the output, to pick among the sizes a stride allows (default 0). */
  outputPadding?: Size2;
  groups?: number;
  dilation?: Size2;
}

/**
 * 2-D transposed convolution (the gradient of conv2d with respect to its input): `input`
 * [N, C, H, W] (or [C, H, W]), `weight` [C, out / groups, kh, kw], `bias` [out]. Each input
 * pixel's weighted kernel is one column (a matrix product) and col2im adds the columns up
 * into the output of size (H − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const y = nn.functional.convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { stride: 2 });
 * console.log(y.shape, y.sum().item()); // [1, 1, 4, 4] 16
 * ```
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias: Tensor | null = null, options: ConvTranspose2dOptions = {}): Tensor {
  const op = "convTranspose2d";
  checkRank(op, input.shape, 2);
  if (weight.ndim !== 4) throw new Error(`${op}: weight must be [in, out / groups, kh, kw], got ${formatShape(weight.shape)}`);
  const batched = input.ndim === 4;
  const x = batched ? input : input.unsqueeze(0);
  const stride = expandSize(op, "stride", options.stride ?? 1, 2, 1);
  const padding = expandSize(op, "padding", options.padding ?? 0, 2, 0);
  const outputPadding = expandSize(op, "outputPadding", options.outputPadding ?? 0, 2, 0);
  const dilation = expandSize(op, "dilation", options.dilation ?? 1, 2, 1);
  const groups = options.groups ?? 1;
  const [batch, channels, height, width] = x.shape as [number, number, number, number];
  const [weightIn, groupOut, kernelH, kernelW] = weight.shape as [number, number, number, number];
  const shapes = `input ${formatShape(x.shape)}, weight ${formatShape(weight.shape)}`;
  if (!Number.isInteger(groups) || groups < 1 || weightIn % groups !== 0) throw new Error(`${op}: groups=${groups} must divide the weight's ${weightIn} input channels; ${shapes}`);
  if (channels !== weightIn) throw new Error(`${op}: expected input with ${weightIn} channels, got ${channels}; ${shapes}`);
  if (x.dtype !== weight.dtype) throw new Error(`${op}: input (${x.dtype}) and weight (${weight.dtype}) must have the same dtype`);
  if (outputPadding.some((p, i) => p >= Math.max(stride[i]!, dilation[i]!))) {
    throw new Error(`${op}: outputPadding ${JSON.stringify(options.outputPadding)} must be smaller than stride or dilation`);
  }
  const outChannels = groupOut * groups;
  if (bias !== null && (bias.ndim !== 1 || bias.shape[0] !== outChannels)) throw new Error(`${op}: bias ${formatShape(bias.shape)} does not match ${outChannels} output channels`);
  const outH = (height - 1) * stride[0]! - 2 * padding[0]! + dilation[0]! * (kernelH - 1) + outputPadding[0]! + 1;
  const outW = (width - 1) * stride[1]! - 2 * padding[1]! + dilation[1]! * (kernelW - 1) + outputPadding[1]! + 1;
  if (outH < 1 || outW < 1) throw new Error(`${op}: the output would be ${outH}×${outW}; ${shapes}`);
  // the convolution this transposes maps [out, outH, outW] to [in, H, W]: its col2im is our output
  const spec: WindowSpec = {
    batch, channels: outChannels, height: outH, width: outW, kernelH, kernelW,
    strideH: stride[0]!, strideW: stride[1]!, padH: padding[0]!, padW: padding[1]!,
    dilationH: dilation[0]!, dilationW: dilation[1]!, outH: height, outW: width,
  };
  const positions = batch * height * width;
  const rows = x.reshape([batch, channels, height * width]).permute([1, 0, 2]).reshape([channels, positions]); // [in, N·H·W]
  const patch = groupOut * kernelH * kernelW;
  const columns = groups === 1
    ? mm(weight.reshape([channels, patch]), rows, true, false)
    : mm(weight.reshape([groups, channels / groups, patch]), rows.reshape([groups, channels / groups, positions]), true, false).reshape([outChannels * kernelH * kernelW, positions]);
  let y = col2im(columns, spec);
  if (bias !== null) y = y.add(bias.reshape([1, outChannels, 1, 1]));
  return batched ? y : y.squeeze(0);
}
