import { noGrad } from "../autograd/grad-mode.js";
import { ones, zeros } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchNorm } from "./functional/normalization.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link BatchNorm1d} and {@link BatchNorm2d}, as PyTorch's. */
export interface BatchNormModuleOptions {
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Weight of each batch in the running statistics; null for a plain cumulative average (default 0.1). */
  momentum?: number | null;
  /** Learn a per-channel scale `weight` (ones) and shift `bias` (zeros) (default true). */
  affine?: boolean;
  /** Keep running statistics for eval mode (default true); without them eval uses batch statistics. */
  trackRunningStats?: boolean;
  dtype?: DType;
}

/** The shared body of BatchNorm1d and BatchNorm2d (PyTorch's `_BatchNorm`). */
abstract class BatchNormNd extends Module {
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly weight: Parameter | null;
  readonly bias: Parameter | null;
  declare runningMean: Tensor | null;
  declare runningVar: Tensor | null;
  declare numBatchesTracked: Tensor | null;

  constructor(readonly numFeatures: number, options: BatchNormModuleOptions) {
    super();
    const name = this.constructor.name;
    if (!Number.isInteger(numFeatures) || numFeatures < 1) throw new Error(`${name}: numFeatures must be a positive integer, got ${numFeatures}`);
    this.eps = options.eps ?? 1e-5;
    this.momentum = options.momentum === undefined ? 0.1 : options.momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    const dtype = options.dtype ?? "float32";
    this.weight = this.affine ? new Parameter(ones([numFeatures], { dtype })) : null;
    this.bias = this.affine ? new Parameter(zeros([numFeatures], { dtype })) : null;
    const tracked = this.trackRunningStats;
    this.registerBuffer("runningMean", tracked ? zeros([numFeatures], { dtype }) : null, { stateKey: "running_mean" });
    this.registerBuffer("runningVar", tracked ? ones([numFeatures], { dtype }) : null, { stateKey: "running_var" });
    // PyTorch saves it as int64; nabla's integer dtype is int32 (loading an I64 file converts)
    this.registerBuffer("numBatchesTracked", tracked ? zeros([], { dtype: "int32" }) : null, { stateKey: "num_batches_tracked" });
  }

  /** The input ranks this layer accepts, for its error message. */
  protected abstract checkInput(x: Tensor): void;

  forward(x: Tensor): Tensor {
    this.checkInput(x);
    if (x.shape[1] !== this.numFeatures) {
      throw new Error(`${this.constructor.name}(${this.numFeatures}): expected ${this.numFeatures} channels in dim 1, got input ${formatShape(x.shape)}`);
    }
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats && this.numBatchesTracked !== null) {
      noGrad(() => this.numBatchesTracked!.add_(1));
      if (this.momentum === null) factor = 1 / this.numBatchesTracked.item();
    }
    // training uses the batch's statistics (updating the running ones); eval the running ones if kept
    const useBatch = this.training || (this.runningMean === null && this.runningVar === null);
    const keep = !this.training || this.trackRunningStats;
    return batchNorm(x, keep ? this.runningMean : null, keep ? this.runningVar : null, {
      weight: this.weight, bias: this.bias, training: useBatch, momentum: factor, eps: this.eps,
    });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine}, trackRunningStats=${this.trackRunningStats}`;
  }
}

/**
 * Batch normalization over [N, C] or [N, C, L] (PyTorch's `BatchNorm1d`): `train()` mode
 * standardises with the batch's statistics and updates the buffers `runningMean`,
 * `runningVar` (unbiased) and `numBatchesTracked`; `eval()` mode uses the running ones.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const bn = new nn.BatchNorm1d(1);
 * bn.call(tensor([[1], [3]]));
 * console.log(bn.runningMean!.toArray(), bn.runningVar!.toArray()); // [0.2] [1.1]
 * console.log(Object.keys(bn.stateDict())); // ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
 * ```
 */
export class BatchNorm1d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options);
  }
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`BatchNorm1d(${this.numFeatures}): expected 2D or 3D input [N, C] or [N, C, L], got ${formatShape(x.shape)}`);
  }
}

/**
 * Batch normalization over [N, C, H, W] (PyTorch's `BatchNorm2d`), per channel; see {@link BatchNorm1d}.
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const bn = new nn.BatchNorm2d(16);
 * console.log(bn.call(randn([4, 16, 8, 8])).shape, bn.numBatchesTracked!.item()); // [4, 16, 8, 8] 1
 * ```
 */
export class BatchNorm2d extends BatchNormNd {
  constructor(numFeatures: number, options: BatchNormModuleOptions = {}) {
    super(numFeatures, options);
  }
  protected checkInput(x: Tensor): void {
    if (x.ndim !== 4) throw new Error(`BatchNorm2d(${this.numFeatures}): expected 4D input [N, C, H, W], got ${formatShape(x.shape)}`);
  }
}
