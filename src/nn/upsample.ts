import type { Tensor } from "../tensor/tensor.js";
import { checkInterpolateMode, checkResizeArguments, interpolate, type InterpolateMode, type InterpolateOptions } from "./functional/interpolate.js";
import { Module } from "./module.js";

/**
 * Resizes [N, C, L] or [N, C, H, W] inputs to a fixed `size` or by `scaleFactor` (PyTorch's
 * `nn.Upsample`; {@link interpolate} does the work): a decoder's or a generator's way back up
 * to the input's resolution. It has no parameters.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const up = new nn.Upsample({ scaleFactor: 2, mode: "bilinear" });
 * console.log(up.call(zeros([1, 3, 8, 8])).shape); // [1, 3, 16, 16]
 * console.log(String(up)); // Upsample(scaleFactor=2, mode="bilinear")
 * ```
 */
export class Upsample extends Module {
  readonly size: number | readonly number[] | null;
  readonly scaleFactor: number | readonly number[] | null;
  readonly mode: InterpolateMode;
  readonly alignCorners: boolean | null;
  constructor(options: InterpolateOptions = {}) {
    super();
    const { size = null, scaleFactor = null, mode = "nearest", alignCorners = null } = options;
    this.mode = checkInterpolateMode("Upsample", mode, alignCorners, null);
    checkResizeArguments("Upsample", size, scaleFactor, null); // the input's spatial dims are checked at each call
    this.size = Array.isArray(size) ? [...(size as number[])] : size;
    this.scaleFactor = Array.isArray(scaleFactor) ? [...(scaleFactor as number[])] : scaleFactor;
    this.alignCorners = alignCorners;
  }
  forward(x: Tensor): Tensor {
    return interpolate(x, { size: this.size, scaleFactor: this.scaleFactor, mode: this.mode, alignCorners: this.alignCorners });
  }
  override extraRepr(): string {
    const what = this.scaleFactor !== null ? `scaleFactor=${JSON.stringify(this.scaleFactor)}` : `size=${JSON.stringify(this.size)}`;
    return `${what}, mode=${JSON.stringify(this.mode)}${this.alignCorners === null ? "" : `, alignCorners=${this.alignCorners}`}`;
  }
}
