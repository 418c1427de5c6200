/**
 * Row-major stride arithmetic, shared by the tensor layer and every backend (the lowest layer
 * holds it so that imports keep flowing one way: backend ← tensor).
 */

// Stride arrays are built with push, never `new Array(n)`: V8 gives those a holey element kind,
// and functions that see both kinds deoptimize ("wrong map") and wait to be compiled again,
// which stretches a training loop's warm-up. Nor with `Array.prototype.map` on a hot path: the
// interpreter's map returns a packed array, but TurboFan's inlined map allocates a holey one, so
// once an op is optimized the shapes it makes change element kind and every function compiled
// for packed shapes deoptimizes — a cascade of dozens of recompiles measured inside W1's timed
// steps. Push loops and the helpers here keep shapes, strides and axis lists packed.

/** The number of elements of `shape` (1 for a scalar's []). */
export function sizeOf(shape: readonly number[]): number {
  // (an indexed loop: `size` is read on every call of compiled steps, and in V8's lower tiers a for-of allocates)
  let size = 1;
  for (let i = 0; i < shape.length; i++) size *= shape[i]!;
  return size;
}

/** `length` copies of `value`, packed (`shape.map(() => value)` without the holey risk). */
export function filledArray(length: number, value: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < length; i++) out.push(value);
  return out;
}

/** The strides of a dense row-major layout of `shape` (the last axis has stride 1). */
export function contiguousStrides(shape: readonly number[]): number[] {
  // literals for the usual ranks: sized exactly (a push loop grows an empty array to 17 slots,
  // and every new tensor makes one of these), and packed like the push loop's
  switch (shape.length) {
    case 0:
      return [];
    case 1:
      return [1];
    case 2:
      return [shape[1]!, 1];
    case 3: {
      const last = shape[2]!;
      return [shape[1]! * last, last, 1];
    }
  }
  const strides: number[] = [];
  for (let d = 0; d < shape.length; d++) strides.push(0);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    strides[d] = stride;
    stride *= shape[d]!;
  }
  return strides;
}

/**
 * Whether `strides` read `shape` in row-major order with no gaps, i.e. equal
 * {@link contiguousStrides} on every axis longer than 1 (an axis of extent 1 is never stepped
 * through, so its stride does not matter). Checked innermost first without building the array:
 * it runs for every op input.
 */
export function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    const extent = shape[d]!;
    if (extent !== 1 && strides[d] !== expected) return false;
    expected *= extent;
  }
  return true;
}
