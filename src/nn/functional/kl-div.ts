import { formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";
import { where } from "../../ops/where.js";
import { reduce, type Reduction } from "./reduction.js";
import { checkSameShape } from "./targets.js";

/** Options of {@link klDiv} (PyTorch's `reduction`, `log_target`). */
export interface KLDivOptions {
  /**
   * "mean" (the default, PyTorch's, averaging over every element), "batchmean" (the sum over the
   * batch size: the true KL divergence per sample), "sum" or "none".
   */
  reduction?: Reduction | "batchmean";
  /** Whether `target` holds log-probabilities rather than probabilities (default false). */
  logTarget?: boolean;
}

/**
 * Kullback–Leibler divergence terms between a target distribution and log-probabilities `input`
 * of the same shape: target·(log target − input), with 0·log 0 = 0 (PyTorch's xlogy), or
 * e^target·(target − input) with `logTarget`. Reduced by `reduction`; use "batchmean" for
 * KL(target ‖ input) per sample, as PyTorch recommends. A target that requires grad gets
 * log target + 1 − input, and −input where it is 0 (PyTorch's xlogy gives NaN there).
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const logQ = tensor([[0.25, 0.75]]).log();
 * console.log(nn.functional.klDiv(logQ, tensor([[0.5, 0.5]]), { reduction: "batchmean" }).item()); // ≈ 0.1438
 * ```
 */
export function klDiv(input: Tensor, target: Tensor, options: KLDivOptions = {}): Tensor {
  checkSameShape("klDiv", input, target);
  const t = target.to(input.dtype);
  let terms: Tensor;
  if (options.logTarget ?? false) {
    terms = t.exp().mul(t.sub(input));
  } else {
    // xlogy(t, t) − t·input; log reads 1 where t = 0, so neither the value nor its gradient sees log 0
    const zero = t.eq(0);
    terms = t.mul(where(zero, 1, t).log()).sub(t.mul(input));
  }
  const reduction = options.reduction ?? "mean";
  if (!["mean", "sum", "none", "batchmean"].includes(reduction)) {
    throw new Error(`klDiv: unknown reduction ${JSON.stringify(reduction)} (expected "mean", "batchmean", "sum" or "none")`);
  }
  if (reduction !== "batchmean") return reduce("klDiv", terms, reduction);
  if (input.ndim === 0) return terms.sum();
  if (input.shape[0] === 0) throw new Error(`klDiv: "batchmean" needs a batch, got input of shape ${formatShape(input.shape)}`);
  return terms.sum().div(input.shape[0]!);
}
