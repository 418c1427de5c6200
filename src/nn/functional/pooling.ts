/** Pooling: max (one pass, with argmax for backward), average and adaptive average, 1-D and 2-D. */
import type { WindowSpec } from "../../backend/backend.js";
import { avgPool2dPrimitive, maxPool2dWithIndices as maxPoolKernel } from "../../ops/sliding-window.js";
import { mm } from "../../ops/matmul.js";
import { onBackend } from "../../ops/operand.js";
import { tensor } from "../../tensor/creation.js";
import { formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { checkRank, expandSize, windowCount, type Size2 } from "./window-args.js";

/** Options of {@link maxPool2d}, as PyTorch's `F.max_pool2d`: a number applies to both spatial dims, a pair is [height, width]. */
export interface MaxPool2dOptions {
  /** Step between windows (default: the kernel size). */
  stride?: Size2 | null;
  /** Implicit −∞ padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  /** Spacing between window taps (default 1). */
  dilation?: Size2;
  /** Round the output size up, so a partial window at the end counts (default false). */
  ceilMode?: boolean;
}

/** Options of {@link avgPool2d}, as PyTorch's `F.avg_pool2d`. */
export interface AvgPool2dOptions {
  stride?: Size2 | null;
  /** Implicit zero padding on both sides, at most half the kernel (default 0). */
  padding?: Size2;
  ceilMode?: boolean;
  /** Count the padding zeros in each window's divisor (default true). */
  countIncludePad?: boolean;
  /** Divide every window's sum by this instead. */
  divisorOverride?: number | null;
}

/** Options of {@link maxPool1d}, as {@link MaxPool2dOptions} for one spatial dim. */
export interface MaxPool1dOptions {
  stride?: number | null;
  padding?: number;
  dilation?: number;
  ceilMode?: boolean;
}

/** Options of {@link avgPool1d}, as {@link AvgPool2dOptions} for one spatial dim. */
export interface AvgPool1dOptions {
  stride?: number | null;
  padding?: number;
  ceilMode?: boolean;
  countIncludePad?: boolean;
}

interface PoolGeometry {
  spec: WindowSpec;
  batched: boolean;
}

/** Checks the arguments and works out the window spec over planes of [N, C, H, W] (or [C, H, W]). */
function poolGeometry(op: string, x: Tensor, kernelSize: Size2, stride: Size2 | null | undefined, padding: Size2 | undefined, dilation: Size2 | undefined, ceilMode: boolean): PoolGeometry {
  checkRank(op, x.shape, 2);
  const batched = x.ndim === 4;
  const [batch, channels, height, width] = (batched ? x.shape : [1, ...x.shape]) as [number, number, number, number];
  const kernel = expandSize(op, "kernelSize", kernelSize, 2, 1);
  const steps = expandSize(op, "stride", stride ?? kernel as [number, number], 2, 1);
  const pads = expandSize(op, "padding", padding ?? 0, 2, 0);
  const dilations = expandSize(op, "dilation", dilation ?? 1, 2, 1);
  if (pads.some((p, i) => p > kernel[i]! / 2)) {
    throw new Error(`${op}: padding ${JSON.stringify(padding)} should be at most half of the kernel size ${JSON.stringify(kernelSize)}`);
  }
  const outH = windowCount(height, kernel[0]!, steps[0]!, pads[0]!, dilations[0]!, ceilMode);
  const outW = windowCount(width, kernel[1]!, steps[1]!, pads[1]!, dilations[1]!, ceilMode);
  if (outH < 1 || outW < 1) {
    throw new Error(`${op}: kernel ${JSON.stringify(kernelSize)} (dilation ${JSON.stringify(dilation ?? 1)}) is larger than the padded input ${formatShape(x.shape)}: the output would be ${outH}×${outW}`);
  }
  const spec: WindowSpec = {
    batch, channels, height, width, kernelH: kernel[0]!, kernelW: kernel[1]!, strideH: steps[0]!, strideW: steps[1]!,
    padH: pads[0]!, padW: pads[1]!, dilationH: dilations[0]!, dilationW: dilations[1]!, outH, outW,
  };
  return { spec, batched };
}

/**
 * 2-D max pooling, returning the maxima and their int32 flat indices within each plane
 * (PyTorch's `return_indices=True`).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const [y, i] = nn.functional.maxPool2dWithIndices(tensor([[[[1, 5], [7, 2]]]]), 2);
 * console.log(y.toArray(), i.toArray()); // [[[[7]]]] [[[[2]]]]
 * ```
 */
export function maxPool2dWithIndices(input: Tensor, kernelSize: Size2, options: MaxPool2dOptions = {}): [Tensor, Tensor] {
  const { spec, batched } = poolGeometry("maxPool2d", input, kernelSize, options.stride, options.padding, options.dilation, options.ceilMode ?? false);
  const [y, indices] = maxPoolKernel(batched ? input : input.unsqueeze(0), spec);
  return batched ? [y, indices] : [y.squeeze(0), indices.squeeze(0)];
}

/**
 * 2-D max pooling over [N, C, H, W] (or [C, H, W]) in one pass; the gradient flows to each
 * window's (first) maximum.
 *
 * @example
 * ```ts
 * import { nn, arange } from "nabla";
 * const y = nn.functional.maxPool2d(arange(16).reshape([1, 1, 4, 4]), 2);
 * console.log(y.toArray()); // [[[[5, 7], [13, 15]]]]
 * ```
 */
export function maxPool2d(input: Tensor, kernelSize: Size2, options: MaxPool2dOptions = {}): Tensor {
  return maxPool2dWithIndices(input, kernelSize, options)[0];
}

/**
 * 1-D max pooling over [N, C, L] (or [C, L]).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.maxPool1d(tensor([[[1, 3, 2, 0]]]), 2).toArray()); // [[[3, 2]]]
 * ```
 */
export function maxPool1d(input: Tensor, kernelSize: number, options: MaxPool1dOptions = {}): Tensor {
  checkRank("maxPool1d", input.shape, 1);
  const { stride, padding, dilation, ceilMode } = options;
  const y = maxPool2d(input.unsqueeze(-2), [1, kernelSize], {
    stride: stride === undefined || stride === null ? null : [1, stride], padding: [0, padding ?? 0], dilation: [1, dilation ?? 1], ceilMode,
  });
  return y.squeeze(-2);
}

/**
 * 2-D average pooling over [N, C, H, W] (or [C, H, W]): each window's sum over its divisor
 * (the full window with `countIncludePad`, the default, else its part inside the input).
 *
 * @example
 * ```ts
 * import { nn, arange } from "nabla";
 * const y = nn.functional.avgPool2d(arange(16).reshape([1, 1, 4, 4]), 2);
 * console.log(y.toArray()); // [[[[2.5, 4.5], [10.5, 12.5]]]]
 * ```
 */
export function avgPool2d(input: Tensor, kernelSize: Size2, options: AvgPool2dOptions = {}): Tensor {
  const { spec, batched } = poolGeometry("avgPool2d", input, kernelSize, options.stride, options.padding, 1, options.ceilMode ?? false);
  const x = batched ? input : input.unsqueeze(0);
  const divisors = onBackend(tensor(avgDivisors(spec, options), { shape: [spec.outH * spec.outW], dtype: x.dtype }), x.backend);
  // one pass over each window (sliding-window.ts), its backward one pass too
  const y = avgPool2dPrimitive(x, divisors, spec);
  return batched ? y : y.squeeze(0);
}

/** PyTorch's divisor per output position: the window clipped to the padded input, or to the input. */
function avgDivisors(spec: WindowSpec, options: AvgPool2dOptions): Float64Array {
  const out = new Float64Array(spec.outH * spec.outW);
  const override = options.divisorOverride ?? null;
  if (override !== null && (!Number.isFinite(override) || override === 0)) throw new Error(`avgPool2d: divisorOverride must be a non-zero number, got ${override}`);
  const countIncludePad = options.countIncludePad ?? true;
  for (let oh = 0; oh < spec.outH; oh++) {
    for (let ow = 0; ow < spec.outW; ow++) {
      let h0 = oh * spec.strideH - spec.padH;
      let w0 = ow * spec.strideW - spec.padW;
      let h1 = Math.min(h0 + spec.kernelH, spec.height + spec.padH);
      let w1 = Math.min(w0 + spec.kernelW, spec.width + spec.padW);
      const padded = (h1 - h0) * (w1 - w0);
      h0 = Math.max(h0, 0);
      w0 = Math.max(w0, 0);
      h1 = Math.min(h1, spec.height);
      w1 = Math.min(w1, spec.width);
      out[oh * spec.outW + ow] = override ?? (countIncludePad ? padded : (h1 - h0) * (w1 - w0));
    }
  }
  return out;
}

/**
 * 1-D average pooling over [N, C, L] (or [C, L]).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.avgPool1d(tensor([[[1, 3, 2, 0]]]), 2).toArray()); // [[[2, 1]]]
 * ```
 */
export function avgPool1d(input: Tensor, kernelSize: number, options: AvgPool1dOptions = {}): Tensor {
  checkRank("avgPool1d", input.shape, 1);
  const { stride, padding, ceilMode, countIncludePad } = options;
  const y = avgPool2d(input.unsqueeze(-2), [1, kernelSize], {
    stride: stride === undefined || stride === null ? null : [1, stride], padding: [0, padding ?? 0], ceilMode, countIncludePad,
  });
  return y.squeeze(-2);
}

/** [outSize, inSize] matrix averaging PyTorch's adaptive windows [⌊i·in/out⌋, ⌈(i+1)·in/out⌉). */
function adaptiveMatrix(inSize: number, outSize: number): Float64Array {
  const m = new Float64Array(outSize * inSize);
  for (let i = 0; i < outSize; i++) {
    const start = Math.floor((i * inSize) / outSize);
    const end = Math.ceil(((i + 1) * inSize) / outSize);
    for (let j = start; j < end; j++) m[i * inSize + j] = 1 / (end - start);
  }
  return m;
}

/**
 * Adaptive 2-D average pooling to `outputSize` (a number, or [h, w] where null keeps that
 * size), with PyTorch's windows. Averaging a window is separable, so it is two small matrix
 * products: along the width, then along the height.
 *
 * @example
 * ```ts
 * import { nn, arange } from "nabla";
 * const y = nn.functional.adaptiveAvgPool2d(arange(16).reshape([1, 1, 4, 4]), 1);
 * console.log(y.toArray()); // [[[[7.5]]]]
 * ```
 */
export function adaptiveAvgPool2d(input: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  checkRank("adaptiveAvgPool2d", input.shape, 2);
  const [height, width] = input.shape.slice(-2) as [number, number];
  const sizes = typeof outputSize === "number" ? [outputSize, outputSize] : [outputSize[0] ?? height, outputSize[1] ?? width];
  const [outH, outW] = expandSize("adaptiveAvgPool2d", "outputSize", sizes, 2, 1) as [number, number];
  if (height === 0 || width === 0) throw new Error(`adaptiveAvgPool2d: input ${formatShape(input.shape)} has an empty spatial dimension`);
  const lead = input.shape.slice(0, -2);
  const matrix = (n: number, m: number): Tensor => onBackend(tensor(adaptiveMatrix(n, m), { shape: [m, n], dtype: input.dtype }), input.backend);
  // rows · Pwᵀ: [planes·H, W] × [W, outW]; then transposed rows · Phᵀ: [planes·outW, H] × [H, outH]
  const alongWidth = mm(input.reshape([-1, width]), matrix(width, outW), false, true).reshape([-1, height, outW]);
  const alongHeight = mm(alongWidth.transpose(1, 2).reshape([-1, height]), matrix(height, outH), false, true);
  return alongHeight.reshape([...lead, outW, outH]).transpose(-1, -2).contiguous();
}
