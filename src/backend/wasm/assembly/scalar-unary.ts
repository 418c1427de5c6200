// The unary ops on one value, through the f64 Math library (one rounding from the TS backend's
// for float32): the element-wise kernels' tails, and the lanes the float32 polynomials leave
// out of their ranges (transcendental.ts).

import { NEG, EXP, LOG, SQRT, ABS, SIGN, RELU, SIGMOID, TANH, STEP, SIN, COS, TAN, ERF, LOG1P, EXPM1, LOG2, RECIPROCAL, RSQRT, FLOOR, CEIL, ROUND, TRUNC, LOGICAL_NOT, LEAKY_RELU, LEAKY_RELU_GRAD, ELU, ELU_GRAD, GELU, GELU_GRAD, GELU_TANH, GELU_TANH_GRAD, SILU, SILU_GRAD, SOFTPLUS, SOFTPLUS_GRAD, LOG_SIGMOID } from "./opcodes";
import * as m from "./math";

/** op(v) for one value; alpha and beta are the op's parameters (op-table.ts). */
export function scalarUnary<T>(op: i32, v: T, alpha: f64, beta: f64): T {
  const d = <f64>v;
  switch (op) {
    case NEG: return -v;
    case EXP: return <T>Math.exp(d);
    case LOG: return <T>Math.log(d);
    case SQRT: return <T>Math.sqrt(d);
    case ABS: return <T>Math.abs(d);
    case SIGN: return v > 0 ? <T>1 : v < 0 ? <T>-1 : <T>0; // 0 at NaN and ±0, as PyTorch
    case RELU: return v < 0 ? <T>0 : v; // NaN stays NaN, as PyTorch
    case SIGMOID: {
      // two branches so exp never overflows
      if (d >= 0) return <T>(1 / (1 + Math.exp(-d)));
      const e = Math.exp(d);
      return <T>(e / (1 + e));
    }
    case TANH: return <T>Math.tanh(d);
    case STEP: return v <= 0 ? <T>0 : <T>1; // 1 at NaN, as PyTorch's relu backward
    case SIN: return <T>Math.sin(d);
    case COS: return <T>Math.cos(d);
    case TAN: return <T>Math.tan(d);
    case ERF: return <T>m.erf(d);
    case LOG1P: return <T>Math.log1p(d);
    case EXPM1: return <T>Math.expm1(d);
    case LOG2: return <T>Math.log2(d);
    case RECIPROCAL: return <T>(1 / d);
    case RSQRT: return <T>(1 / Math.sqrt(d));
    case FLOOR: return floor<T>(v);
    case CEIL: return ceil<T>(v);
    case ROUND: return nearest<T>(v); // ties to even
    case TRUNC: return trunc<T>(v);
    case LOGICAL_NOT: return v == 0 ? <T>1 : <T>0;
    case LEAKY_RELU: return v > 0 ? v : <T>(d * alpha);
    case LEAKY_RELU_GRAD: return v > 0 ? <T>1 : <T>alpha;
    case ELU: return <T>m.elu(d, alpha);
    case ELU_GRAD: return <T>m.eluGrad(d, alpha);
    case GELU: return <T>m.gelu(d);
    case GELU_GRAD: return <T>m.geluGrad(d);
    case GELU_TANH: return <T>m.geluTanh(d);
    case GELU_TANH_GRAD: return <T>m.geluTanhGrad(d);
    case SILU: return <T>m.silu(d);
    case SILU_GRAD: return <T>m.siluGrad(d);
    case SOFTPLUS: return <T>m.softplus(d, alpha, beta);
    case SOFTPLUS_GRAD: return <T>m.softplusGrad(d, alpha, beta);
    case LOG_SIGMOID: return <T>m.logSigmoid(d);
    default: unreachable();
  }
  return v;
}
