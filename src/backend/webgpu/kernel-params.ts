/** The parameters the backend passes its kernels: strided operands with their axes merged, and window geometry. */
import type { WindowSpec } from "../backend.js";

/** Merges axes that every operand steps through as one (and drops extents of 1): fewer index divisions per thread. */
function collapse(shape: readonly number[], operands: readonly (readonly number[])[]): { shape: number[]; strides: number[][] } {
  const outShape: number[] = [];
  const outStrides: number[][] = operands.map(() => []);
  for (let d = 0; d < shape.length; d++) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const last = outShape.length - 1;
    if (last >= 0 && operands.every((s, o) => outStrides[o]![last] === s[d]! * extent)) {
      outShape[last]! *= extent;
      operands.forEach((s, o) => (outStrides[o]![last] = s[d]!));
    } else {
      outShape.push(extent);
      operands.forEach((s, o) => outStrides[o]!.push(s[d]!));
    }
  }
  return { shape: outShape, strides: outStrides };
}

/** The tail of a strided kernel's parameters: rank, shape, then each operand's offset and strides. */
export function stridedTail(shape: readonly number[], operands: { offset: number; strides: readonly number[] }[]): number[] {
  const { shape: s, strides } = collapse(shape, operands.map((o) => o.strides));
  return [s.length, ...s, ...operands.flatMap((o, i) => [o.offset, ...strides[i]!])];
}

// the one shape-size helper of the backends and the tensor layer (strides.ts)
export { sizeOf } from "../strides.js";

/** WindowSpec in the order wgsl-window.ts reads it from prm[8]. */
export function specTail(s: WindowSpec): number[] {
  return [s.batch, s.channels, s.height, s.width, s.kernelH, s.kernelW, s.strideH, s.strideW, s.padH, s.padW, s.dilationH, s.dilationW, s.outH, s.outW];
}

/** A kernel's parameters and launch (see GpuRuntime.run in gpu-runtime.ts). */
export interface RunOptions {
  floats?: number[];
  ints?: Record<number, number>;
  tail?: number[];
  groups?: [number, number, number];
  status?: boolean;
}

/** A kernel's parameter block: prm[0] = threads; F(k) = floats[k] from prm[1]; `ints` at their indices; `tail` from prm[8]. */
export function packParams(threads: number, options: RunOptions): Int32Array {
  const tail = options.tail ?? [];
  const prm = new Int32Array(8 + tail.length);
  const floats = new Float32Array(prm.buffer);
  prm[0] = threads;
  (options.floats ?? []).forEach((v, i) => (floats[1 + i] = v));
  for (const [at, v] of Object.entries(options.ints ?? {})) prm[Number(at)] = v;
  prm.set(tail, 8);
  return prm;
}
