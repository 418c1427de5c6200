import { tensor } from "../../tensor/creation.js";
import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { checkValuesOnHost, hostValues, onBackend } from "../../ops/operand.js";

/** Class indices: an int32 tensor (or a float tensor of integral values), or plain numbers, one per sample. */
export type ClassTarget = Tensor | readonly number[];

/** @internal Class indices checked by {@link classIndices}. */
export interface CheckedIndices {
  /** The indices as a detached int32 tensor of the expected shape, on the input's backend. */
  indices: Tensor;
  /** Whether some index equals the ignored one; null where the values could not be read here. */
  anyIgnored: boolean | null;
}

/**
 * @internal Checks `target` holds one integer class index in [0, classes) — or `ignoreIndex` —
 * per sample, in the shape `shape` ([N], [N, d1, …] or [] for one sample), and returns it as a
 * detached int32 tensor.
 */
export function classIndices(op: string, target: ClassTarget, shape: readonly number[], classes: number, like: Tensor, ignoreIndex: number | null = null): CheckedIndices {
  const indices = target instanceof Tensor ? target.detach() : tensor([...target], { dtype: "float64" });
  if (indices.dtype === "bool") throw new Error(`${op}: class indices must be int32 (or integral numbers), got a bool tensor`);
  // a list of one number stands for one sample's target as well
  const reshaped = shape.length === 0 && indices.ndim === 1 && indices.shape[0] === 1 ? indices.reshape([]) : indices;
  if (reshaped.ndim !== shape.length || reshaped.shape.some((d, i) => d !== shape[i])) {
    throw new Error(`${op}: expected target of shape ${formatShape(shape)} (one class index per sample of the input), got ${formatShape(indices.shape)}`);
  }
  let anyIgnored: boolean | null = null;
  // on the host where the values are at hand; a device backend checks on the device (backend.ts)
  checkValuesOnHost(target, (values) => {
    anyIgnored = false;
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v === ignoreIndex) {
        anyIgnored = true;
        continue;
      }
      if (!Number.isInteger(v)) throw new Error(`${op}: target ${v} at position ${i} is not an integer class index`);
      if (v < 0 || v >= classes) throw new Error(`${op}: target ${v} at position ${i} is out of bounds: class indices must be in [0, ${classes})`);
    }
  });
  return { indices: onBackend(reshaped, like.backend).to("int32"), anyIgnored };
}

/**
 * @internal Checks that every value of a binary target lies in [0, 1] (NaN included as bad), on
 * a backend that reads synchronously; a device backend checks on the device (backend.ts).
 * Returns whether every value was seen in [{@link PROBABILITY_MARGIN}, 1 − margin] (false
 * where the values could not be read here), where binary cross-entropy's clamps cannot bind.
 */
export function checkProbabilities(op: string, what: string, values: Tensor): boolean {
  // the data itself, not a copy, and a loop of its own rather than a callback: it runs on every
  // step of a training loop (both arguments of binary cross-entropy)
  const data = hostValues(values);
  if (data === null) return false;
  let inside = true;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (!(v >= 0 && v <= 1)) throw new Error(`${op}: all elements of ${what} should be between 0 and 1, got ${v} at position ${i}`);
    if (v < PROBABILITY_MARGIN || 1 - v < PROBABILITY_MARGIN) inside = false;
  }
  return inside;
}

/** @internal How far from 0 and 1 {@link checkProbabilities} calls a value inside. */
export const PROBABILITY_MARGIN = 1e-11;

/** @internal Requires `target` to have exactly `input`'s shape (no silent broadcasting). */
export function checkSameShape(op: string, input: Tensor, target: Tensor): void {
  if (input.shape.length !== target.shape.length || input.shape.some((d, i) => d !== target.shape[i])) {
    throw new Error(`${op}: target shape ${formatShape(target.shape)} is different from input shape ${formatShape(input.shape)}; please ensure they have the same size`);
  }
}
