/** Short text for numbers and tensors on graph nodes and plot labels. */
import type { NestedArray, Tensor } from "../tensor/tensor.js";

/**
 * A number with at most `digits` significant digits and no trailing zeros; −0 prints as 0.
 *
 * @example
 * ```ts
 * import { viz } from "nabla";
 * console.log(viz.formatNumber(0.731058578)); // "0.7311"
 * console.log(viz.formatNumber(-12)); // "-12"
 * ```
 */
export function formatNumber(value: number, digits = 4): string {
  if (!Number.isFinite(value)) return String(value);
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e6 || magnitude < 1e-4) return value.toExponential(digits - 1).replace(/\.?0+e/, "e");
  return String(Number(value.toPrecision(digits)));
}

function formatNested(value: NestedArray, digits: number): string {
  return Array.isArray(value) ? `[${value.map((v) => formatNested(v, digits)).join(", ")}]` : typeof value === "boolean" ? String(value) : formatNumber(value, digits);
}

/**
 * A tensor in a few characters: the value of a scalar, the values of a small tensor, or the
 * shape and mean of a large one.
 *
 * @example
 * ```ts
 * import { tensor, zeros, viz } from "nabla";
 * console.log(viz.formatTensor(tensor(3))); // "3"
 * console.log(viz.formatTensor(tensor([1, 2.5]))); // "[1, 2.5]"
 * console.log(viz.formatTensor(zeros([64, 2]))); // "[64×2] mean 0"
 * ```
 */
export function formatTensor(t: Tensor, options: { digits?: number; maxElements?: number } = {}): string {
  const digits = options.digits ?? 4;
  if (t.size <= (options.maxElements ?? 6)) return formatNested(t.toArray(), digits);
  const values = t.toTypedArray();
  let sum = 0;
  for (const v of values) sum += v;
  return `[${t.shape.join("×")}] mean ${formatNumber(sum / values.length, digits)}`;
}
