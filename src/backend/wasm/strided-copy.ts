// Strided copies of float tensors with at most four axes after merging (the head split and
// merge around attention, a split's gradient placed into its slice): plain nested loops over
// one element type. The generic odometer loop of the TS backend serves every dtype, so its
// element accesses see several typed-array kinds and V8 cannot specialise them; these copies,
// one body per element type, run several times faster on [16, 64, 4, 16] views. The wasm
// backend's copyStrided and copyInto (wasmCopyStrided, wasmCopyInto) route each copy here, to
// one block copy, or to the TS backend's kernel.
import type { DataRef, StridedRef } from "../backend.js";
import type { JsBackend } from "../js-backend.js";
import { arrayOf, overwrittenArray } from "../js-buffer.js";
import { contiguousStrides } from "../strides.js";
import { collapseAxes } from "./wasm-strided.js";
import { isReal } from "./wasm-context.js";

/** The merged axes of a copy (see collapseAxes), as stridedCopyF32/F64 take them; null where more than four stay apart. */
export function stridedCopyAxes(shape: readonly number[], strides: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } | null {
  const merged = collapseAxes(shape, strides);
  return merged.shape.length <= 4 ? merged : null;
}

/** out[at(i)] = x[at(i)] over the merged axes (from stridedCopyAxes), for float32 data. */
export function stridedCopyF32(x: Float32Array, xOffset: number, out: Float32Array, outOffset: number, shape: readonly number[], xStrides: readonly number[], outStrides: readonly number[]): void {
  const pad = 4 - shape.length;
  const n0 = pad > 0 ? 1 : shape[0 - pad]!, n1 = pad > 1 ? 1 : shape[1 - pad]!, n2 = pad > 2 ? 1 : shape[2 - pad]!, n3 = pad > 3 ? 1 : shape[3 - pad]!;
  const a0 = pad > 0 ? 0 : xStrides[0 - pad]!, a1 = pad > 1 ? 0 : xStrides[1 - pad]!, a2 = pad > 2 ? 0 : xStrides[2 - pad]!, a3 = pad > 3 ? 0 : xStrides[3 - pad]!;
  const b0 = pad > 0 ? 0 : outStrides[0 - pad]!, b1 = pad > 1 ? 0 : outStrides[1 - pad]!, b2 = pad > 2 ? 0 : outStrides[2 - pad]!, b3 = pad > 3 ? 0 : outStrides[3 - pad]!;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let from = xOffset + i0 * a0 + i1 * a1;
      let to = outOffset + i0 * b0 + i1 * b1;
      if (a3 === 1 && b3 === 1) {
        // rows contiguous on both sides (a head's 16 values): four per round, 1.8x on [16, 4, 64, 16]
        const n4 = n3 & ~3;
        for (let i2 = 0; i2 < n2; i2++, from += a2, to += b2) {
          let i3 = 0;
          for (; i3 < n4; i3 += 4) {
            out[to + i3] = x[from + i3]!;
            out[to + i3 + 1] = x[from + i3 + 1]!;
            out[to + i3 + 2] = x[from + i3 + 2]!;
            out[to + i3 + 3] = x[from + i3 + 3]!;
          }
          for (; i3 < n3; i3++) out[to + i3] = x[from + i3]!;
        }
        continue;
      }
      for (let i2 = 0; i2 < n2; i2++, from += a2, to += b2) {
        for (let i3 = 0, f = from, t = to; i3 < n3; i3++, f += a3, t += b3) out[t] = x[f]!;
      }
    }
  }
}

/** stridedCopyF32 for float64 data (the same body: one element type per function). */
export function stridedCopyF64(x: Float64Array, xOffset: number, out: Float64Array, outOffset: number, shape: readonly number[], xStrides: readonly number[], outStrides: readonly number[]): void {
  const pad = 4 - shape.length;
  const n0 = pad > 0 ? 1 : shape[0 - pad]!, n1 = pad > 1 ? 1 : shape[1 - pad]!, n2 = pad > 2 ? 1 : shape[2 - pad]!, n3 = pad > 3 ? 1 : shape[3 - pad]!;
  const a0 = pad > 0 ? 0 : xStrides[0 - pad]!, a1 = pad > 1 ? 0 : xStrides[1 - pad]!, a2 = pad > 2 ? 0 : xStrides[2 - pad]!, a3 = pad > 3 ? 0 : xStrides[3 - pad]!;
  const b0 = pad > 0 ? 0 : outStrides[0 - pad]!, b1 = pad > 1 ? 0 : outStrides[1 - pad]!, b2 = pad > 2 ? 0 : outStrides[2 - pad]!, b3 = pad > 3 ? 0 : outStrides[3 - pad]!;
  for (let i0 = 0; i0 < n0; i0++) {
    for (let i1 = 0; i1 < n1; i1++) {
      let from = xOffset + i0 * a0 + i1 * a1;
      let to = outOffset + i0 * b0 + i1 * b1;
      if (a3 === 1 && b3 === 1) {
        // rows contiguous on both sides (a head's 16 values): four per round, 1.8x on [16, 4, 64, 16]
        const n4 = n3 & ~3;
        for (let i2 = 0; i2 < n2; i2++, from += a2, to += b2) {
          let i3 = 0;
          for (; i3 < n4; i3 += 4) {
            out[to + i3] = x[from + i3]!;
            out[to + i3 + 1] = x[from + i3 + 1]!;
            out[to + i3 + 2] = x[from + i3 + 2]!;
            out[to + i3 + 3] = x[from + i3 + 3]!;
          }
          for (; i3 < n3; i3++) out[to + i3] = x[from + i3]!;
        }
        continue;
      }
      for (let i2 = 0; i2 < n2; i2++, from += a2, to += b2) {
        for (let i3 = 0, f = from, t = to; i3 < n3; i3++, f += a3, t += b3) out[t] = x[f]!;
      }
    }
  }
}

/** The wasm backend's copyStrided: a dense run as one block copy, up to four merged float axes by the loops above, the rest on the TS backend's kernel. */
export function wasmCopyStrided(js: JsBackend, x: StridedRef, shape: readonly number[], out: DataRef): void {
  const { shape: dims, strides } = collapseAxes(shape, [x.strides]);
  // both copies below write all of `out`: an output made now is not zeroed first (js-buffer.ts)
  if (dims.length === 1 && strides[0]![0] === 1) {
    // a dense run (copy_ of a whole tensor, contiguous()): one block copy
    const source = arrayOf(x.ref).subarray(x.offset, x.offset + out.size);
    (isReal(out) ? overwrittenArray(out) : arrayOf(out)).set(source);
    return;
  }
  if (dims.length <= 4 && isReal(out) && x.ref.dtype === out.dtype) {
    const outStrides = contiguousStrides(dims);
    const source = arrayOf(x.ref);
    if (out.dtype === "float64") stridedCopyF64(source as Float64Array, x.offset, overwrittenArray(out) as Float64Array, 0, dims, strides[0]!, outStrides);
    else stridedCopyF32(source as Float32Array, x.offset, overwrittenArray(out) as Float32Array, 0, dims, strides[0]!, outStrides);
    return;
  }
  js.copyStrided(x, shape, out);
}

/** The wasm backend's copyInto (a strided write: a split's gradient, a slice assignment, a concatenation's part), as wasmCopyStrided. */
export function wasmCopyInto(js: JsBackend, x: StridedRef, shape: readonly number[], out: StridedRef): void {
  if (isReal(out.ref) && x.ref.dtype === out.ref.dtype) {
    const merged = stridedCopyAxes(shape, [x.strides, out.strides]);
    if (merged !== null) {
      const [xStrides, outStrides] = merged.strides as [number[], number[]];
      if (merged.shape.length === 1 && xStrides[0] === 1 && outStrides[0] === 1) {
        // one dense run on both sides (a part placed into a concatenation): one block copy,
        // faster than the element loop (bench/view-ops.ts: cat of two [16, 64, 1024] 1.4–3.3
        // against 4.4–5.2 ms); the in-place layer has already copied a source that overlaps
        // the target, so no run here overlaps its destination
        const n = merged.shape[0]!;
        arrayOf(out.ref).set(arrayOf(x.ref).subarray(x.offset, x.offset + n), out.offset);
        return;
      }
      if (out.ref.dtype === "float64") stridedCopyF64(arrayOf(x.ref) as Float64Array, x.offset, arrayOf(out.ref) as Float64Array, out.offset, merged.shape, xStrides, outStrides);
      else stridedCopyF32(arrayOf(x.ref) as Float32Array, x.offset, arrayOf(out.ref) as Float32Array, out.offset, merged.shape, xStrides, outStrides);
      return;
    }
  }
  js.copyInto(x, shape, out);
}
