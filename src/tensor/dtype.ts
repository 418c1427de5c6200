/**
 * Element types a tensor may hold, and PyTorch's rules for the type an op computes in.
 *
 * `int32` stands where PyTorch uses int64 (indices, `argmax`, `randint`, integer `arange`,
 * sums of integers): JavaScript typed arrays and WebAssembly have no cheap 64-bit integer
 * element, and int32 covers every index a tensor of at most 2³¹ elements needs.
 */
export type DType = "float32" | "float64" | "int32" | "bool";

/** Every dtype nabla supports, in promotion order: float32, float64, int32, bool. */
export const DTYPES: readonly DType[] = ["float32", "float64", "int32", "bool"];

/**
 * Whether `dtype` holds real numbers (only such tensors can require gradients).
 *
 * @example
 * ```ts
 * import { isFloatingPoint } from "nabla";
 * console.log(isFloatingPoint("float64"), isFloatingPoint("int32")); // true false
 * ```
 */
export function isFloatingPoint(dtype: DType): boolean {
  return dtype === "float32" || dtype === "float64";
}

// bool < int32 < float32 < float64: promotion takes the wider of two types.
const RANK: Record<DType, number> = { bool: 0, int32: 1, float32: 2, float64: 3 };

/**
 * The narrowest dtype both `a` and `b` convert to without losing their kind (PyTorch's
 * promote_types): bool < int32 < float32 < float64.
 *
 * @example
 * ```ts
 * import { promoteTypes } from "nabla";
 * console.log(promoteTypes("int32", "float32"), promoteTypes("bool", "int32")); // float32 int32
 * ```
 */
export function promoteTypes(a: DType, b: DType): DType {
  return RANK[a] >= RANK[b] ? a : b;
}

/** bool, integer or floating point: a number or a 0-d tensor widens an operand only across kinds. */
function category(dtype: DType): number {
  return dtype === "bool" ? 0 : dtype === "int32" ? 1 : 2;
}

/** The dtype a plain number behaves as: an integer-valued number as int32, any other as float32. */
export function numberDType(value: number): DType {
  return Number.isInteger(value) ? "int32" : "float32";
}

/** An operand as the promotion rules see it: its dtype and whether it has dimensions. */
export interface PromotionOperand {
  readonly dtype: DType;
  /** 0 for a 0-d tensor; a plain number is passed with `isNumber` and the dtype it behaves as (int32 if integer-valued, else float32). */
  readonly ndim: number;
  readonly isNumber?: boolean;
}

// PyTorch's combine_categories: the lower-standing group (0-d tensors, then numbers) changes the
// result only when its kind is higher (an int32 tensor times 2.5 computes in float32, a float32
// tensor times a float64 0-d tensor stays float32).
function combine(higher: DType | null, lower: DType | null): DType | null {
  if (higher === null) return lower;
  if (lower === null || isFloatingPoint(higher)) return higher;
  if (higher === "bool" || category(lower) > category(higher)) return promoteTypes(higher, lower);
  return higher;
}

/**
 * The dtype an element-wise op over `operands` computes in (PyTorch's result_type): tensors with
 * dimensions decide, then 0-d tensors, then plain numbers, each only when its kind (bool,
 * integer, floating point) is higher than what decided before.
 *
 * @example
 * ```ts
 * import { resultType } from "nabla";
 * console.log(resultType({ dtype: "int32", ndim: 1 }, { dtype: "float32", ndim: 0, isNumber: true })); // float32
 * console.log(resultType({ dtype: "float32", ndim: 1 }, { dtype: "float64", ndim: 0 })); // float32
 * ```
 */
export function resultType(...operands: readonly PromotionOperand[]): DType {
  let dimensioned: DType | null = null;
  let zeroDim: DType | null = null;
  let numbers: DType | null = null;
  for (const { dtype, ndim, isNumber } of operands) {
    if (isNumber === true) numbers = numbers === null ? dtype : promoteTypes(numbers, dtype);
    else if (ndim === 0) zeroDim = zeroDim === null ? dtype : promoteTypes(zeroDim, dtype);
    else dimensioned = dimensioned === null ? dtype : promoteTypes(dimensioned, dtype);
  }
  return combine(dimensioned, combine(zeroDim, numbers)) ?? "float32";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (typeof dtype === "string" && (DTYPES as readonly string[]).includes(dtype)) return dtype as DType;
  throw new Error(`${op}: unsupported dtype ${JSON.stringify(dtype)} (expected one of ${DTYPES.map((d) => `"${d}"`).join(", ")})`);
}

/** Throws unless `dtype` is floating point: for ops with no integer meaning (mean, softmax, …). */
export function requireFloatingPoint(op: string, dtype: DType, hint = "convert it with .float() first"): void {
  if (!isFloatingPoint(dtype)) throw new Error(`${op}: expected a floating-point tensor (float32 or float64), got ${dtype}; ${hint}`);
}

/**
 * @internal The dtype a binary op of tensor `a` and `other` (a tensor or a number) computes in,
 * raised to at least `atLeast` when given (true division: float32).
 */
export function operandDType(a: PromotionOperand, other: PromotionOperand | number, atLeast?: DType): DType {
  let dtype: DType;
  // The usual cases decide without building operands (this runs for every element-wise op): a
  // float tensor with a number keeps its dtype, and so do two tensors of one dtype.
  if (typeof other === "number") dtype = isFloatingPoint(a.dtype) ? a.dtype : resultType(a, { dtype: numberDType(other), ndim: 0, isNumber: true });
  else dtype = a.dtype === other.dtype ? a.dtype : resultType(a, other);
  return atLeast === undefined ? dtype : promoteTypes(dtype, atLeast);
}
