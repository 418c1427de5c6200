import type { Tensor } from "../tensor/tensor.js";
import { adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from "./functional/pooling.js";
import type { Size2 } from "./functional/window-args.js";
import { Module } from "./module.js";

/** Options of {@link MaxPool2d} (PyTorch's `stride`, `padding`, `dilation`, `ceil_mode`). */
export interface MaxPool2dModuleOptions {
  /** Step between windows (default: kernelSize). */
  stride?: Size2 | null;
  /** Implicit −∞ padding, at most half the kernel (default 0). */
  padding?: Size2;
  dilation?: Size2;
  /** Round the output size up (default false). */
  ceilMode?: boolean;
}

/** Options of {@link AvgPool2d} (PyTorch's `stride`, `padding`, `ceil_mode`, `count_include_pad`, `divisor_override`). */
export interface AvgPool2dModuleOptions {
  stride?: Size2 | null;
  padding?: Size2;
  ceilMode?: boolean;
  /** Count padding zeros in the divisor (default true). */
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

/**
 * 2-D max pooling layer (PyTorch's `MaxPool2d`): the maximum of each window, in one pass.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(new nn.MaxPool2d(2).call(zeros([1, 16, 28, 28])).shape); // [1, 16, 14, 14]
 * ```
 */
export class MaxPool2d extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly dilation: Size2;
  readonly ceilMode: boolean;
  constructor(readonly kernelSize: Size2, options: MaxPool2dModuleOptions = {}) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}, dilation=${JSON.stringify(this.dilation)}, ceilMode=${this.ceilMode}`;
  }
}

/**
 * 2-D average pooling layer (PyTorch's `AvgPool2d`).
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * console.log(new nn.AvgPool2d(2).call(ones([1, 1, 4, 4])).toArray()); // [[[[1, 1], [1, 1]]]]
 * ```
 */
export class AvgPool2d extends Module {
  readonly stride: Size2;
  readonly padding: Size2;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;
  constructor(readonly kernelSize: Size2, options: AvgPool2dModuleOptions = {}) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
    this.divisorOverride = options.divisorOverride ?? null;
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad, divisorOverride } = this;
    return avgPool2d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad, divisorOverride });
  }
  override extraRepr(): string {
    return `kernelSize=${JSON.stringify(this.kernelSize)}, stride=${JSON.stringify(this.stride)}, padding=${JSON.stringify(this.padding)}`;
  }
}

/**
 * Adaptive 2-D average pooling to a fixed output size (PyTorch's windows), whatever the input size.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * console.log(new nn.AdaptiveAvgPool2d([2, 1]).call(ones([3, 8, 5, 7])).shape); // [3, 8, 2, 1]
 * ```
 */
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: number | readonly [number | null, number | null]) {
    super();
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override extraRepr(): string {
    return `outputSize=${JSON.stringify(this.outputSize)}`;
  }
}

/**
 * 1-D max pooling layer over [N, C, L].
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.MaxPool1d(2).call(tensor([[[1, 4, 2, 3]]])).toArray()); // [[[4, 3]]]
 * ```
 */
export class MaxPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly ceilMode: boolean;
  constructor(readonly kernelSize: number, options: { stride?: number | null; padding?: number; dilation?: number; ceilMode?: boolean } = {}) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.dilation = options.dilation ?? 1;
    this.ceilMode = options.ceilMode ?? false;
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize, { stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode });
  }
  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}, dilation=${this.dilation}, ceilMode=${this.ceilMode}`;
  }
}

/**
 * 1-D average pooling layer over [N, C, L].
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.AvgPool1d(2).call(tensor([[[1, 3, 2, 4]]])).toArray()); // [[[2, 3]]]
 * ```
 */
export class AvgPool1d extends Module {
  readonly stride: number;
  readonly padding: number;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  constructor(readonly kernelSize: number, options: { stride?: number | null; padding?: number; ceilMode?: boolean; countIncludePad?: boolean } = {}) {
    super();
    this.stride = options.stride ?? kernelSize;
    this.padding = options.padding ?? 0;
    this.ceilMode = options.ceilMode ?? false;
    this.countIncludePad = options.countIncludePad ?? true;
  }
  forward(x: Tensor): Tensor {
    const { stride, padding, ceilMode, countIncludePad } = this;
    return avgPool1d(x, this.kernelSize, { stride, padding, ceilMode, countIncludePad });
  }
  override extraRepr(): string {
    return `kernelSize=${this.kernelSize}, stride=${this.stride}, padding=${this.padding}`;
  }
}
