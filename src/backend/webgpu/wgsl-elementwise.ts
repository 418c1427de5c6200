/**
 * The element-wise kernels, generated from the op table: one WGSL expression per op (a
 * `Record` over the table's names, so an op added there without one here is a compile error).
 * Unary ops compute in f32 on `x` with parameters `p0` (alpha) and `p1` (beta); their values
 * at NaN and ±∞ come from the reference kernels, computed on the host at dispatch (pX below),
 * since WGSL may assume neither exists. Binary ops compute in f32, or in i32 where both
 * operands and the result are integers and the op has an exact integer form.
 */
import { unknownOp, type BinaryOp, type UnaryOp } from "../op-table.js";
import type { DType } from "../../tensor/dtype.js";
import { binding, elementKernel, load, memo, store, stridedOffsets } from "./wgsl.js";

const SQRT1_2 = "0.70710678118654752";
const NORMAL_PEAK = "0.39894228040143268";
const GELU_BETA = "0.79788456080286536";
const GELU_KAPPA = "0.044715";

export const UNARY_WGSL: Readonly<Record<UnaryOp, string>> = {
  neg: "-x",
  exp: "expf(x)",
  log: "logf(x)",
  sqrt: "select(sqrt(x), nanf(), x < 0.0)",
  abs: "abs(x)",
  sign: "select(select(0.0, -1.0, x < 0.0), 1.0, x > 0.0)",
  relu: "select(x, 0.0, x < 0.0)",
  sigmoid: "sigmoidf(x)",
  tanh: "tanhf(x)",
  step: "select(1.0, 0.0, x <= 0.0)",
  sin: "sin(x)",
  cos: "cos(x)",
  tan: "tan(x)",
  erf: "erff(x)",
  log1p: "log1pf(x)",
  expm1: "expm1f(x)",
  log2: "select(select(log2(x), -inff(), x == 0.0), nanf(), x < 0.0)",
  reciprocal: "1.0 / x",
  rsqrt: "select(select(1.0 / sqrt(x), inff(), x == 0.0), nanf(), x < 0.0)",
  floor: "floor(x)",
  ceil: "ceil(x)",
  round: "round(x)", // WGSL rounds half to even, as PyTorch
  trunc: "trunc(x)",
  logicalNot: "select(0.0, 1.0, x == 0.0)",
  leakyRelu: "select(x * p0, x, x > 0.0)",
  leakyReluGrad: "select(p0, 1.0, x > 0.0)",
  elu: "select((expf(x) - 1.0) * p0, x, x > 0.0)",
  eluGrad: "select(p0 * expf(x), 1.0, x > 0.0)",
  gelu: `x * 0.5 * (1.0 + erff(x * ${SQRT1_2}))`,
  geluGrad: `0.5 * (1.0 + erff(x * ${SQRT1_2})) + x * expf(-0.5 * x * x) * ${NORMAL_PEAK}`,
  geluTanh: `0.5 * x * (1.0 + tanhf(${GELU_BETA} * (x + ${GELU_KAPPA} * x * x * x)))`,
  geluTanhGrad: `geluTanhGrad(x)`,
  silu: "x * sigmoidf(x)",
  siluGrad: "sigmoidf(x) * (1.0 + x * (1.0 - sigmoidf(x)))",
  softplus: "select(log1pf(expf(x * p0)) / p0, x, x * p0 > p1)",
  softplusGrad: "select(sigmoidf(x * p0), 1.0, x * p0 > p1)",
  logSigmoid: "min(x, 0.0) - log1pf(expf(-abs(x)))",
};

const GELU_TANH_GRAD = `fn geluTanhGrad(x: f32) -> f32 {
  let t = tanhf(${GELU_BETA} * (x + ${GELU_KAPPA} * x * x * x));
  return 0.5 * (1.0 + t) + 0.5 * x * (1.0 - t * t) * ${GELU_BETA} * (1.0 + 3.0 * ${GELU_KAPPA} * x * x);
}`;

/** f32 forms of the binary ops (a and b), NaN handled through the bits. */
export const BINARY_WGSL: Readonly<Record<BinaryOp, string>> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b",
  div: "a / b",
  pow: "powf(a, b)",
  maximum: "select(select(b, a, a > b), nanf(), isnan(a) || isnan(b))",
  minimum: "select(select(b, a, a < b), nanf(), isnan(a) || isnan(b))",
  gt: "select(0.0, 1.0, a > b && !isnan(a) && !isnan(b))",
  ge: "select(0.0, 1.0, a >= b && !isnan(a) && !isnan(b))",
  lt: "select(0.0, 1.0, a < b && !isnan(a) && !isnan(b))",
  le: "select(0.0, 1.0, a <= b && !isnan(a) && !isnan(b))",
  eq: "select(0.0, 1.0, a == b && !isnan(a) && !isnan(b))",
  remainder: "remf(a, b)",
  floorDivide: "floorDivf(a, b)",
  atan2: "atan2f(a, b)",
  logicalAnd: "select(0.0, 1.0, truthy(a) && truthy(b))",
  logicalOr: "select(0.0, 1.0, truthy(a) || truthy(b))",
  logicalXor: "select(0.0, 1.0, truthy(a) != truthy(b))",
  reluGrad: "select(b, 0.0, a <= 0.0 && !isnan(a))",
};

/** Exact i32 forms, used when both operands and the result are int32 or bool. */
const BINARY_I32: Partial<Record<BinaryOp, string>> = {
  add: "a + b",
  sub: "a - b",
  mul: "a * b", // wraps as Math.imul
  maximum: "max(a, b)",
  minimum: "min(a, b)",
  gt: "select(0, 1, a > b)",
  ge: "select(0, 1, a >= b)",
  lt: "select(0, 1, a < b)",
  le: "select(0, 1, a <= b)",
  eq: "select(0, 1, a == b)",
  remainder: "remi(a, b)",
  floorDivide: "floorDivi(a, b)",
  logicalAnd: "select(0, 1, a != 0 && b != 0)",
  logicalOr: "select(0, 1, a != 0 || b != 0)",
  logicalXor: "select(0, 1, (a != 0) != (b != 0))",
  reluGrad: "select(b, 0, a <= 0)",
};

/** Exact i32 forms of the unary ops that keep integers integers. */
const UNARY_I32: Partial<Record<UnaryOp, string>> = { neg: "-x", abs: "abs(x)", sign: "sign(x)", relu: "max(x, 0)" };

/**
 * out[i] = op(x[i]). Parameters: prm[0] the size; F(0), F(1) alpha and beta; F(2), F(3), F(4)
 * the op's values at NaN, +∞ and −∞.
 */
export const unaryShader = memo(function unaryShader(op: UnaryOp, inType: DType, outType: DType): string {
  const expr = UNARY_WGSL[op];
  if (expr === undefined) throw unknownOp("unary kernel", op);
  const exact = inType === "int32" && outType === "int32" ? UNARY_I32[op] : undefined;
  const body =
    exact !== undefined
      ? `  let x = ${load("xs", inType, "i", "i32")};\n  out[i] = ${exact};`
      : `  let x = ${load("xs", inType, "i", "f32")};
  let p0 = F(0); let p1 = F(1);
  var v = ${expr};
  let bits = bitcast<u32>(x);
  if (isnan(x)) { v = F(2); } else if (bits == 0x7f800000u) { v = F(3); } else if (bits == 0xff800000u) { v = F(4); }
  out[i] = ${store("v", "f32", outType)};`;
  const helper = op === "geluTanhGrad" ? [GELU_TANH_GRAD] : [];
  return elementKernel([binding(1, "xs", inType), binding(5, "out", outType), ...helper], body);
});

function binaryCompute(op: BinaryOp, aType: DType, bType: DType, outType: DType): { as: "f32" | "i32"; expr: string } {
  const integer = (d: DType) => d === "int32" || d === "bool";
  if (!Object.hasOwn(BINARY_WGSL, op)) throw unknownOp("binary kernel", op);
  const exact = BINARY_I32[op];
  if (integer(aType) && integer(bType) && integer(outType) && exact !== undefined) return { as: "i32", expr: exact };
  return { as: "f32", expr: BINARY_WGSL[op] };
}

/**
 * out[i] = a op b over a strided shape. Parameters: prm[0] the size, then from prm[8] the
 * rank, shape and the operands' offsets and strides ({@link stridedOffsets}).
 */
export const binaryShader = memo(function binaryShader(op: BinaryOp, aType: DType, bType: DType, outType: DType): string {
  const { as, expr } = binaryCompute(op, aType, bType, outType);
  const body = `${stridedOffsets(["ia", "ib"], "8")}
  let a = ${load("a", aType, "ia", as)};
  let b = ${load("bb", bType, "ib", as)};
  out[i] = ${store(`(${expr})`, as, outType)};`;
  return elementKernel([binding(1, "a", aType), binding(2, "bb", bType), binding(5, "out", outType)], body);
});

/**
 * out[i] = a op s (or s op a): the number s is F(0) as f32, prm[2] as i32. Strided like
 * {@link binaryShader} with one operand.
 */
export const binaryScalarShader = memo(function binaryScalarShader(op: BinaryOp, aType: DType, scalarFirst: boolean, outType: DType): string {
  const { as, expr } = binaryCompute(op, aType, aType, outType);
  const s = as === "f32" ? "F(0)" : "prm[2]";
  const [first, second] = scalarFirst ? [s, load("x", aType, "ia", as)] : [load("x", aType, "ia", as), s];
  const body = `${stridedOffsets(["ia"], "8")}
  let a = ${first};
  let b = ${second};
  out[i] = ${store(`(${expr})`, as, outType)};`;
  return elementKernel([binding(1, "x", aType), binding(5, "out", outType)], body);
});
