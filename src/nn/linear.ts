import type { Tensor } from "../tensor/tensor.js";
import { linear } from "./functional/linear.js";
import { uniform, type InitOptions } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link Linear}: whether it has a bias, and the dtype and generator of its initial weights. */
export interface LinearOptions extends InitOptions {
  /** Learn an additive bias (default true). */
  bias?: boolean;
}

/**
 * The affine map y = x Wᵀ + b, with `weight` W of shape [outFeatures, inFeatures] and `bias` b
 * of shape [outFeatures], both drawn from U(−1/√in, 1/√in) as PyTorch does.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const layer = new nn.Linear(3, 2);
 * console.log(layer.weight.shape, layer.call(ones([4, 3])).shape); // [2, 3] [4, 2]
 * ```
 */
export class Linear extends Module {
  readonly weight: Parameter;
  readonly bias: Parameter | null;

  constructor(
    readonly inFeatures: number,
    readonly outFeatures: number,
    options: LinearOptions = {},
  ) {
    super();
    for (const [name, value] of [["inFeatures", inFeatures], ["outFeatures", outFeatures]] as const) {
      if (!Number.isInteger(value) || value < 0) throw new Error(`Linear: ${name} must be a non-negative integer, got ${value}`);
    }
    const bound = inFeatures > 0 ? 1 / Math.sqrt(inFeatures) : 0;
    this.weight = new Parameter(uniform([outFeatures, inFeatures], -bound, bound, options));
    this.bias = options.bias === false ? null : new Parameter(uniform([outFeatures], -bound, bound, options));
  }

  forward(x: Tensor): Tensor {
    return linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `inFeatures=${this.inFeatures}, outFeatures=${this.outFeatures}, bias=${this.bias !== null}`;
  }
}
