// Turns strided views into the few loop shapes the kernels take. Axes of extent 1 are dropped
// and neighbouring axes merged wherever every operand steps through them as one, so most views
// (contiguous, a repeated scalar, a row broadcast over a batch) become one or two loops.

/** Merged axes: extents and, per operand, element strides (innermost last). */
export interface Collapsed {
  readonly shape: number[];
  readonly strides: number[][];
}

export function collapseAxes(shape: readonly number[], strides: readonly (readonly number[])[]): Collapsed {
  const outShape: number[] = [];
  const outStrides: number[][] = [];
  for (let o = 0; o < strides.length; o++) outStrides.push([]); // not map: packed (see ../strides.ts)
  for (let d = shape.length - 1; d >= 0; d--) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const last = outShape.length - 1;
    const mergeable =
      last >= 0 && strides.every((s, o) => s[d]! === outStrides[o]![last]! * outShape[last]!);
    if (mergeable) {
      outShape[last] = outShape[last]! * extent;
      continue;
    }
    outShape.push(extent);
    strides.forEach((s, o) => outStrides[o]!.push(s[d]!));
  }
  outShape.reverse();
  for (const s of outStrides) s.reverse();
  return { shape: outShape, strides: outStrides };
}

/** A binary op's two operands as at most two loops: out[i0, i1] = a[i0·sa0 + i1·sa1] op b[i0·sb0 + i1·sb1]. */
export interface TwoLoops {
  readonly n0: number;
  readonly n1: number;
  readonly sa0: number;
  readonly sa1: number;
  readonly sb0: number;
  readonly sb1: number;
}

/**
 * {@link collapseAxes} for the two operands of an element-wise op, without its arrays and
 * closures (it runs on every binary kernel call); null when three or more axes stay apart.
 */
export function twoLoops(shape: readonly number[], sa: readonly number[], sb: readonly number[]): TwoLoops | null {
  let loops = 0;
  let n0 = 1, n1 = 1, sa0 = 0, sa1 = 0, sb0 = 0, sb1 = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    const extent = shape[d]!;
    if (extent === 1) continue;
    const x = sa[d]!, y = sb[d]!;
    if (loops === 0) {
      n1 = extent;
      sa1 = x;
      sb1 = y;
      loops = 1;
    } else if (loops === 1 && x === sa1 * n1 && y === sb1 * n1) {
      n1 *= extent;
    } else if (loops === 1) {
      n0 = extent;
      sa0 = x;
      sb0 = y;
      loops = 2;
    } else if (x === sa0 * n0 && y === sb0 * n0) {
      n0 *= extent;
    } else {
      return null;
    }
  }
  return { n0, n1, sa0, sa1, sb0, sb1 };
}
