/**
 * Binary cross-entropy on probabilities and on logits. Both carry their own backward rule, for
 * numerical stability: autograd through clamp(log p) gives 0·∞ = NaN where p is exactly 0 or 1
 * (float32 sigmoid saturates at |x| ≈ 17), and through max(x, 0) + log(1 + e^−|x|) a wrong
 * derivative at the kink x = 0. The closed forms below are PyTorch's.
 */
import { record } from "../../autograd/grad-fn.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { rsub } from "../../ops/binary.js";
import { intoTemporary } from "../../ops/in-place.js";
import { reduce, type LossOptions } from "./reduction.js";
import { checkProbabilities, checkSameShape } from "./targets.js";

/** Options of {@link binaryCrossEntropy} (PyTorch's `weight`, `reduction`). */
export interface BinaryCrossEntropyOptions extends LossOptions {
  /** A weight per element, broadcast to the input's shape: each element's loss is scaled by it (not learned). */
  weight?: Tensor | null;
}

/** Options of {@link binaryCrossEntropyWithLogits} (PyTorch's `weight`, `pos_weight`, `reduction`). */
export interface BinaryCrossEntropyWithLogitsOptions extends BinaryCrossEntropyOptions {
  /**
   * A weight on the positive term, broadcast to the input's shape (typically one per class, [C]):
   * L = −[p·y·log σ(x) + (1 − y)·log(1 − σ(x))]; p > 1 raises recall (not learned).
   */
  posWeight?: Tensor | null;
}

/** `weight` checked to broadcast to the input's shape (never enlarging it), detached, in its dtype. */
function elementWeight(op: string, name: string, weight: Tensor | null | undefined, input: Tensor): Tensor | null {
  if (weight === null || weight === undefined) return null;
  if (!(weight instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${typeof weight}`);
  const offset = input.ndim - weight.ndim;
  if (offset < 0 || weight.shape.some((d, i) => d !== 1 && d !== input.shape[offset + i])) {
    throw new Error(`${op}: ${name} of shape ${formatShape(weight.shape)} does not broadcast to the input's shape ${formatShape(input.shape)}`);
  }
  return weight.detach().to(input.dtype);
}

/** Scales per-element losses by `weight` (through autograd: a product with a constant). */
function weighted(losses: Tensor, weight: Tensor | null): Tensor {
  return weight === null ? losses : losses.mul(weight);
}

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
export function binaryCrossEntropy(input: Tensor, target: Tensor, options: BinaryCrossEntropyOptions = {}): Tensor {
  checkSameShape("binaryCrossEntropy", input, target);
  const weight = elementWeight("binaryCrossEntropy", "weight", options.weight, input);
  // inside: every p was seen in [1e-11, 1 − 1e-11] (false where the values stay on a device)
  const inside = checkProbabilities("binaryCrossEntropy", "input", input);
  checkProbabilities("binaryCrossEntropy", "target", target);
  const p = input;
  const y = target.to(p.dtype);
  // No clamp below can bind for p inside (log p, log(1 − p) > −26 > −100; p(1 − p) ≥ 5e-12 >
  // ε): leaving them out then gives the same values, three passes fewer on every step.
  const [notP, logRatio, losses] = noGrad(() => {
    const notP = rsub(1, p);
    const logNotP = inside ? notP.log() : notP.log().clamp(LOG_FLOOR);
    // −[y·log p + (1 − y)·log(1 − p)] = y·(log(1 − p) − log p) − log(1 − p): three ops, not five
    const logRatio = logNotP.sub(inside ? p.log() : p.log().clamp(LOG_FLOOR));
    return [notP, logRatio, intoTemporary("sub", y.mul(logRatio), logNotP)] as const;
  });
  // dL/dp = (p − y) / max(p(1 − p), ε); dL/dy = log(1 − p) − log p, both logs clamped (PyTorch gives ±∞ at p ∈ {0, 1})
  const recorded = record(losses, "binaryCrossEntropy", [p, y], (dy) => {
    const spread = p.requiresGrad ? p.mul(notP) : null;
    return [
      // in the buffer of p − y: two buffers per step, not four
      spread !== null ? intoTemporary("div", intoTemporary("mul", p.sub(y), dy), inside ? spread : spread.clamp(GRAD_EPS)) : null,
      y.requiresGrad ? dy.mul(logRatio) : null,
    ];
  });
  return reduce("binaryCrossEntropy", weighted(recorded, weight), options.reduction);
}

/**
 * Binary cross-entropy of σ(`input`) computed from the logits directly, as
 * (1 − y)·x + (1 + (p − 1)·y)·log(1 + e^−x), with log(1 + e^−x) = max(−x, 0) + log(1 + e^−|x|):
 * finite and exact for logits of ±1000. `posWeight` p weighs the positive term, `weight` every
 * element, both broadcast to the input's shape, as in PyTorch.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * console.log(nn.functional.binaryCrossEntropyWithLogits(tensor([1000, -1000]), tensor([1, 0])).item()); // 0
 * const posWeight = tensor([3]);
 * console.log(nn.functional.binaryCrossEntropyWithLogits(tensor([0]), tensor([1]), { posWeight }).item()); // ≈ 2.0794
 * ```
 */
export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, options: BinaryCrossEntropyWithLogitsOptions = {}): Tensor {
  const op = "binaryCrossEntropyWithLogits";
  checkSameShape(op, input, target);
  checkProbabilities(op, "target", target);
  const weight = elementWeight(op, "weight", options.weight, input);
  const posWeight = elementWeight(op, "posWeight", options.posWeight, input);
  const x = input;
  const y = target.to(x.dtype);
  if (posWeight === null) {
    const losses = noGrad(() => x.relu().sub(x.mul(y)).add(x.abs().neg().exp().add(1).log()));
    // dL/dx = σ(x) − y; dL/dy = −x
    const recorded = record(losses, op, [x, y], (dy) => [
      x.requiresGrad ? dy.mul(x.sigmoid().sub(y)) : null,
      y.requiresGrad ? dy.mul(x.neg()) : null,
    ]);
    return reduce(op, weighted(recorded, weight), options.reduction);
  }
  const [positive, losses] = noGrad(() => {
    const positive = posWeight.mul(y);
    const softplusOfMinusX = x.neg().relu().add(x.abs().neg().exp().add(1).log());
    // (1 − y)·x + (1 + (p − 1)·y)·log(1 + e^−x), PyTorch's form
    return [positive, rsub(1, y).mul(x).add(positive.sub(y).add(1).mul(softplusOfMinusX))] as const;
  });
  // dL/dx = (p·y + 1 − y)·σ(x) − p·y; dL/dy = log σ(−x) − p·log σ(x)
  const recorded = record(losses, op, [x, y], (dy) => [
    x.requiresGrad ? dy.mul(positive.sub(y).add(1).mul(x.sigmoid()).sub(positive)) : null,
    y.requiresGrad ? dy.mul(x.neg().logSigmoid().sub(x.logSigmoid().mul(posWeight))) : null,
  ]);
  return reduce(op, weighted(recorded, weight), options.reduction);
}
