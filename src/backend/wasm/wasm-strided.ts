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
  const outStrides: number[][] = strides.map(() => []);
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

/** Whether a view's strides read `shape` in row-major order with no gaps. */
export function isDense(shape: readonly number[], strides: readonly number[]): boolean {
  let expected = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && strides[d] !== expected) return false;
    expected *= shape[d]!;
  }
  return true;
}
