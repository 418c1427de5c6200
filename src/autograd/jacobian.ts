import { tensor, zeros } from "../tensor/creation.js";
import type { Tensor } from "../tensor/tensor.js";
import { withGradMode } from "./grad-mode.js";

/**
 * The Jacobian of `f: Rⁿ → Rᵐ` at `x`: a tensor of shape `[...f(x).shape, ...x.shape]` whose
 * entry [i, j] is ∂f(x)_i/∂x_j, built one output row at a time by reverse-mode backward.
 *
 * @example
 * ```ts
 * import { jacobian, tensor } from "nabla";
 * const W = tensor([[1, 2], [3, 4], [5, 6]]);
 * const J = jacobian((x) => W.matmul(x), tensor([1, 1]));
 * console.log(J.toArray()); // [[1, 2], [3, 4], [5, 6]] — for z = Wx, dz/dx = W
 * ```
 */
export function jacobian(f: (x: Tensor) => Tensor, x: Tensor): Tensor {
  const input = x.detach().requiresGrad_();
  const y = withGradMode(true, () => f(input));
  const rows = new Float64Array(y.size * x.size);
  if (y.requiresGrad) {
    for (let i = 0; i < y.size; i++) {
      const seed = new Float64Array(y.size);
      seed[i] = 1;
      input.grad = null;
      y.backward(tensor(seed, { shape: y.shape, dtype: y.dtype }), { retainGraph: true });
      if (input.grad !== null) rows.set((input.grad as Tensor).toTypedArray(), i * x.size);
    }
  }
  const shape = [...y.shape, ...x.shape];
  return y.requiresGrad ? tensor(rows, { shape, dtype: x.dtype }) : zeros(shape, { dtype: x.dtype });
}
