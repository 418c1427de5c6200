/** `var` and `std` over a dim, a list of dims or everything, with Bessel's `correction`. */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { emptyLike } from "./operand.js";
import { expand, reshape } from "./movement.js";
import { finalShape, keptShape, resolveDims, type Dims } from "./reduce.js";
import { axisLayout } from "./reduce-layout.js";

/** Options of `var` and `std`. */
export interface VarianceOptions {
  /** Subtracted from the count in the divisor: 1 (default) for the unbiased estimate, 0 for the population variance. */
  correction?: number;
  keepdim?: boolean;
}

/** `keepdim` given alone (`x.var(1, true)`, as `sum`) or inside the options. */
export function varianceOptions(op: string, options: boolean | VarianceOptions | undefined): { correction: number; keepdim: boolean } {
  const { correction = 1, keepdim = false } = typeof options === "boolean" ? { keepdim: options } : options ?? {};
  if (typeof correction !== "number" || !Number.isFinite(correction) || correction < 0) {
    throw new Error(`${op}: correction must be a finite number ≥ 0, got ${String(correction)}`);
  }
  return { correction, keepdim };
}

export function variance(x: Tensor, dim: Dims, options: boolean | VarianceOptions | undefined): Tensor {
  const { correction, keepdim } = varianceOptions("var", options);
  const axes = resolveDims("var", x, dim);
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
export function std(x: Tensor, dim: Dims, options: boolean | VarianceOptions | undefined): Tensor {
  varianceOptions("std", options);
  return variance(x, dim, options).sqrt();
}
