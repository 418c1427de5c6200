import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/**
 * Splits dim `dim` into `sizes` (PyTorch's `nn.Unflatten`; one size may be −1, inferred), the
 * inverse of {@link Flatten}.
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(new nn.Unflatten(1, [1, 28, 28]).call(zeros([8, 784])).shape); // [8, 1, 28, 28]
 * ```
 */
export class Unflatten extends Module {
  readonly sizes: number[];
  constructor(
    readonly dim: number,
    sizes: readonly number[],
  ) {
    super();
    if (!Number.isInteger(dim)) throw new Error(`Unflatten: dim must be an integer, got ${dim}`);
    if (!Array.isArray(sizes) || sizes.length === 0 || sizes.some((s) => !Number.isInteger(s) || s < -1) || sizes.filter((s) => s === -1).length > 1) {
      throw new Error(`Unflatten: sizes must be a non-empty list of non-negative integers with at most one -1, got ${JSON.stringify(sizes)}`);
    }
    this.sizes = [...sizes];
  }
  forward(x: Tensor): Tensor {
    const d = this.dim < 0 ? this.dim + x.ndim : this.dim;
    const known = this.sizes.filter((s) => s !== -1).reduce((a, b) => a * b, 1);
    const extent = x.shape[d];
    const fits = extent !== undefined && d >= 0 && (this.sizes.includes(-1) ? known > 0 && extent % known === 0 : known === extent);
    if (!fits) {
      const what = extent === undefined || d < 0 ? `dim ${this.dim} is out of range for input ${formatShape(x.shape)}` : `sizes ${formatShape(this.sizes)} do not multiply to ${extent}, the size of dim ${this.dim} of input ${formatShape(x.shape)}`;
      throw new Error(`Unflatten(dim=${this.dim}, sizes=${formatShape(this.sizes)}): ${what}`);
    }
    return x.unflatten(this.dim, this.sizes);
  }
  override extraRepr(): string {
    return `dim=${this.dim}, sizes=${formatShape(this.sizes)}`;
  }
}
