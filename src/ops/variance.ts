/** `var` and `std` over a dim, a list of dims or everything, with Bessel's `correction`. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { expand, reshape } from "./movement.js";
import { finalShape, keptShape, resolveDims, type Dims } from "./reduce.js";
import { axisLayout } from "./reduce-layout.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

/** Options of `var` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) for the unbiased estimate, 0 for the population variance. */
  correction?: number;
  keepdim?: boolean;
}

/**
 * The second argument as in PyTorch: `x.var(dim, unbiased, keepdim)` (a boolean: correction 1 or
 * 0, then `keepdim` positionally), or `x.var(dim, { correction, keepdim })`.
 */
export function varianceOptions(op: string, options: boolean | VarianceOptions | undefined, keepdimArg: boolean | undefined): { correction: number; keepdim: boolean } {
  if (typeof options === "boolean") return { correction: options ? 1 : 0, keepdim: keepdimArg ?? false };
  const { correction = 1, keepdim = keepdimArg ?? false } = options ?? {};
  if (typeof correction !== "number" || !Number.isFinite(correction) || correction < 0) {
    throw new Error(`${op}: correction must be a finite number ≥ 0, got ${String(correction)}`);
  }
  return { correction, keepdim };
}

export function variance(x: Tensor, dim: Dims, options: boolean | VarianceOptions | undefined, keepdimArg?: boolean, op = "var"): Tensor {
  requireFloatingPoint(op, x.dtype, "convert it with .float() first (PyTorch refuses it too)");
  const { correction, keepdim } = varianceOptions(op, options, keepdimArg);
  const axes = resolveDims(op, x, dim);
  const { data, outer, axisSize, inner } = axisLayout(x, axes);
  const kept = emptyLike(x, keptShape(x, axes));
  x.backend.variance(data.dataRef(), outer, axisSize, inner, correction, kept.storage.ref);
  const out = reshape(kept, finalShape(x, axes, keepdim));
  // var = Σ(x_i − m)² / (N − c) with m the mean; Σ(x_i − m) = 0 removes m's own dependence on
  // x_i, so dvar/dx_i = 2(x_i − m) / (N − c)
  return record(out, "var", [x], (dy) => {
    const centred = x.detach().sub(x.detach().mean(axes, true));
    return [expand(reshape(dy, kept.shape), x.shape).mul(centred).mul(2 / (axisSize - correction))];
  });
}

/** std = √var; its gradient comes from sqrt's rule times var's: (x_i − m) / ((N − c)·std). */
export function std(x: Tensor, dim: Dims, options: boolean | VarianceOptions | undefined, keepdimArg?: boolean): Tensor {
  return variance(x, dim, options, keepdimArg, "std").sqrt();
}
