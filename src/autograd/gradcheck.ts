import { tensor } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { withGradMode } from "./grad-mode.js";

/** Tolerances of `gradcheck` (PyTorch's `torch.autograd.gradcheck` defaults). */
export interface GradcheckOptions {
  /** Finite-difference step (default 1e-6). */
  eps?: number;
  /** Absolute tolerance (default 1e-5). */
  atol?: number;
  /** Relative tolerance (default 1e-3). */
  rtol?: number;
}

function unravel(index: number, shape: readonly number[]): number[] {
  const out = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    out[d] = index % shape[d]!;
    index = Math.floor(index / shape[d]!);
  }
  return out;
}

/** Sums f's outputs weighted by fixed random coefficients, so one backward checks every output. */
function projection(out: Tensor): Float64Array {
  const weights = new Float64Array(out.size);
  for (let i = 0; i < weights.length; i++) weights[i] = 0.5 + ((i * 7919) % 101) / 101;
  return weights;
}

/**
 * Compares the gradients autograd computes for `f(...inputs)` with central finite differences
 * (f(x+ε) − f(x−ε)) / 2ε, for every element of every input that requires grad. Use float64
 * inputs: float32 cannot resolve ε-sized differences. Returns true, or throws an error naming
 * the input, the element and both values.
 *
 * @example
 * ```ts
 * import { gradcheck, tensor } from "nabla";
 * const x = tensor([[0.5, -1.2], [2.0, 0.3]], { dtype: "float64", requiresGrad: true });
 * console.log(gradcheck((a) => a.tanh().mul(a).sum(), [x])); // true
 * ```
 */
export function gradcheck(f: (...inputs: Tensor[]) => Tensor, inputs: readonly Tensor[], options: GradcheckOptions = {}): true {
  const eps = options.eps ?? 1e-6;
  const atol = options.atol ?? 1e-5;
  const rtol = options.rtol ?? 1e-3;
  inputs.forEach((input, i) => {
    if (input.requiresGrad && input.dtype !== "float64") {
      console.warn(`gradcheck: input ${i} requires grad but is ${input.dtype}, not float64; finite differences will be inaccurate`);
    }
  });
  const leaves = inputs.map((input) => input.detach().requiresGrad_(input.requiresGrad));
  const out = withGradMode(true, () => f(...leaves));
  const weights = projection(out);
  const weightTensor = tensor(weights, { shape: out.shape, dtype: out.dtype });
  const scalar = (values: Tensor): number => {
    const data = values.toTypedArray();
    let s = 0;
    for (let i = 0; i < data.length; i++) s += data[i]! * weights[i]!;
    return s;
  };
  if (out.requiresGrad) out.backward(weightTensor);
  leaves.forEach((leaf, inputIndex) => {
    if (!leaf.requiresGrad) return;
    const analytic = leaf.grad === null ? new Float64Array(leaf.size) : leaf.grad.toTypedArray();
    const base = leaf.toTypedArray();
    for (let j = 0; j < base.length; j++) {
      const evaluate = (delta: number): number => {
        const shifted = Float64Array.from(base);
        shifted[j] = shifted[j]! + delta;
        const args = leaves.map((other, k) => (k === inputIndex ? tensor(shifted, { shape: leaf.shape, dtype: leaf.dtype }) : other.detach()));
        return scalar(withGradMode(false, () => f(...args)));
      };
      const numeric = (evaluate(eps) - evaluate(-eps)) / (2 * eps);
      const value = analytic[j]!;
      if (!(Math.abs(value - numeric) <= atol + rtol * Math.abs(numeric))) {
        throw new Error(
          `gradcheck: gradient mismatch for input ${inputIndex} (shape ${formatShape(leaf.shape)}) at element [${unravel(j, leaf.shape).join(",")}]: analytical ${value} vs numerical ${numeric}`,
        );
      }
    }
  });
  return true;
}
