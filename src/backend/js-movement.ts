import type { FloatArray } from "./js-buffer.js";

// Kernels that move or select values through strides: the writes behind cat, pad, slice
// gradients and in-place updates of views, and `where`. An odometer over the outer axes walks
// every operand's offset; the innermost axis is the tight loop.

/** out[outOffset + Σ i·outStrides] = x[offset + Σ i·strides] over `shape`. */
export function copyIntoKernel(
  x: FloatArray, offset: number, strides: readonly number[], shape: readonly number[],
  out: FloatArray, outOffset: number, outStrides: readonly number[],
): void {
  const ndim = shape.length;
  let size = 1;
  for (const d of shape) size *= d;
  if (size === 0) return;
  if (ndim === 0) {
    out[outOffset] = x[offset]!;
    return;
  }
  const last = ndim - 1;
  const n = shape[last]!;
  const sx = strides[last]!;
  const so = outStrides[last]!;
  const counter: number[] = [];
  for (let d = 0; d < ndim; d++) counter.push(0);
  let baseX = offset;
  let baseOut = outOffset;
  for (let done = 0; done < size; done += n) {
    for (let i = 0, ix = baseX, io = baseOut; i < n; i++, ix += sx, io += so) out[io] = x[ix]!;
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      baseX += strides[d]!;
      baseOut += outStrides[d]!;
      if (counter[d]! < shape[d]!) break;
      baseX -= strides[d]! * shape[d]!;
      baseOut -= outStrides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}

/** A strided operand of `where`: data, offset, strides over the output's shape. */
export interface StridedArray {
  readonly data: FloatArray;
  readonly offset: number;
  readonly strides: readonly number[];
}

/** out (contiguous) = cond ≠ 0 ? a : b; NaN in cond counts as true, as a nonzero value. */
export function whereKernel(cond: StridedArray, a: StridedArray, b: StridedArray, shape: readonly number[], out: FloatArray): void {
  const size = out.length;
  if (size === 0) return;
  const ndim = shape.length;
  if (ndim === 0) {
    out[0] = cond.data[cond.offset] !== 0 ? a.data[a.offset]! : b.data[b.offset]!;
    return;
  }
  const last = ndim - 1;
  const n = shape[last]!;
  const [c, x, y] = [cond.data, a.data, b.data];
  const [sc, sa, sb] = [cond.strides[last]!, a.strides[last]!, b.strides[last]!];
  const counter: number[] = [];
  for (let d = 0; d < ndim; d++) counter.push(0);
  let [bc, ba, bb] = [cond.offset, a.offset, b.offset];
  for (let o = 0; o < size; o += n) {
    for (let i = 0, ic = bc, ia = ba, ib = bb; i < n; i++, ic += sc, ia += sa, ib += sb) out[o + i] = c[ic] !== 0 ? x[ia]! : y[ib]!;
    for (let d = last - 1; d >= 0; d--) {
      counter[d]!++;
      bc += cond.strides[d]!;
      ba += a.strides[d]!;
      bb += b.strides[d]!;
      if (counter[d]! < shape[d]!) break;
      bc -= cond.strides[d]! * shape[d]!;
      ba -= a.strides[d]! * shape[d]!;
      bb -= b.strides[d]! * shape[d]!;
      counter[d] = 0;
    }
  }
}
