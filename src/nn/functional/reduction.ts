import type { Tensor } from "../../tensor/tensor.js";

/** How a loss combines its per-element values: average (default), total, or none (kept as is). */
export type Reduction = "mean" | "sum" | "none";

/** Options of the losses, as PyTorch's `reduction` argument. */
export interface LossOptions {
  /** How per-element losses combine: "mean" (the default), "sum" or "none". */
  reduction?: Reduction;
}

/** @internal Applies `reduction` to per-element losses, rejecting unknown names. */
export function reduce(op: string, losses: Tensor, reduction: Reduction = "mean"): Tensor {
  switch (reduction) {
    case "mean":
      return losses.mean();
    case "sum":
      return losses.sum();
    case "none":
      return losses;
    default:
      throw new Error(`${op}: unknown reduction ${JSON.stringify(reduction)} (expected "mean", "sum" or "none")`);
  }
}
