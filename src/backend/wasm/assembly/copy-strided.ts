// The strided copy behind expand, permute and slice assignment: a view written into a strided
// region (copyInto; a view gathered into a contiguous buffer is the region of contiguous
// strides). Compiled plans run it at plan addresses (src/compile/wasm-copy.ts); eager mode copies
// in TypeScript (../strided-copy.ts), since copying into WebAssembly first would cost more.
//
// Views of up to four axes after merging (the host side merges what it can, wasm-strided.ts)
// take nested loops with the shape and strides in locals: attention's head split and merge are
// [16, 4, 64, 16] views whose 4,096 rows of 16 values each cost the generic odometer (counters
// in memory, a call out for memory.copy) about 30 ns; here a row is four vector copies. More
// axes take the odometer.
import { copyAnyRow } from "./copy-row";

@inline function at<T>(base: usize, i: i32): usize {
  return base + ((<usize>i) << alignof<T>());
}

/** Axis `d` of a view with `ndim` axes, padded in front to four: the i32 at `words[d]`, or `padding` for a padded axis. */
@inline function padded(words: usize, ndim: i32, d: i32, padding: i32): i32 {
  const k = d - (4 - ndim);
  return k < 0 ? padding : load<i32>(words + ((<usize>k) << 2));
}

/** A row of `n` values from x (stride `stride`) into out (stride `outStride`); the two never overlap. */
@inline function moveRow<T>(out: usize, outStart: i32, outStride: i32, x: usize, start: i32, stride: i32, n: i32): void {
  if (stride == 1 && outStride == 1) copyAnyRow<T>(at<T>(out, outStart), at<T>(x, start), n);
  else {
    let src = start;
    let dst = outStart;
    for (let i = 0; i < n; i++, src += stride, dst += outStride) store<T>(at<T>(out, dst), load<T>(at<T>(x, src)));
  }
}

/**
 * Writes a strided view of `x` into a strided region of `out` (a slice assignment, a split's
 * gradient put back in place). `meta` holds i32 shape[ndim], x's strides[ndim], out's
 * strides[ndim] and ndim counters of scratch (used past four axes). x and out's region never
 * overlap (compile's caller leaves copies within one buffer to the backend).
 */
export function copyInto<T>(x: usize, offset: i32, meta: usize, ndim: i32, out: usize, outOffset: i32, size: i32): void {
  if (size == 0) return;
  if (ndim == 0) {
    store<T>(at<T>(out, outOffset), load<T>(at<T>(x, offset)));
    return;
  }
  const shape = meta;
  const strides = meta + ((<usize>ndim) << 2);
  const outStrides = strides + ((<usize>ndim) << 2);
  if (ndim <= 4) {
    const n0 = padded(shape, ndim, 0, 1), n1 = padded(shape, ndim, 1, 1), n2 = padded(shape, ndim, 2, 1), n3 = padded(shape, ndim, 3, 1);
    const a0 = padded(strides, ndim, 0, 0), a1 = padded(strides, ndim, 1, 0), a2 = padded(strides, ndim, 2, 0), a3 = padded(strides, ndim, 3, 0);
    const b0 = padded(outStrides, ndim, 0, 0), b1 = padded(outStrides, ndim, 1, 0), b2 = padded(outStrides, ndim, 2, 0), b3 = padded(outStrides, ndim, 3, 0);
    for (let i0 = 0; i0 < n0; i0++) {
      for (let i1 = 0; i1 < n1; i1++) {
        let from = offset + i0 * a0 + i1 * a1;
        let to = outOffset + i0 * b0 + i1 * b1;
        // rows contiguous on both sides (a head split or merge): the test hoisted out of the row loop
        if (a3 == 1 && b3 == 1) {
          // byte addresses stepped by wrapping adds (a negative stride wraps in 32 bits, as wanted)
          let source = at<T>(x, from);
          let target = at<T>(out, to);
          for (let i2 = 0; i2 < n2; i2++, source += (<usize>a2) << alignof<T>(), target += (<usize>b2) << alignof<T>()) copyAnyRow<T>(target, source, n3);
        } else for (let i2 = 0; i2 < n2; i2++, from += a2, to += b2) moveRow<T>(out, to, b3, x, from, a3, n3);
      }
    }
    return;
  }
  const counter = outStrides + ((<usize>ndim) << 2);
  for (let d = 0; d < ndim; d++) store<i32>(counter + ((<usize>d) << 2), 0);
  const last = ndim - 1;
  const innerSize = load<i32>(shape + ((<usize>last) << 2));
  const innerStride = load<i32>(strides + ((<usize>last) << 2));
  const innerOutStride = load<i32>(outStrides + ((<usize>last) << 2));
  let base = offset;
  let outBase = outOffset;
  for (let o = 0; o < size; o += innerSize) {
    moveRow<T>(out, outBase, innerOutStride, x, base, innerStride, innerSize);
    for (let d = last - 1; d >= 0; d--) {
      const c = counter + ((<usize>d) << 2);
      const stride = load<i32>(strides + ((<usize>d) << 2));
      const outStride = load<i32>(outStrides + ((<usize>d) << 2));
      const extent = load<i32>(shape + ((<usize>d) << 2));
      const next = load<i32>(c) + 1;
      base += stride;
      outBase += outStride;
      if (next < extent) {
        store<i32>(c, next);
        break;
      }
      base -= stride * extent;
      outBase -= outStride * extent;
      store<i32>(c, 0);
    }
  }
}
