import type { Tensor } from "../tensor/tensor.js";
import { isGradEnabled } from "./grad-mode.js";
import { isFloatingPoint } from "../tensor/dtype.js";

/** Maps the gradient of an op's output to the gradients of its inputs (null: not needed). */
export type BackwardRule = (dy: Tensor) => readonly (Tensor | null)[];

/** A recorded op: the node `backward` visits. Its rule is dropped once used, freeing saved tensors. */
export class GradFn {
  /** Set by `retainGrad()`: the output tensor whose `.grad` the engine fills in. */
  retained: Tensor | null = null;
  constructor(
    readonly name: string,
    readonly inputs: readonly Tensor[],
    public rule: BackwardRule | null,
    /** Numbers the op took as operands (they reach the kernels as numbers, not tensors): for drawing the graph. */
    readonly constants: readonly number[] = NO_CONSTANTS,
  ) {}
}

const NO_CONSTANTS: readonly number[] = [];

/**
 * @internal Attaches `rule` to `out` when grad mode is on and some input needs a gradient.
 * Returns `out` so an op can end with `return record(...)`. `constant`: the number operand of
 * an op with one (`x.mul(2)`), kept for `viz.graph`.
 */
export function record(out: Tensor, name: string, inputs: readonly Tensor[], rule: BackwardRule, constant?: number): Tensor {
  // integer and bool results (comparisons, argmax, casts to int) carry no gradient, as in PyTorch
  if (!isGradEnabled() || !isFloatingPoint(out.dtype)) return out;
  let needed = false;
  for (const input of inputs) if (input.requiresGrad) needed = true;
  if (!needed) return out;
  out.requiresGrad = true;
  out.gradFn = new GradFn(name, inputs, rule, constant === undefined ? NO_CONSTANTS : [constant]);
  return out;
}
