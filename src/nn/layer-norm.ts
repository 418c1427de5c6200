import { ones, zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { groupNorm, layerNorm } from "./functional/normalization.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link LayerNorm}, as PyTorch's. */
export interface LayerNormModuleOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learn an element-wise scale `weight` (ones) and shift `bias` (default true). */
  elementwiseAffine?: boolean;
  /** With `elementwiseAffine`, learn the shift too (default true). */
  bias?: boolean;
  dtype?: DType;
}

/**
 * Layer normalization over the trailing dims `normalizedShape` (PyTorch's `LayerNorm`), with
 * `weight` (ones) and `bias` (zeros) of that shape.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const ln = new nn.LayerNorm(2);
 * console.log(ln.call(tensor([[1, 3]])).toArray().map((r) => (r as number[]).map(Math.round))); // [[-1, 1]]
 * ```
 */
export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  readonly eps: number;
  readonly elementwiseAffine: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  constructor(normalizedShape: number | readonly number[], options: LayerNormModuleOptions = {}) {
    super();
    this.normalizedShape = typeof normalizedShape === "number" ? [normalizedShape] : [...normalizedShape];
    if (this.normalizedShape.length === 0 || this.normalizedShape.some((d) => !Number.isInteger(d) || d < 1)) {
      throw new Error(`LayerNorm: normalizedShape must be positive integers, got ${JSON.stringify(normalizedShape)}`);
    }
    this.eps = options.eps ?? 1e-5;
    this.elementwiseAffine = options.elementwiseAffine ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.elementwiseAffine ? new Parameter(ones(this.normalizedShape, { dtype })) : null;
    this.bias = this.elementwiseAffine && options.bias !== false ? new Parameter(zeros(this.normalizedShape, { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    return layerNorm(x, this.normalizedShape, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${JSON.stringify(this.normalizedShape)}, eps=${this.eps}, elementwiseAffine=${this.elementwiseAffine}`;
  }
}

/**
 * Group normalization (PyTorch's `GroupNorm`): `numChannels` split into `numGroups` groups,
 * each standardised per sample, then a per-channel `weight` (ones) and `bias` (zeros).
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const gn = new nn.GroupNorm(2, 6);
 * console.log(gn.call(randn([3, 6, 4, 4])).shape, gn.weight!.shape); // [3, 6, 4, 4] [6]
 * ```
 */
export class GroupNorm extends Module {
  readonly eps: number;
  readonly affine: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  constructor(readonly numGroups: number, readonly numChannels: number, options: { eps?: number; affine?: boolean; dtype?: DType } = {}) {
    super();
    if (!Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) || numChannels % numGroups !== 0) {
      throw new Error(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numChannels], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numChannels], { dtype })) : null;
  }
  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new Error(`GroupNorm(${this.numGroups}, ${this.numChannels}): expected input [N, ${this.numChannels}, ...], got [${x.shape.join(", ")}]`);
    }
    return groupNorm(x, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }
  override extraRepr(): string {
    return `${this.numGroups}, ${this.numChannels}, eps=${this.eps}, affine=${this.affine}`;
  }
}
