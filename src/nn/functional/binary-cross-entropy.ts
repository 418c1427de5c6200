/**
 * Binary cross-entropy on probabilities and on logits. Both carry their own backward rule, for
 * numerical stability: autograd through clamp(log p) gives 0·∞ = NaN where p is exactly 0 or 1
 * (float32 sigmoid saturates at |x| ≈ 17), and through max(x, 0) + log(1 + e^−|x|) a wrong
 * derivative at the kink x = 0. The closed forms below are PyTorch's.
 */
import { record } from "../../autograd/grad-fn.js";
import { noGrad } from "../../autograd/grad-mode.js";
import type { Tensor } from "../../tensor/tensor.js";
import { rsub } from "../../ops/binary.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkProbabilities, checkSameShape } from "./targets.js";

/** PyTorch clamps log at −100 so that p = 0 costs 100, not infinity. */
const LOG_FLOOR = -100;
/** PyTorch's floor on p(1 − p) in the gradient: 1e-12 as a float32 constant, as PyTorch stores it. */
const GRAD_EPS = Math.fround(1e-12);

/**
 * −[y·log p + (1 − y)·log(1 − p)] for probabilities `input` and targets in [0, 1] of the same
 * shape, each log clamped at −100 as PyTorch does; reduced (mean by default).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.binaryCrossEntropy(tensor([0.9, 0.2]), tensor([1, 0])).item()); // ≈ 0.1643
 * ```
 */
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape("binaryCrossEntropy", input, target);
  checkProbabilities("binaryCrossEntropy", "input", input);
  checkProbabilities("binaryCrossEntropy", "target", target);
  const p = input;
  const y = target.to(p.dtype);
  const [notP, logRatio, losses] = noGrad(() => {
    const notP = rsub(1, p);
    const logNotP = notP.log().clamp(LOG_FLOOR);
    // −[y·log p + (1 − y)·log(1 − p)] = y·(log(1 − p) − log p) − log(1 − p): three ops, not five
    const logRatio = logNotP.sub(p.log().clamp(LOG_FLOOR));
    return [notP, logRatio, y.mul(logRatio).sub(logNotP)] as const;
  });
  // dL/dp = (p − y) / max(p(1 − p), ε); dL/dy = log(1 − p) − log p, both logs clamped (PyTorch gives ±∞ at p ∈ {0, 1})
  const recorded = record(losses, "binaryCrossEntropy", [p, y], (dy) => [
    p.requiresGrad ? dy.mul(p.sub(y)).div(p.mul(notP).clamp(GRAD_EPS)) : null,
    y.requiresGrad ? dy.mul(logRatio) : null,
  ]);
  return reduce("binaryCrossEntropy", recorded, options.reduction);
}

/**
 * Binary cross-entropy of σ(`input`) computed from the logits directly, as
 * max(x, 0) − x·y + log(1 + e^−|x|): finite and exact for logits of ±1000.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([1, 0])).item()); // 0
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: LossOptions = {}): Tensor {
  checkSameShape("binaryCrossEntropyWithLogits", input, target);
  checkProbabilities("binaryCrossEntropyWithLogits", "target", target);
  const x = input;
  const y = target.to(x.dtype);
  const losses = noGrad(() => x.relu().sub(x.mul(y)).add(x.abs().neg().exp().add(1).log()));
  // dL/dx = σ(x) − y; dL/dy = −x
  const recorded = record(losses, "binaryCrossEntropyWithLogits", [x, y], (dy) => [
    x.requiresGrad ? dy.mul(x.sigmoid().sub(y)) : null,
    y.requiresGrad ? dy.mul(x.neg()) : null,
  ]);
  return reduce("binaryCrossEntropyWithLogits", recorded, options.reduction);
}
