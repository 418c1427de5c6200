import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { conv1d, conv2d, convTranspose2d } from "./functional/conv.js";
import { padPlanes, type PaddingMode } from "./functional/pad-planes.js";
import { expandSize, type Size2 } from "./functional/window-args.js";
import { uniform, type InitOptions } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

export type { PaddingMode };

export interface Conv2dModuleOptions extends InitOptions {
  /** Step between windows (default 1). */
  stride?: Size2;
  /** Padding on both sides, or "valid" (none) or "same" (output as large as the input; stride 1). Default 0. */
  padding?: Size2 | "same" | "valid";
  /** Spacing between kernel taps (default 1). */
  dilation?: Size2;
  /** Independent channel groups; both channel counts must divide by it (default 1). */
  groups?: number;
  /** Learn an additive bias per output channel (default true). */
  bias?: boolean;
  /** What the padding holds: zeros (default) or a reflected, replicated or wrapped-around copy of the edge. */
  paddingMode?: PaddingMode;
}

export interface Conv1dModuleOptions extends InitOptions {
  stride?: number;
  padding?: number | "same" | "valid";
  dilation?: number;
  groups?: number;
  bias?: boolean;
  paddingMode?: PaddingMode;
}

/** The shared body of Conv1d and Conv2d: a 2-D convolution, height 1 for the 1-D case. */
abstract class ConvNd extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | "same" | "valid";
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: PaddingMode;

  constructor(
    private readonly spatial: 1 | 2,
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: Conv2dModuleOptions,
  ) {
    super();
    const name = `Conv${spatial}d`;
    this.groups = checkChannels(name, inChannels, outChannels, options.groups ?? 1);
    this.kernelSize = expandSize(name, "kernelSize", kernelSize, spatial, 1);
    this.stride = expandSize(name, "stride", options.stride ?? 1, spatial, 1);
    this.dilation = expandSize(name, "dilation", options.dilation ?? 1, spatial, 1);
    const padding = options.padding ?? 0;
    this.padding = typeof padding === "string" ? padding : expandSize(name, "padding", padding, spatial, 0);
    if (padding !== "same" && padding !== "valid" && typeof padding === "string") throw new Error(`${name}: padding must be a size, "same" or "valid", got "${padding as string}"`);
    if (padding === "same" && this.stride.some((s) => s !== 1)) throw new Error(`${name}: padding "same" is not supported for strided convolutions (stride ${JSON.stringify(options.stride)})`);
    this.paddingMode = options.paddingMode ?? "zeros";
    if (!["zeros", "reflect", "replicate", "circular"].includes(this.paddingMode)) {
      throw new Error(`${name}: paddingMode must be "zeros", "reflect", "replicate" or "circular", got "${this.paddingMode}"`);
    }
    // PyTorch's default: kaiming_uniform_(a=√5), which is U(−1/√fanIn, 1/√fanIn), and the same bound for the bias
    const fanIn = (inChannels / this.groups) * this.kernelSize.reduce((a, b) => a * b, 1);
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = new Parameter(uniform([outChannels, inChannels / this.groups, ...this.kernelSize], -bound, bound, options));
    this.bias = options.bias === false ? null : new Parameter(uniform([outChannels], -bound, bound, options));
  }

  forward(input: Tensor): Tensor {
    const name = `Conv${this.spatial}d`;
    const channelAxis = input.ndim - this.spatial - 1;
    if ((input.ndim !== this.spatial + 1 && input.ndim !== this.spatial + 2) || input.shape[channelAxis] !== this.inChannels) {
      const expected = this.spatial === 2 ? `[N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W]` : `[N, ${this.inChannels}, L] or [${this.inChannels}, L]`;
      throw new Error(`${name}(${this.inChannels}, ${this.outChannels}): expected input ${expected}, got ${formatShape(input.shape)} (weight ${formatShape(this.weight.shape)})`);
    }
    const lift = (v: number[]): [number, number] => (this.spatial === 2 ? [v[0]!, v[1]!] : [1, v[0]!]);
    let x = input;
    let padding: number[] | "same" | "valid" = this.padding;
    if (this.paddingMode !== "zeros" && padding !== "valid") {
      // the edge copy is made first, then the convolution runs unpadded (PyTorch's order)
      const kernel = lift(this.kernelSize);
      const dilation = lift(this.dilation);
      const pads = padding === "same"
        ? kernel.map((k, i) => dilation[i]! * (k - 1)).map((t) => [Math.floor(t / 2), t - Math.floor(t / 2)] as [number, number])
        : lift(padding).map((p) => [p, p] as [number, number]);
      x = this.spatial === 1 ? padPlanes(name, x.unsqueeze(-2), pads[0]!, pads[1]!, this.paddingMode).squeeze(-2) : padPlanes(name, x, pads[0]!, pads[1]!, this.paddingMode);
      padding = this.spatial === 2 ? [0, 0] : [0];
    }
    const { groups } = this;
    if (this.spatial === 1) {
      const pad1 = typeof padding === "string" ? padding : padding[0]!;
      return conv1d(x, this.weight, this.bias, { stride: this.stride[0]!, padding: pad1, dilation: this.dilation[0]!, groups });
    }
    return conv2d(x, this.weight, this.bias, { stride: lift(this.stride), padding: typeof padding === "string" ? padding : lift(padding), dilation: lift(this.dilation), groups });
  }

  override extraRepr(): string {
    const parts = [`${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}`, `stride=${JSON.stringify(this.stride)}`];
    if (this.padding === "same" || this.padding === "valid" || this.padding.some((p) => p !== 0)) parts.push(`padding=${JSON.stringify(this.padding)}`);
    if (this.dilation.some((d) => d !== 1)) parts.push(`dilation=${JSON.stringify(this.dilation)}`);
    if (this.groups !== 1) parts.push(`groups=${this.groups}`);
    if (this.bias === null) parts.push("bias=false");
    if (this.paddingMode !== "zeros") parts.push(`paddingMode=${this.paddingMode}`);
    return parts.join(", ");
  }
}

/** Checks a convolution's channel counts and groups (positive, channels divisible by groups); returns groups. */
function checkChannels(name: string, inChannels: number, outChannels: number, groups: number): number {
  for (const [field, value] of [["inChannels", inChannels], ["outChannels", outChannels], ["groups", groups]] as const) {
    if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: ${field} must be a positive integer, got ${value}`);
  }
  if (inChannels % groups !== 0) throw new Error(`${name}: inChannels (${inChannels}) must be divisible by groups (${groups})`);
  if (outChannels % groups !== 0) throw new Error(`${name}: outChannels (${outChannels}) must be divisible by groups (${groups})`);
  return groups;
}

/**
 * 2-D convolution layer over [N, C, H, W] with PyTorch's parameters: `weight` [out, in / groups,
 * kh, kw] and `bias` [out], both drawn from U(−1/√fanIn, 1/√fanIn) (PyTorch's kaiming-uniform
 * default, fanIn = in / groups · kh · kw).
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const conv = new nn.Conv2d(1, 16, 5, { padding: 2 });
 * console.log(conv.weight.shape, conv.call(zeros([8, 1, 28, 28])).shape); // [16, 1, 5, 5] [8, 16, 28, 28]
 * ```
 */
export class Conv2d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: Size2, options: Conv2dModuleOptions = {}) {
    super(2, inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 1-D convolution layer over [N, C, L]: `weight` [out, in / groups, k], `bias` [out].
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const conv = new nn.Conv1d(4, 8, 3, { padding: "same" });
 * console.log(conv.weight.shape, conv.call(zeros([2, 4, 10])).shape); // [8, 4, 3] [2, 8, 10]
 * ```
 */
export class Conv1d extends ConvNd {
  constructor(inChannels: number, outChannels: number, kernelSize: number, options: Conv1dModuleOptions = {}) {
    super(1, inChannels, outChannels, kernelSize, options);
  }
}

export interface ConvTranspose2dModuleOptions extends InitOptions {
  stride?: Size2;
  padding?: Size2;
  /** Extra output rows/columns on one side (smaller than stride or dilation; default 0). */
  outputPadding?: Size2;
  groups?: number;
  bias?: boolean;
  dilation?: Size2;
}

/**
 * 2-D transposed convolution layer (PyTorch's `ConvTranspose2d`, zero padding): `weight`
 * [in, out / groups, kh, kw] and `bias` [out], drawn from U(−1/√fanIn, 1/√fanIn) with PyTorch's
 * fanIn = out / groups · kh · kw.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const up = new nn.ConvTranspose2d(16, 8, 2, { stride: 2 });
 * console.log(up.weight.shape, up.call(zeros([1, 16, 7, 7])).shape); // [16, 8, 2, 2] [1, 8, 14, 14]
 * ```
 */
export class ConvTranspose2d extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[];
  readonly outputPadding: number[];
  readonly dilation: number[];
  readonly groups: number;

  constructor(
    readonly inChannels: number,
    readonly outChannels: number,
    kernelSize: Size2,
    options: ConvTranspose2dModuleOptions = {},
  ) {
    super();
    const name = "ConvTranspose2d";
    this.groups = checkChannels(name, inChannels, outChannels, options.groups ?? 1);
    this.kernelSize = expandSize(name, "kernelSize", kernelSize, 2, 1);
    this.stride = expandSize(name, "stride", options.stride ?? 1, 2, 1);
    this.padding = expandSize(name, "padding", options.padding ?? 0, 2, 0);
    this.outputPadding = expandSize(name, "outputPadding", options.outputPadding ?? 0, 2, 0);
    this.dilation = expandSize(name, "dilation", options.dilation ?? 1, 2, 1);
    const fanIn = (outChannels / this.groups) * this.kernelSize[0]! * this.kernelSize[1]!;
    const bound = 1 / Math.sqrt(fanIn);
    this.weight = new Parameter(uniform([inChannels, outChannels / this.groups, ...this.kernelSize], -bound, bound, options));
    this.bias = options.bias === false ? null : new Parameter(uniform([outChannels], -bound, bound, options));
  }

  forward(input: Tensor): Tensor {
    const channelAxis = input.ndim - 3;
    if ((input.ndim !== 3 && input.ndim !== 4) || input.shape[channelAxis] !== this.inChannels) {
      throw new Error(`ConvTranspose2d(${this.inChannels}, ${this.outChannels}): expected input [N, ${this.inChannels}, H, W] or [${this.inChannels}, H, W], got ${formatShape(input.shape)} (weight ${formatShape(this.weight.shape)})`);
    }
    const pair = (v: number[]): [number, number] => [v[0]!, v[1]!];
    return convTranspose2d(input, this.weight, this.bias, {
      stride: pair(this.stride), padding: pair(this.padding), outputPadding: pair(this.outputPadding), groups: this.groups, dilation: pair(this.dilation),
    });
  }

  override extraRepr(): string {
    return `${this.inChannels}, ${this.outChannels}, kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}`;
  }
}
