/**
 * The element-wise math methods of {@link Tensor} (trigonometry, erf, rounding, remainder,
 * atan2, logical ops), kept in a base class of their own so tensor.ts stays about storage,
 * autograd and the core ops; the NaN and infinity checks are in the base class below it
 * (tensor-checks.ts), the activations beyond relu/sigmoid/tanh below that
 * (tensor-activations.ts). Each method calls the primitive in src/ops that holds its kernel
 * call and backward rule.
 */
import type { Operand, Tensor } from "./tensor.js";
import * as unary from "../ops/unary.js";
import * as binary from "../ops/binary.js";
import { TensorChecks } from "./tensor-checks.js";

export abstract class TensorMath extends TensorChecks {
  /**
   * Sine (radians), element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, Math.PI / 2], { dtype: "float64" }).sin().toArray()); // [0, 1]
   * ```
   */
  sin(this: Tensor): Tensor {
    return unary.sin(this);
  }

  /**
   * Cosine (radians), element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, Math.PI], { dtype: "float64" }).cos().toArray()); // [1, -1]
   * ```
   */
  cos(this: Tensor): Tensor {
    return unary.cos(this);
  }

  /**
   * Tangent (radians), element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, Math.PI / 4], { dtype: "float64" }).tan().toArray()); // [0, 0.9999999999999999]
   * ```
   */
  tan(this: Tensor): Tensor {
    return unary.tan(this);
  }

  /**
   * The error function erf(x) = 2/√π ∫₀ˣ e^(−t²) dt, element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1, -Infinity], { dtype: "float64" }).erf().toArray()); // [0, 0.8427007929497149, -1]
   * ```
   */
  erf(this: Tensor): Tensor {
    return unary.erf(this);
  }

  /**
   * ln(1 + x), accurate for small x.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1e-10], { dtype: "float64" }).log1p().toArray()); // [0, 9.999999999500001e-11]
   * ```
   */
  log1p(this: Tensor): Tensor {
    return unary.log1p(this);
  }

  /**
   * e^x − 1, accurate for small x.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1e-10], { dtype: "float64" }).expm1().toArray()); // [0, 1.00000000005e-10]
   * ```
   */
  expm1(this: Tensor): Tensor {
    return unary.expm1(this);
  }

  /**
   * Base-2 logarithm.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, 8, 0.5]).log2().toArray()); // [0, 3, -1]
   * ```
   */
  log2(this: Tensor): Tensor {
    return unary.log2(this);
  }

  /**
   * 1/x, element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([2, -4, 0]).reciprocal().toArray()); // [0.5, -0.25, Infinity]
   * ```
   */
  reciprocal(this: Tensor): Tensor {
    return unary.reciprocal(this);
  }

  /**
   * 1/√x, element-wise.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([4, 0.25]).rsqrt().toArray()); // [0.5, 2]
   * ```
   */
  rsqrt(this: Tensor): Tensor {
    return unary.rsqrt(this);
  }

  /**
   * The largest integer ≤ x.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-1.5, 1.5]).floor().toArray()); // [-2, 1]
   * ```
   */
  floor(this: Tensor): Tensor {
    return unary.floor(this);
  }

  /**
   * The smallest integer ≥ x.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-1.5, 1.5]).ceil().toArray()); // [-1, 2]
   * ```
   */
  ceil(this: Tensor): Tensor {
    return unary.ceil(this);
  }

  /**
   * The nearest integer, halves to the even one (as PyTorch and NumPy; unlike `Math.round`).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0.5, 1.5, 2.5, -2.5, 2.6]).round().toArray()); // [0, 2, 2, -2, 3]
   * ```
   */
  round(this: Tensor): Tensor {
    return unary.round(this);
  }

  /**
   * x rounded toward zero.
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-1.5, 1.5]).trunc().toArray()); // [-1, 1]
   * ```
   */
  trunc(this: Tensor): Tensor {
    return unary.trunc(this);
  }

  /**
   * A bool tensor: true where x is 0 (NaN counts as true; PyTorch's `logical_not`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 2, NaN]).logicalNot().toArray()); // [true, false, false]
   * ```
   */
  logicalNot(this: Tensor): Tensor {
    return unary.logicalNot(this);
  }

  /**
   * Python's `a % b` (PyTorch's `remainder`): a − ⌊a/b⌋·b, which takes the sign of the divisor.
   *
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([-3, -1, 1, 3]).remainder(2).toArray()); // [1, 1, 1, 1]
   * console.log(tensor([5, -5]).remainder(tensor([-3, 3])).toArray()); // [-1, 1]
   * ```
   */
  remainder(this: Tensor, other: Operand): Tensor {
    return binary.remainder(this, other);
  }

  /**
   * The angle of the point (b, a) from the x-axis, in (−π, π] (PyTorch's `atan2(input, other)`,
   * input the y-coordinate).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([1, -1]).atan2(tensor([0, 0])).toArray()); // [1.5707963705062866, -1.5707963705062866]
   * ```
   */
  atan2(this: Tensor, other: Operand): Tensor {
    return binary.atan2(this, other);
  }

  /**
   * A bool tensor: true where both are nonzero (NaN counts as true; PyTorch's `logical_and`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1, 2]).logicalAnd(tensor([true, true, false])).toArray()); // [false, true, false]
   * ```
   */
  logicalAnd(this: Tensor, other: Operand): Tensor {
    return binary.compare("logicalAnd", this, other);
  }

  /**
   * A bool tensor: true where either is nonzero (NaN counts as true; PyTorch's `logical_or`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([false, true, false]).logicalOr(tensor([0, 0, 3])).toArray()); // [false, true, true]
   * ```
   */
  logicalOr(this: Tensor, other: Operand): Tensor {
    return binary.compare("logicalOr", this, other);
  }

  /**
   * A bool tensor: true where exactly one is nonzero (NaN counts as true; PyTorch's `logical_xor`).
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * console.log(tensor([0, 1, 1]).logicalXor(tensor([0, 0, 5])).toArray()); // [false, true, false]
   * ```
   */
  logicalXor(this: Tensor, other: Operand): Tensor {
    return binary.compare("logicalXor", this, other);
  }
}
