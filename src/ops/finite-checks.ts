/**
 * Where values are NaN or infinite, and what to put there: `isnan`, `isinf`, `isposinf`,
 * `isneginf`, `isfinite`, `nanToNum`, and `ne` (NaN ≠ NaN). Composites of the comparison and
 * select primitives: a bool result has no gradient; `nanToNum`'s is `where`'s (dy where the
 * value was kept, 0 where it was replaced), as PyTorch's.
 */
import type { Operand, Tensor } from "../tensor/tensor.js";
import { isFloatingPoint } from "../tensor/dtype.js";
import { compare } from "./binary.js";
import { logicalNot } from "./unary.js";
import { where } from "./where.js";

/** The largest finite float32, PyTorch's `torch.finfo(torch.float32).max`. */
const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * A bool tensor: true where `a` ≠ `b` (broadcasting; NaN is unequal to everything, itself
 * included). Backs {@link Tensor.ne}.
 */
export function ne(a: Tensor, b: Operand): Tensor {
  return logicalNot(compare("eq", a, b));
}

/** True where `x` is NaN (never for integer and bool tensors). Backs {@link Tensor.isnan}. */
export function isnan(x: Tensor): Tensor {
  return ne(x.detach(), x.detach());
}

/** True where `x` is +∞ or −∞. Backs {@link Tensor.isinf}. */
export function isinf(x: Tensor): Tensor {
  if (!isFloatingPoint(x.dtype)) return compare("eq", x, x).logicalNot();
  return compare("eq", x.detach().abs(), Infinity);
}

/** True where `x` is +∞ (`sign` 1) or −∞ (`sign` −1). Backs {@link Tensor.isposinf} and {@link Tensor.isneginf}. */
export function isSignedInf(x: Tensor, sign: 1 | -1): Tensor {
  if (!isFloatingPoint(x.dtype)) return compare("eq", x, x).logicalNot();
  return compare("eq", x.detach(), sign * Infinity);
}

/** True where `x` is neither NaN nor ±∞. Backs {@link Tensor.isfinite}. */
export function isfinite(x: Tensor): Tensor {
  const d = x.detach();
  if (!isFloatingPoint(x.dtype)) return compare("eq", d, d);
  // x − x is 0 for a finite x and NaN for NaN and ±∞
  return compare("eq", d.sub(d), 0);
}

/** Replacements for {@link Tensor.nanToNum}; PyTorch's defaults: 0 for NaN, the dtype's largest and lowest finite values for ±∞. */
export interface NanToNumOptions {
  nan?: number;
  posinf?: number;
  neginf?: number;
}

/** `x` with NaN, +∞ and −∞ replaced. Backs {@link Tensor.nanToNum}. */
export function nanToNum(x: Tensor, options: NanToNumOptions = {}): Tensor {
  if (!isFloatingPoint(x.dtype)) return x.clone();
  const largest = x.dtype === "float64" ? Number.MAX_VALUE : FLOAT32_MAX;
  const { nan = 0, posinf = largest, neginf = -largest } = options;
  for (const [name, value] of [["nan", nan], ["posinf", posinf], ["neginf", neginf]] as const) {
    if (typeof value !== "number") throw new Error(`nanToNum: ${name} must be a number, got ${typeof value}`);
  }
  // d out/dx = 1 where x was kept, 0 where it was replaced (where's rule)
  return where(isnan(x), nan, where(isSignedInf(x, 1), posinf, where(isSignedInf(x, -1), neginf, x)));
}

/** Tolerances of {@link Tensor.isclose} and {@link Tensor.allclose}: PyTorch's defaults rtol 1e-5, atol 1e-8, NaN unequal to NaN. */
export interface CloseOptions {
  rtol?: number;
  atol?: number;
  /** Whether NaN counts as close to NaN (default false). */
  equalNan?: boolean;
}

/**
 * True where |a − b| ≤ atol + rtol·|b| (broadcasting), or where a and b are equal (±∞ is close
 * only to itself); NaN is close to nothing unless `equalNan`. Backs {@link Tensor.isclose}.
 */
export function isclose(a: Tensor, b: Operand, options: CloseOptions = {}): Tensor {
  const { rtol = 1e-5, atol = 1e-8, equalNan = false } = options;
  for (const [name, value] of [["rtol", rtol], ["atol", atol]] as const) {
    if (typeof value !== "number" || !(value >= 0)) throw new Error(`isclose: ${name} must be a non-negative number, got ${value}`);
  }
  const x = a.detach();
  const y = typeof b === "number" ? b : b.detach();
  if (x.dtype === "bool" || (typeof y !== "number" && y.dtype === "bool")) return compare("eq", x, y);
  // as PyTorch: a finite |a − b| within the tolerance (an infinite one is close to nothing but itself, by equality)
  const error = x.sub(y).abs();
  const within = compare("logicalAnd", isfinite(error), compare("le", error, typeof y === "number" ? atol + rtol * Math.abs(y) : y.abs().mul(rtol).add(atol)));
  const close = compare("logicalOr", compare("eq", x, y), within);
  if (!equalNan) return close;
  if (typeof y === "number") return Number.isNaN(y) ? compare("logicalOr", close, isnan(x)) : close;
  return compare("logicalOr", close, compare("logicalAnd", isnan(x), isnan(y)));
}
