/**
 * @internal The largest tensor any backend holds: 2³¹ − 1 elements. The WASM kernels count
 * elements in 32-bit integers (and its memory ends at 4 GiB), and a typed array that large
 * already costs 8–16 GB; a request beyond it used to hang for tens of seconds or exhaust
 * memory before failing with an engine message. Checked before anything is allocated.
 */
export const MAX_ELEMENTS = 2 ** 31 - 1;

/** Throws, naming `op`, the shape and the limit, when `shape` has more than MAX_ELEMENTS elements. */
export function checkElementCount(op: string, shape: readonly number[]): void {
  let size = 1;
  for (const d of shape) size *= d;
  if (size > MAX_ELEMENTS) {
    throw new Error(`${op}: a tensor of shape [${shape.join(",")}] would have ${size.toLocaleString("en-US")} elements; the limit is ${MAX_ELEMENTS.toLocaleString("en-US")} (2^31 − 1)`);
  }
}
