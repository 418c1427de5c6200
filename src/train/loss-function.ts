import { BCEWithLogitsLoss, MSELoss } from "../nn/loss.js";
import { binaryCrossEntropyWithLogits } from "../nn/functional/binary-cross-entropy.js";
import { mseLoss } from "../nn/functional/mse-loss.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** A loss: a module such as `new nn.CrossEntropyLoss()` or a function such as `nn.functional.crossEntropy`. */
export type LossFunction = ((output: Tensor, target: Tensor) => Tensor) | {
  /** The loss of `output` against `target`: one number, as a 0-d tensor. */
  call(output: Tensor, target: Tensor): Tensor;
};

/** @internal Applies `loss`, requiring one number out (a reduced loss). */
export function computeLoss(op: string, loss: LossFunction, output: Tensor, target: Tensor): Tensor {
  const value = typeof loss === "function" ? loss(output, target) : loss.call(output, target);
  if (value.size !== 1) throw new Error(`${op}: the loss must be one number (reduction "mean" or "sum"), got shape ${formatShape(value.shape)}`);
  return value;
}

/** @internal Whether accuracy means anything for this loss (not for regression), and the threshold a single output is cut at. */
export function accuracyDefaults(loss: LossFunction): { enabled: boolean; threshold: number } {
  const regression = loss instanceof MSELoss || loss === mseLoss;
  const logits = loss instanceof BCEWithLogitsLoss || loss === binaryCrossEntropyWithLogits;
  return { enabled: !regression, threshold: logits ? 0 : 0.5 };
}
