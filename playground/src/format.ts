/** Number and tensor formatting shared by the views. */
import type { Tensor } from "nabla";

/** A number in at most `digits` significant digits, with a real minus sign. */
export function formatNumber(value: number, digits = 4): string {
  if (Number.isNaN(value)) return "NaN";
  if (!Number.isFinite(value)) return value > 0 ? "∞" : "−∞";
  if (value === 0) return "0";
  const text = Math.abs(value) >= 1e5 || Math.abs(value) < 1e-3 ? value.toExponential(digits - 1) : String(+value.toPrecision(digits));
  return text.replace("-", "−");
}

/** A tensor as a short text: its number when it has one value, else its first few values. */
export function formatTensor(value: Tensor, limit = 3): string {
  const flat = value.toTypedArray();
  if (value.size === 1) return formatNumber(flat[0]!);
  const shown = Array.from(flat.slice(0, limit), (v) => formatNumber(v, 3)).join(", ");
  return `[${value.shape.join("×")}] ${shown}${value.size > limit ? ", …" : ""}`;
}
