import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { reduce, type LossOptions } from "./reduction.js";
import { gatherChecked } from "../../ops/gather.js";
import { classIndices, type ClassTarget } from "./targets.js";

/** Input [N, C] or [C] (one sample), checked; returns it as [N, C] with N. */
function asBatch(op: string, input: Tensor): Tensor {
  if (input.ndim === 2) return input;
  if (input.ndim === 1) return input.unsqueeze(0);
  throw new Error(`${op}: expected input of shape [N, C] or [C], got ${formatShape(input.shape)}`);
}

/** A single sample's target (a number or 0-d tensor) as a batch of one. */
function asTargetBatch(target: ClassTarget | number): ClassTarget {
  if (typeof target === "number") return [target];
  return target instanceof Tensor && target.ndim === 0 ? target.reshape([1]) : target;
}

/**
 * Negative log-likelihood of class indices given log-probabilities `input` [N, C]:
 * −input[n, target[n]], reduced (mean by default).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const logProbs = tensor([[-0.1, -2.3], [-1.6, -0.2]]);
 * console.log(nn.functional.nllLoss(logProbs, [0, 1]).item()); // 0.15
 * ```
 */
export function nllLoss(input: Tensor, target: ClassTarget | number, options: LossOptions = {}): Tensor {
  const batch = asBatch("nllLoss", input);
  const [n, classes] = batch.shape as [number, number];
  const indices = classIndices("nllLoss", asTargetBatch(target), n, classes, batch);
  const picked = gatherChecked(batch, 1, indices.reshape([n, 1])).reshape(input.ndim === 1 ? [] : [n]);
  return reduce("nllLoss", picked.neg(), options.reduction);
}

/**
 * −Σ_c p_c·logSoftmax(x)_c per sample, for class probabilities `target` of the input's shape.
 * The target keeps its graph, as in PyTorch: dL/dp_c = −logSoftmax(x)_c (scaled by the reduction).
 */
function softTargetLosses(input: Tensor, target: Tensor): Tensor {
  const classAxis = input.ndim - 1;
  return input.logSoftmax(classAxis).mul(target.to(input.dtype)).sum(classAxis).neg();
}

/**
 * Cross-entropy of logits `input` [N, C] (or [C]) against class indices: the negative
 * log-likelihood of logSoftmax(input), which stays finite for any logits, unlike log(softmax).
 * A float `target` of the input's own shape is read as class probabilities (soft labels), as
 * in PyTorch, and gets a gradient too if it requires one (−logSoftmax(input), reduced).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const logits = tensor([[2, 0, -1], [0, 3, 0]]);
 * console.log(nn.functional.crossEntropy(logits, [0, 1]).item()); // ≈ 0.1324
 * ```
 */
export function crossEntropy(input: Tensor, target: ClassTarget | number, options: LossOptions = {}): Tensor {
  const batch = asBatch("crossEntropy", input);
  if (target instanceof Tensor && target.ndim === input.ndim && target.shape.every((d, i) => d === input.shape[i])) {
    return reduce("crossEntropy", softTargetLosses(input, target), options.reduction);
  }
  const [n, classes] = batch.shape as [number, number];
  const indices = classIndices("crossEntropy", asTargetBatch(target), n, classes, batch);
  const picked = gatherChecked(batch.logSoftmax(1), 1, indices.reshape([n, 1])).reshape(input.ndim === 1 ? [] : [n]);
  return reduce("crossEntropy", picked.neg(), options.reduction);
}
