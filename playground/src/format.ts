/** Number and tensor formatting shared by the views: the library's, set with real minus signs for the page. */
import { viz, type Tensor } from "nabla";

/** A number in at most `digits` significant digits (as `viz.formatNumber`), with a real minus sign. */
export function formatNumber(value: number, digits = 4): string {
  if (value === Infinity || value === -Infinity) return value > 0 ? "∞" : "−∞";
  return viz.formatNumber(value, digits).replace(/-/g, "−");
}

/** A tensor as a short text: its number when it has one value, else its first few values. */
export function formatTensor(value: Tensor, limit = 3): string {
  const flat = value.toTypedArray();
  if (value.size === 1) return formatNumber(flat[0]!);
  const shown = Array.from(flat.slice(0, limit), (v) => formatNumber(v, 3)).join(", ");
  return `[${value.shape.join("×")}] ${shown}${value.size > limit ? ", …" : ""}`;
}
