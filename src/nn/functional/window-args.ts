/** Argument checks shared by convolution and pooling: sizes as a number or a pair, output sizes. */
import { formatShape } from "../../tensor/shape.js";

/** A size given once for every spatial axis or per axis. */
export type Size2 = number | readonly [number, number];

/** @internal `value` as one entry per axis, each an integer ≥ `min`. */
export function expandSize(op: string, name: string, value: number | readonly number[], axes: number, min: number): number[] {
  const values = typeof value === "number" ? new Array<number>(axes).fill(value) : [...value];
  if (values.length !== axes || values.some((v) => !Number.isInteger(v) || v < min)) {
    throw new Error(`${op}: ${name} must be an integer ≥ ${min} or ${axes} of them, got ${JSON.stringify(value)}`);
  }
  return values;
}

/**
 * @internal Number of window positions along one axis: ⌊(size + 2·pad − dilation·(k − 1) − 1) / stride⌋ + 1,
 * rounded up with `ceilMode` except that the last window must start inside the input or its
 * left padding (PyTorch's pooling rule).
 */
export function windowCount(size: number, kernel: number, stride: number, pad: number, dilation: number, ceilMode: boolean): number {
  const span = size + 2 * pad - dilation * (kernel - 1) - 1;
  let count = (ceilMode ? Math.ceil(span / stride) : Math.floor(span / stride)) + 1;
  if (ceilMode && (count - 1) * stride >= size + pad) count--;
  return count;
}

/** @internal Throws unless the input has one of the expected ranks (batched or unbatched). */
export function checkRank(op: string, shape: readonly number[], spatial: number): void {
  if (shape.length !== spatial + 2 && shape.length !== spatial + 1) {
    const names = spatial === 2 ? "[N, C, H, W] or [C, H, W]" : "[N, C, L] or [C, L]";
    throw new Error(`${op}: expected input ${names}, got ${formatShape(shape)}`);
  }
}
