/**
 * Losses as modules: each holds its options and calls the function of the same name. Class and
 * element weights are buffers, saved in `stateDict()` under PyTorch's keys (`weight`, `pos_weight`).
 */
import type { Tensor } from "../tensor/tensor.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits, type BinaryCrossEntropyOptions, type BinaryCrossEntropyWithLogitsOptions } from "./functional/binary-cross-entropy.js";
import { crossEntropy, nllLoss, type CrossEntropyOptions, type NLLLossOptions } from "./functional/cross-entropy.js";
import { huberLoss, type HuberLossOptions } from "./functional/huber-loss.js";
import { klDiv, type KLDivOptions } from "./functional/kl-div.js";
import { l1Loss } from "./functional/l1-loss.js";
import { mseLoss } from "./functional/mse-loss.js";
import type { LossOptions, Reduction } from "./functional/reduction.js";
import { smoothL1Loss, type SmoothL1LossOptions } from "./functional/smooth-l1-loss.js";
import type { ClassTarget } from "./functional/targets.js";
import { Module } from "./module.js";

abstract class Loss<Target, R extends string = Reduction> extends Module<[Tensor, Target], Tensor> {
  readonly reduction: R;
  constructor(options: { reduction?: R } = {}) {
    super();
    this.reduction = options.reduction ?? ("mean" as R);
  }
  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/** A loss with an optional per-class or per-element `weight` buffer (PyTorch's `_WeightedLoss`). */
abstract class WeightedLoss<Target> extends Loss<Target> {
  declare weight: Tensor | null;
  constructor(options: LossOptions & { weight?: Tensor | null }) {
    super(options);
    this.registerBuffer("weight", options.weight?.detach() ?? null);
  }
}

/**
 * Cross-entropy between logits [N, C] and class indices [N] or class probabilities, with
 * `weight`, `ignoreIndex` and `labelSmoothing` (see `nn.functional.crossEntropy`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const loss = new nn.CrossEntropyLoss();
 * console.log(loss.call(tensor([[2, 0, -1]]), [0]).item()); // ≈ 0.1698
 * const smoothed = new nn.CrossEntropyLoss({ labelSmoothing: 0.1, ignoreIndex: 1 });
 * console.log(smoothed.call(tensor([[2, 0, -1], [0, 3, 0]]), [0, 1]).item()); // ≈ 0.3365
 * ```
 */
export class CrossEntropyLoss extends WeightedLoss<ClassTarget | number> {
  readonly ignoreIndex: number;
  readonly labelSmoothing: number;
  constructor(options: CrossEntropyOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
    this.labelSmoothing = options.labelSmoothing ?? 0;
  }
  forward(input: Tensor, target: ClassTarget | number): Tensor {
    const { weight, ignoreIndex, labelSmoothing, reduction } = this;
    return crossEntropy(input, target, { weight, ignoreIndex, labelSmoothing, reduction });
  }
}

/**
 * Negative log-likelihood of class indices given log-probabilities, with `weight` and
 * `ignoreIndex` (see `nn.functional.nllLoss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.NLLLoss().call(tensor([[-0.5, -1]]), [1]).item()); // 1
 * ```
 */
export class NLLLoss extends WeightedLoss<ClassTarget | number> {
  readonly ignoreIndex: number;
  constructor(options: NLLLossOptions = {}) {
    super(options);
    this.ignoreIndex = options.ignoreIndex ?? -100;
  }
  forward(input: Tensor, target: ClassTarget | number): Tensor {
    const { weight, ignoreIndex, reduction } = this;
    return nllLoss(input, target, { weight, ignoreIndex, reduction });
  }
}

/**
 * Binary cross-entropy of probabilities (see `nn.functional.binaryCrossEntropy`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.BCELoss().call(tensor([0.5]), tensor([1])).item()); // ≈ 0.6931
 * ```
 */
export class BCELoss extends WeightedLoss<Tensor> {
  constructor(options: BinaryCrossEntropyOptions = {}) {
    super(options);
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { weight: this.weight, reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy of logits, stable for any logit, with `weight` and `posWeight` (see
 * `nn.functional.binaryCrossEntropyWithLogits`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.BCEWithLogitsLoss().call(tensor([0]), tensor([1])).item()); // ≈ 0.6931
 * const loss = new nn.BCEWithLogitsLoss({ posWeight: tensor([3]) });
 * console.log(Object.keys(loss.stateDict())); // ["pos_weight"]
 * ```
 */
export class BCEWithLogitsLoss extends WeightedLoss<Tensor> {
  declare posWeight: Tensor | null;
  constructor(options: BinaryCrossEntropyWithLogitsOptions = {}) {
    super(options);
    this.registerBuffer("posWeight", options.posWeight?.detach() ?? null, { stateKey: "pos_weight" });
  }
  forward(input: Tensor, target: Tensor): Tensor {
    const { weight, posWeight, reduction } = this;
    return binaryCrossEntropyWithLogits(input, target, { weight, posWeight, reduction });
  }
}

/**
 * Mean squared error (see `nn.functional.mseLoss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.MSELoss().call(tensor([1, 2]), tensor([1, 4])).item()); // 2
 * ```
 */
export class MSELoss extends Loss<Tensor> {
  forward(input: Tensor, target: Tensor): Tensor {
    return mseLoss(input, target, { reduction: this.reduction });
  }
}

/**
 * Mean absolute error (see `nn.functional.l1Loss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.L1Loss().call(tensor([1, 2]), tensor([1, 4])).item()); // 1
 * ```
 */
export class L1Loss extends Loss<Tensor> {
  forward(input: Tensor, target: Tensor): Tensor {
    return l1Loss(input, target, { reduction: this.reduction });
  }
}

/**
 * Smooth L1 error, quadratic below `beta` (see `nn.functional.smoothL1Loss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.SmoothL1Loss({ beta: 0.5 }).call(tensor([0, 2]), tensor([0.25, 0])).item()); // 0.90625
 * ```
 */
export class SmoothL1Loss extends Loss<Tensor> {
  readonly beta: number;
  constructor(options: SmoothL1LossOptions = {}) {
    super(options);
    this.beta = options.beta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return smoothL1Loss(input, target, { reduction: this.reduction, beta: this.beta });
  }
}

/**
 * Huber error, quadratic below `delta` (see `nn.functional.huberLoss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.HuberLoss({ delta: 2 }).call(tensor([0, 3]), tensor([1, 0])).item()); // 2.25
 * ```
 */
export class HuberLoss extends Loss<Tensor> {
  readonly delta: number;
  constructor(options: HuberLossOptions = {}) {
    super(options);
    this.delta = options.delta ?? 1;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return huberLoss(input, target, { reduction: this.reduction, delta: this.delta });
  }
}

/**
 * Kullback–Leibler divergence of log-probabilities from a target distribution (see
 * `nn.functional.klDiv`); `reduction: "batchmean"` gives the divergence per sample.
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const loss = new nn.KLDivLoss({ reduction: "batchmean", logTarget: true });
 * console.log(loss.call(tensor([[-1, -2]]), tensor([[-1, -2]])).item()); // 0
 * ```
 */
export class KLDivLoss extends Loss<Tensor, NonNullable<KLDivOptions["reduction"]>> {
  readonly logTarget: boolean;
  constructor(options: KLDivOptions = {}) {
    super(options);
    this.logTarget = options.logTarget ?? false;
  }
  forward(input: Tensor, target: Tensor): Tensor {
    return klDiv(input, target, { reduction: this.reduction, logTarget: this.logTarget });
  }
}
