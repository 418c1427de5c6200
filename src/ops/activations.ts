/**
 * Activation functions beyond relu, sigmoid and tanh, each a primitive: one kernel forward and
 * its derivative kernel (or a short rule) backward, with PyTorch's formulas, so NaN, ±∞ and the
 * values at the kinks come out as in PyTorch. Backing the Tensor methods and nn.functional.
 */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { apply } from "./unary.js";
import { apply as applyBinary, applyScalar } from "./binary.js";
import { emptyLike } from "./operand.js";
import { intoTemporary } from "./in-place.js";
import { requireFloatingPoint } from "../tensor/dtype.js";

/** Activations have no integer meaning (PyTorch refuses integer inputs too). */
function checkInput(op: string, x: Tensor): void {
  requireFloatingPoint(op, x.dtype);
}

function checkNumber(op: string, name: string, value: unknown): number {
  if (typeof value !== "number" || Number.isNaN(value)) throw new Error(`${op}: ${name} must be a number, got ${String(value)}`);
  return value;
}

/** leakyRelu(x) = x for x > 0, else negativeSlope·x (PyTorch's `F.leaky_relu`). Backs {@link Tensor.leakyRelu}. */
export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  checkInput("leakyRelu", x);
  const slope = checkNumber("leakyRelu", "negativeSlope", negativeSlope);
  // d/dx = 1 for x > 0, else the slope (also at 0, as PyTorch)
  return record(apply("leakyRelu", x, slope), "leakyRelu", [x], (dy) => [intoTemporary("mul", apply("leakyReluGrad", x, slope), dy)]);
}

/** elu(x) = x for x > 0, else alpha·(e^x − 1) (PyTorch's `F.elu`). Backs {@link Tensor.elu}. */
export function elu(x: Tensor, alpha = 1): Tensor {
  checkInput("elu", x);
  const a = checkNumber("elu", "alpha", alpha);
  // d/dx = 1 for x > 0, else alpha·e^x (alpha at 0, as PyTorch)
  return record(apply("elu", x, a), "elu", [x], (dy) => [intoTemporary("mul", apply("eluGrad", x, a), dy)]);
}

/** gelu(x) = x·Φ(x), or its tanh approximation (PyTorch's `F.gelu`). Backs {@link Tensor.gelu}. */
export function gelu(x: Tensor, approximate: "none" | "tanh" = "none"): Tensor {
  checkInput("gelu", x);
  if (approximate === "tanh") {
    // d/dx ½x(1 + tanh u), u = √(2/π)(x + 0.044715x³): ½(1 + tanh u) + ½x(1 − tanh²u)·du/dx
    return record(apply("geluTanh", x), "gelu", [x], (dy) => [intoTemporary("mul", apply("geluTanhGrad", x), dy)]);
  }
  if (approximate !== "none") throw new Error(`gelu: approximate must be "none" or "tanh", got ${JSON.stringify(approximate)}`);
  // d/dx x·Φ(x) = Φ(x) + x·φ(x), φ the standard normal density
  return record(apply("gelu", x), "gelu", [x], (dy) => [intoTemporary("mul", apply("geluGrad", x), dy)]);
}

/** silu(x) = x·σ(x), also called swish (PyTorch's `F.silu`). Backs {@link Tensor.silu}. */
export function silu(x: Tensor): Tensor {
  checkInput("silu", x);
  // d/dx x·σ(x) = σ(x)(1 + x(1 − σ(x)))
  return record(apply("silu", x), "silu", [x], (dy) => [intoTemporary("mul", apply("siluGrad", x), dy)]);
}

/** softplus(x) = log(1 + e^(beta·x))/beta, x where beta·x > threshold (PyTorch's `F.softplus`). Backs {@link Tensor.softplus}. */
export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  checkInput("softplus", x);
  const b = checkNumber("softplus", "beta", beta);
  const t = checkNumber("softplus", "threshold", threshold);
  // d/dx = σ(beta·x), or 1 above the threshold
  return record(apply("softplus", x, b, t), "softplus", [x], (dy) => [intoTemporary("mul", apply("softplusGrad", x, b, t), dy)]);
}

/** hardtanh(x) = x clamped to [minVal, maxVal] (PyTorch's `F.hardtanh`). Backs {@link Tensor.hardtanh}. */
export function hardtanh(x: Tensor, minVal = -1, maxVal = 1): Tensor {
  checkInput("hardtanh", x);
  const lo = checkNumber("hardtanh", "minVal", minVal);
  const hi = checkNumber("hardtanh", "maxVal", maxVal);
  const y = emptyLike(x);
  x.backend.clamp(x.dataRef(), Math.min(lo, hi), hi, y.storage.ref);
  // d/dx = 1 strictly inside (minVal, maxVal), 0 at and beyond the bounds and at NaN (PyTorch's
  // vectorized kernel; its scalar tail gives 1 at NaN)
  return record(y, "hardtanh", [x], (dy) => [dy.mul(applyBinary("mul", applyScalar("gt", x, lo), applyScalar("lt", x, hi)))]);
}

/** logSigmoid(x) = log σ(x) = min(x, 0) − log(1 + e^−|x|) (PyTorch's `F.logsigmoid`). Backs {@link Tensor.logSigmoid}. */
export function logSigmoid(x: Tensor): Tensor {
  checkInput("logSigmoid", x);
  // d log σ(x)/dx = 1 − σ(x) = σ(−x)
  return record(apply("logSigmoid", x), "logSigmoid", [x], (dy) => [intoTemporary("mul", apply("sigmoid", apply("neg", x)), dy)]);
}
