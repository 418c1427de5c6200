/** Element types a tensor may hold. */
export type DType = "float32" | "float64";

export const DTYPES: readonly DType[] = ["float32", "float64"];

/** The dtype two operands compute in (PyTorch's promotion among floats). */
export function promoteTypes(a: DType, b: DType): DType {
  return a === "float64" || b === "float64" ? "float64" : "float32";
}

export function checkDType(op: string, dtype: unknown): DType {
  if (dtype === "float32" || dtype === "float64") return dtype;
  throw new Error(`${op}: unsupported dtype ${JSON.stringify(dtype)} (expected "float32" or "float64")`);
}
