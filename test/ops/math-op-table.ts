/**
 * The fixture of PyTorch-made values for the element-wise math ops (test/fixtures/math-ops.json,
 * written by scripts/fixtures/make_math_fixtures.py) and, one line per op, how nabla computes
 * the same op. A sibling of op-table.ts; non-finite numbers arrive as strings.
 */
import { readFileSync } from "node:fs";
import { tensor, nn, type DType, type Tensor } from "../../src/index.js";

export interface MathFixtureTensor {
  shape: number[];
  data: (number | string)[];
}

export interface MathArgs {
  other?: number;
  negativeSlope?: number;
  alpha?: number;
  approximate?: "none" | "tanh";
  beta?: number;
  threshold?: number;
  minVal?: number;
  maxVal?: number;
}

export interface MathCase {
  name: string;
  op: string;
  args: MathArgs;
  inputs: MathFixtureTensor[];
  out: MathFixtureTensor;
  weight?: MathFixtureTensor;
  grads?: MathFixtureTensor[];
  /** false: an edge case (kinks, NaN, ±∞) that gradcheck skips. */
  smooth?: false;
}

type OpFn = (t: Tensor[], a: MathArgs) => Tensor;
const second = (t: Tensor[], a: MathArgs): Tensor | number => t[1] ?? a.other!;
const F = nn.functional;

/** nabla's side of every case: the Tensor methods, and nn.functional for the activations. */
export const MATH_OPS: Record<string, OpFn> = {
  sin: (t) => t[0]!.sin(),
  cos: (t) => t[0]!.cos(),
  tan: (t) => t[0]!.tan(),
  erf: (t) => t[0]!.erf(),
  log1p: (t) => t[0]!.log1p(),
  expm1: (t) => t[0]!.expm1(),
  log2: (t) => t[0]!.log2(),
  reciprocal: (t) => t[0]!.reciprocal(),
  rsqrt: (t) => t[0]!.rsqrt(),
  sign: (t) => t[0]!.sign(),
  floor: (t) => t[0]!.floor(),
  ceil: (t) => t[0]!.ceil(),
  round: (t) => t[0]!.round(),
  trunc: (t) => t[0]!.trunc(),
  leakyRelu: (t, a) => F.leakyRelu(t[0]!, a.negativeSlope),
  elu: (t, a) => t[0]!.elu(a.alpha),
  gelu: (t, a) => F.gelu(t[0]!, a.approximate),
  silu: (t) => F.silu(t[0]!),
  softplus: (t, a) => t[0]!.softplus(a.beta, a.threshold),
  hardtanh: (t, a) => F.hardtanh(t[0]!, a.minVal, a.maxVal),
  logSigmoid: (t) => F.logSigmoid(t[0]!),
  remainder: (t, a) => t[0]!.remainder(second(t, a)),
  atan2: (t, a) => t[0]!.atan2(second(t, a)),
  logicalAnd: (t, a) => t[0]!.logicalAnd(second(t, a)),
  logicalOr: (t, a) => t[0]!.logicalOr(second(t, a)),
  logicalXor: (t, a) => t[0]!.logicalXor(second(t, a)),
  logicalNot: (t) => t[0]!.logicalNot(),
};

export const NOT_DIFFERENTIABLE = new Set(["logicalAnd", "logicalOr", "logicalXor", "logicalNot"]);

export const MATH_CASES: MathCase[] = (JSON.parse(readFileSync(new URL("../fixtures/math-ops.json", import.meta.url), "utf8")) as { cases: MathCase[] }).cases;

/** A fixture number: "NaN", "Infinity" and "-Infinity" come as strings. */
export function decode(values: readonly (number | string)[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : Number(v)));
}

export function rebuildMath(value: MathFixtureTensor, dtype: DType, requiresGrad = false): Tensor {
  return tensor(decode(value.data), { shape: value.shape, dtype, requiresGrad });
}
