/**
 * Cross-entropy and negative log-likelihood over classes, with PyTorch 1.13's options: per-class
 * `weight`, `ignoreIndex`, `labelSmoothing` and probability targets. Composed from logSoftmax,
 * gather and masks, so autograd differentiates them; the input may be [C], [N, C] or
 * [N, C, d1, …] (the class axis is 1) with targets [], [N] or [N, d1, …].
 */
import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { where } from "../../ops/where.js";
import { gatherChecked } from "../../ops/gather.js";
import { reduce, type LossOptions } from "./reduction.js";
import { classIndices, type ClassTarget } from "./targets.js";

/** Options of {@link nllLoss} (PyTorch's `weight`, `ignore_index`, `reduction`). */
export interface NLLLossOptions extends LossOptions {
  /** A weight per class, [C]: each sample's loss is scaled by its class's weight, and "mean" divides by the sum of the weights used. */
  weight?: Tensor | null;
  /** A target value that contributes nothing, neither to the loss nor to the mean's count (default −100). */
  ignoreIndex?: number;
}

/** Options of {@link crossEntropy} (PyTorch's `weight`, `ignore_index`, `reduction`, `label_smoothing`). */
export interface CrossEntropyOptions extends NLLLossOptions {
  /** ε in [0, 1]: the target becomes (1 − ε)·target + ε/C, spread over every class (default 0). */
  labelSmoothing?: number;
}

/** Input [C], [N, C] or [N, C, d1, …], checked; returns it with a batch axis, class axis 1. */
function asBatch(op: string, input: Tensor): Tensor {
  if (input.ndim >= 2) return input;
  if (input.ndim === 1) return input.unsqueeze(0);
  throw new Error(`${op}: expected input of shape [N, C], [C] or [N, C, d1, ...], got ${formatShape(input.shape)}`);
}

/** The target shape that goes with `input`: its shape without the class axis. */
function targetShape(input: Tensor): number[] {
  return input.ndim === 1 ? [] : input.shape.filter((_, i) => i !== 1);
}

/** A single sample's target as a number or a 0-d tensor → a list or tensor the checks read. */
function asTargetList(target: ClassTarget | number): ClassTarget {
  return typeof target === "number" ? [target] : target;
}

/** `weight` checked to hold one value per class, detached, in the input's dtype and backend. */
function classWeight(op: string, weight: Tensor | null | undefined, classes: number, like: Tensor): Tensor | null {
  if (weight === null || weight === undefined) return null;
  if (!(weight instanceof Tensor)) throw new Error(`${op}: weight must be a Tensor with one value per class, got ${typeof weight}`);
  if (weight.ndim !== 1 || weight.shape[0] !== classes) {
    throw new Error(`${op}: weight should have one value per class (${classes}), got shape ${formatShape(weight.shape)}`);
  }
  return weight.detach().to(like.dtype);
}

/** `weight` [C] shaped to broadcast along the class axis of `input` ([1, C, 1, …], or [C]). */
function alongClassAxis(weight: Tensor, input: Tensor): Tensor {
  return input.ndim === 1 ? weight : weight.reshape(input.shape.map((d, i) => (i === 1 ? d : 1)));
}

/** Per-sample negative log-likelihood terms of class targets, and what "mean" divides by. */
interface ClassTerms {
  /** −w[y]·logp[y] per sample, 0 where ignored, shaped like the target (batched). */
  losses: Tensor;
  /** Where the target is the ignored index (null: nowhere). */
  ignored: Tensor | null;
  /** Per-sample weight w[y] (0 where ignored), or null when every sample weighs 1. */
  sampleWeights: Tensor | null;
}

function classTerms(op: string, logProbs: Tensor, target: ClassTarget | number, weight: Tensor | null, ignoreIndex: number, unbatched: boolean): ClassTerms {
  const classes = logProbs.shape[1]!;
  const shape = targetShape(logProbs);
  const checked = classIndices(op, asTargetList(target), unbatched ? [] : shape, classes, logProbs, ignoreIndex);
  const indices = unbatched ? checked.indices.reshape(shape) : checked.indices;
  const ignored = checked.anyIgnored === false ? null : indices.eq(ignoreIndex);
  // ignored samples read class 0 (any valid class would do) and are zeroed below
  const safe = ignored === null ? indices : where(ignored, 0, indices);
  // classIndices has checked the values: gather without reading them back a second time
  const picked = gatherChecked(logProbs, 1, safe.unsqueeze(1)).squeeze(1).neg();
  if (weight === null) return { losses: ignored === null ? picked : picked.maskedFill(ignored, 0), ignored, sampleWeights: null };
  const gathered = weight.indexSelect(0, safe.flatten()).reshape(shape);
  const sampleWeights = ignored === null ? gathered : gathered.maskedFill(ignored, 0);
  return { losses: picked.mul(sampleWeights), ignored, sampleWeights };
}

/** Σ of the samples' weights (their count where unweighted), which "mean" divides by. */
function weightTotal(terms: ClassTerms): Tensor | null {
  if (terms.sampleWeights !== null) return terms.sampleWeights.sum();
  return terms.ignored === null ? null : terms.ignored.logicalNot().sum().to(terms.losses.dtype);
}

/** Reduces per-sample terms: "mean" divides by the weight total (a plain mean when there is none). */
function reduceTerms(op: string, losses: Tensor, total: Tensor | null, reduction: LossOptions["reduction"], unbatched: boolean): Tensor {
  if (reduction === "mean" || reduction === undefined) return total === null ? losses.mean() : losses.sum().div(total);
  return reduce(op, unbatched ? losses.reshape([]) : losses, reduction);
}

/**
 * Negative log-likelihood of class indices given log-probabilities `input` [N, C] (or [C], or
 * [N, C, d1, …] with targets [N, d1, …]): −weight[y]·input[n, y], reduced. Targets equal to
 * `ignoreIndex` (−100 by default) contribute nothing; "mean" divides by the sum of the weights
 * of the other targets (their count without `weight`), as PyTorch does — NaN when every target is ignored.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const logProbs = tensor([[-0.1, -2.3], [-1.6, -0.2]]);
 * console.log(nn.functional.nllLoss(logProbs, [0, 1]).item()); // 0.15
 * console.log(nn.functional.nllLoss(logProbs, [0, -100]).item()); // ≈ 0.1
 * ```
 */
export function nllLoss(input: Tensor, target: ClassTarget | number, options: NLLLossOptions = {}): Tensor {
  const batch = asBatch("nllLoss", input);
  const weight = classWeight("nllLoss", options.weight, batch.shape[1]!, batch);
  const unbatched = input.ndim === 1;
  const terms = classTerms("nllLoss", batch, target, weight, options.ignoreIndex ?? -100, unbatched);
  return reduceTerms("nllLoss", terms.losses, weightTotal(terms), options.reduction, unbatched);
}

/**
 * −Σ_c w_c·p_c·logSoftmax(x)_c per sample, for class probabilities `target` of the input's shape
 * (smoothed first with ε). "mean" divides by the number of samples, weighted or not (PyTorch 1.13).
 * The target keeps its graph, as in PyTorch: dL/dp_c = −w_c·logSoftmax(x)_c (scaled by the reduction).
 */
function softTargetLoss(input: Tensor, target: Tensor, weight: Tensor | null, smoothing: number, options: CrossEntropyOptions): Tensor {
  if (!target.isFloatingPoint) throw new Error(`crossEntropy: a target of the input's shape ${formatShape(input.shape)} holds class probabilities and must be floating-point, got ${target.dtype}`);
  const ignoreIndex = options.ignoreIndex ?? -100;
  if (ignoreIndex >= 0) throw new Error(`crossEntropy: ignoreIndex (${ignoreIndex}) is not supported with class-probability targets`);
  const classAxis = input.ndim === 1 ? 0 : 1;
  const classes = input.shape[classAxis]!;
  let p = target.to(input.dtype);
  if (smoothing > 0) p = p.mul(1 - smoothing).add(smoothing / classes);
  let terms = input.logSoftmax(classAxis).mul(p);
  if (weight !== null) terms = terms.mul(alongClassAxis(weight, input));
  const reduction = options.reduction ?? "mean";
  if (reduction === "mean") return terms.sum().neg().div(input.size / classes);
  return reduce("crossEntropy", terms.sum(classAxis).neg(), reduction);
}

/**
 * Cross-entropy of logits `input` [N, C] (or [C], or [N, C, d1, …]) against class indices: the
 * negative log-likelihood of logSoftmax(input), which stays finite for any logits, unlike
 * log(softmax). `weight`, `ignoreIndex` and `reduction` act as in {@link nllLoss}; with
 * `labelSmoothing` ε the loss is (1 − ε)·nll + ε/C·Σ_c −w_c·logSoftmax(x)_c, the second term
 * reduced with the same denominator, as PyTorch 1.13 defines it.
 *
 * A float `target` of the input's own shape is read as class probabilities (soft labels), as
 * in PyTorch, and gets a gradient too if it requires one; "mean" then divides by the number of
 * samples, and `ignoreIndex` must stay negative.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const logits = tensor([[2, 0, -1], [0, 3, 0]]);
 * console.log(nn.functional.crossEntropy(logits, [0, 1]).item()); // ≈ 0.1324
 * const weight = tensor([1, 2, 1]);
 * console.log(nn.functional.crossEntropy(logits, [0, 1], { weight, labelSmoothing: 0.1 }).item()); // ≈ 0.2641
 * ```
 */
export function crossEntropy(input: Tensor, target: ClassTarget | number, options: CrossEntropyOptions = {}): Tensor {
  const batch = asBatch("crossEntropy", input);
  const classes = batch.shape[1]!;
  const weight = classWeight("crossEntropy", options.weight, classes, batch);
  const smoothing = options.labelSmoothing ?? 0;
  if (!(smoothing >= 0 && smoothing <= 1)) throw new Error(`crossEntropy: labelSmoothing must be between 0.0 and 1.0, got ${smoothing}`);
  if (target instanceof Tensor && target.ndim === input.ndim && target.shape.every((d, i) => d === input.shape[i])) {
    return softTargetLoss(input, target, weight, smoothing, options);
  }
  const unbatched = input.ndim === 1;
  const logProbs = batch.logSoftmax(1);
  const terms = classTerms("crossEntropy", logProbs, target, weight, options.ignoreIndex ?? -100, unbatched);
  const total = weightTotal(terms);
  const nll = reduceTerms("crossEntropy", terms.losses, total, options.reduction, unbatched);
  if (smoothing === 0) return nll;
  // every class's −w_c·log p_c, zero where the target is ignored
  let spread = (weight === null ? logProbs : logProbs.mul(alongClassAxis(weight, batch))).sum(1).neg();
  if (terms.ignored !== null) spread = spread.maskedFill(terms.ignored, 0);
  const smooth = reduceTerms("crossEntropy", spread, total, options.reduction, unbatched);
  return nll.mul(1 - smoothing).add(smooth.mul(smoothing / classes));
}
