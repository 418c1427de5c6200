/**
 * The methods of {@link Tensor} that find NaN and infinities and replace them, and `ne` (NaN is
 * unequal to itself): a base class of their own, below the element-wise math (tensor-math.ts).
 * Each calls the composite in src/ops/finite-checks.ts.
 */
import type { Operand, Tensor } from "./tensor.js";
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
}
