/** Losses as modules: each holds its reduction and calls the function of the same name. */
import type { Tensor } from "../tensor/tensor.js";
import { binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./functional/binary-cross-entropy.js";
import { crossEntropy, nllLoss } from "./functional/cross-entropy.js";
import { mseLoss } from "./functional/mse-loss.js";
import type { LossOptions, Reduction } from "./functional/reduction.js";
import type { ClassTarget } from "./functional/targets.js";
import { Module } from "./module.js";

abstract class Loss<Target> extends Module<[Tensor, Target], Tensor> {
  readonly reduction: Reduction;
  constructor(options: LossOptions = {}) {
    super();
    this.reduction = options.reduction ?? "mean";
  }
  override extraRepr(): string {
    return `reduction=${this.reduction}`;
  }
}

/**
 * Cross-entropy between logits [N, C] and class indices [N] (see `nn.functional.crossEntropy`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const loss = new nn.CrossEntropyLoss();
 * console.log(loss.call(tensor([[2, 0, -1]]), [0]).item()); // ≈ 0.1698
 * ```
 */
export class CrossEntropyLoss extends Loss<ClassTarget | number> {
  forward(input: Tensor, target: ClassTarget | number): Tensor {
    return crossEntropy(input, target, { reduction: this.reduction });
  }
}

/**
 * Negative log-likelihood of class indices given log-probabilities (see `nn.functional.nllLoss`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.NLLLoss().call(tensor([[-0.5, -1]]), [1]).item()); // 1
 * ```
 */
export class NLLLoss extends Loss<ClassTarget | number> {
  forward(input: Tensor, target: ClassTarget | number): Tensor {
    return nllLoss(input, target, { reduction: this.reduction });
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
export class BCELoss extends Loss<Tensor> {
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropy(input, target, { reduction: this.reduction });
  }
}

/**
 * Binary cross-entropy of logits, stable for any logit (see `nn.functional.binaryCrossEntropyWithLogits`).
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(new nn.BCEWithLogitsLoss().call(tensor([0]), tensor([1])).item()); // ≈ 0.6931
 * ```
 */
export class BCEWithLogitsLoss extends Loss<Tensor> {
  forward(input: Tensor, target: Tensor): Tensor {
    return binaryCrossEntropyWithLogits(input, target, { reduction: this.reduction });
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
