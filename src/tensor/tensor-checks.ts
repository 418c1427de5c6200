/**
 * The methods of {@link Tensor} that find NaN and infinities and replace them, and compare
 * values (`ne`, where NaN is unequal to itself; `isclose`, `allclose`, `equal`): a base class of
 * their own, below the element-wise math (tensor-math.ts). Each calls the composite in
 * src/ops/finite-checks.ts.
 */
import type { Operand, Tensor } from "./tensor.js";
import { shapesEqual } from "./shape.js";
import * as checks from "../ops/finite-checks.js";
import { TensorActivations } from "./tensor-activations.js";

export abstract class TensorChecks extends TensorActivations {
  /**
   * A bool tensor: true where this ≠ other (broadcasting; NaN is unequal to everything, itself
   * included); no gradient.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, 2, NaN]).ne(tensor([1, 3, NaN])).toArray()); // [false, true, true]
   * ```
   */
  ne(this: Tensor, other: Operand): Tensor {
    return checks.ne(this, other);
  }

  /**
   * A bool tensor: true where the value is NaN (never for integer and bool tensors).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const loss = tensor([0.5, NaN, Infinity]);
   * console.log(loss.isnan().toArray(), loss.isnan().any().item()); // [false, true, false] true
   * ```
   */
  isnan(this: Tensor): Tensor {
    return checks.isnan(this);
  }

  /**
   * A bool tensor: true where the value is +∞ or −∞.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, -Infinity, NaN, Infinity]).isinf().toArray()); // [false, true, false, true]
   * ```
   */
  isinf(this: Tensor): Tensor {
    return checks.isinf(this);
  }

  /**
   * A bool tensor: true where the value is +∞.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([Infinity, -Infinity, 1]).isposinf().toArray()); // [true, false, false]
   * ```
   */
  isposinf(this: Tensor): Tensor {
    return checks.isSignedInf(this, 1);
  }

  /**
   * A bool tensor: true where the value is −∞.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([Infinity, -Infinity, 1]).isneginf().toArray()); // [false, true, false]
   * ```
   */
  isneginf(this: Tensor): Tensor {
    return checks.isSignedInf(this, -1);
  }

  /**
   * A bool tensor: true where the value is neither NaN nor ±∞ (always for integer and bool tensors).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const grads = tensor([0.1, NaN, -Infinity, 2]);
   * console.log(grads.isfinite().toArray(), grads.isfinite().all().item()); // [true, false, false, true] false
   * ```
   */
  isfinite(this: Tensor): Tensor {
    return checks.isfinite(this);
  }

  /**
   * A copy with NaN, +∞ and −∞ replaced (PyTorch's `nan_to_num`): by default 0, and the dtype's
   * largest and lowest finite values. The gradient flows where a value was kept and is 0 where
   * one was replaced.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([NaN, Infinity, -Infinity, 1.5], { dtype: "float64" });
   * console.log(x.nanToNum({ posinf: 100, neginf: -100 }).toArray()); // [0, 100, -100, 1.5]
   * console.log(x.nanToNum().toArray()); // [0, 1.7976931348623157e+308, -1.7976931348623157e+308, 1.5]
   * ```
   */
  nanToNum(this: Tensor, options?: checks.NanToNumOptions): Tensor {
    return checks.nanToNum(this, options);
  }

  /**
   * A bool tensor: true where |this − other| ≤ atol + rtol·|other| (broadcasting; PyTorch's
   * defaults rtol 1e-5, atol 1e-8), or where the two are equal (±∞ is close only to itself); NaN
   * is close to nothing unless `equalNan`.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, 2, NaN]).isclose(tensor([1.000001, 2.1, NaN])).toArray()); // [true, false, false]
   * console.log(tensor([NaN]).isclose(tensor([NaN]), { equalNan: true }).toArray()); // [true]
   * ```
   */
  isclose(this: Tensor, other: Operand, options?: checks.CloseOptions): Tensor {
    return checks.isclose(this, other, options);
  }

  /**
   * Whether every element is close to `other`'s ({@link isclose}, broadcasting): a number, read
   * at once (on WebGPU use `await t.isclose(other).all().data()`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const analytic = tensor([0.5, -1.25]);
   * console.log(analytic.allclose(tensor([0.5000001, -1.2500001])), analytic.allclose(tensor([0.5, -1.3]))); // true false
   * ```
   */
  allclose(this: Tensor, other: Operand, options?: checks.CloseOptions): boolean {
    return Boolean(checks.isclose(this, other, options).all().item());
  }

  /**
   * Whether `other` has this shape and equal elements (PyTorch's `torch.equal`; NaN equals
   * nothing): a boolean, read at once.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, 2]).equal(tensor([1, 2])), tensor([1, 2]).equal(tensor([[1, 2]]))); // true false
   * ```
   */
  equal(this: Tensor, other: Tensor): boolean {
    if (!shapesEqual(this.shape, other.shape)) return false;
    return Boolean(this.detach().eq(other.detach()).all().item());
  }
}
