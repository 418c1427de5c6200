// Large eager calls in pieces that stay in cache. A call copies its operands into the arena,
// computes, and copies its result out; over a whole large tensor (W5's first ReLU and its
// gradient: 802,816 floats, 3.2 MB an operand) the arena's copies outgrow the L2 cache, so every
// pass (copy in, compute, copy out) goes through main memory. In pieces of a few hundred KB the
// arena stays in cache and each tensor is read or written from memory once. In an eager W5
// step (`node --import tsx bench/eager-ops.ts W5`, against `… W5 --whole`, three processes each)
// the ReLU gradients took 1.21–1.49 and 0.54–0.59 ms against 1.81–2.01 and 0.77–0.91, the
// first ReLU 0.55–0.67 against 0.68–0.73, the bias gradients' sums 0.39–0.49 and 0.22–0.27
// against 0.51–0.52 and 0.36–0.50 (bench/elementwise-pieces.ts times the calls alone, where
// the one-call form suffers less). Every
// element is computed as the one call over all of them computes it: an element-wise piece is a
// whole number of 64-element blocks, so the kernels' vector loops cover the same elements and the
// scalar tail is the same last elements (as compile's threaded element-wise tasks rely on too);
// pooling, reductions and softmax split into whole images or slices, each computed on its own.

/**
 * Elements of one piece (a multiple of 64), and calls of at least `minimum` elements are split;
 * tests set `elements` to Infinity to compare against the unsplit call.
 * @internal
 */
export const elementwiseChunk = { elements: 32768, minimum: 65536 };

/** data[lo, hi), without a new view object when that is all of it (a call in one piece). */
export function part<Data extends Float32Array | Float64Array | Int32Array>(data: Data, lo: number, hi: number): Data {
  return lo === 0 && hi === data.length ? data : (data.subarray(lo, hi) as Data);
}

/** Runs `piece(lo, hi)` over [0, n) in pieces, or once over all of it where n is small. */
export function forEachChunk(n: number, piece: (lo: number, hi: number) => void): void {
  const size = elementwiseChunk.elements;
  if (n < elementwiseChunk.minimum || !(size < n)) return piece(0, n);
  for (let lo = 0; lo < n; lo += size) piece(lo, Math.min(n, lo + size));
}

/**
 * Runs `piece(first, end)` over [0, count) slices of `elementsEach` elements (a window op's
 * images, a reduction's or softmax's outer slices) in pieces of whole slices, a multiple of
 * `unit` of them each, where the call is large; else once over all of them. Each slice is
 * computed on its own by those kernels, so a piece gives the same bits; `unit` keeps what a
 * kernel groups together in one piece (softmax's rows of four, a causal mask's whole matrices).
 */
export function forEachSlices(count: number, elementsEach: number, piece: (first: number, end: number) => void, unit = 1): void {
  const slices = Math.max(1, Math.floor((2 * elementwiseChunk.elements) / elementsEach / unit)) * unit;
  if (count * elementsEach < elementwiseChunk.minimum || !(slices < count)) return piece(0, count);
  for (let first = 0; first < count; first += slices) piece(first, Math.min(count, first + slices));
}
