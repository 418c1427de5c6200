/** Non-zero padding of the last two axes (reflect, replicate, circular) as an index gather. */
import { tensor } from "../../tensor/creation.js";
import { formatShape } from "../../tensor/shape.js";
import type { Tensor } from "../../tensor/tensor.js";

/** How a convolution's padding is filled. */
export type PaddingMode = "zeros" | "reflect" | "replicate" | "circular";

/** Source position of padded position j (j − before in the input's coordinates). */
function sourceOf(mode: PaddingMode, i: number, size: number): number {
  if (i >= 0 && i < size) return i;
  if (mode === "replicate") return i < 0 ? 0 : size - 1;
  if (mode === "circular") return ((i % size) + size) % size;
  // reflect: mirror about the edge without repeating it
  return i < 0 ? -i : 2 * (size - 1) - i;
}

/** Gathers along `axis` with positions [−before, size + after) mapped by `mode`. */
function padAxis(op: string, x: Tensor, axis: number, before: number, after: number, mode: PaddingMode): Tensor {
  if (before === 0 && after === 0) return x;
  const size = x.shape[axis]!;
  const limit = mode === "reflect" ? size - 1 : mode === "circular" ? size : Infinity;
  if (before > limit || after > limit || size === 0) {
    throw new Error(`${op}: ${mode} padding of (${before}, ${after}) is too large for input ${formatShape(x.shape)} (axis ${axis} has size ${size})`);
  }
  const padded = size + before + after;
  const shape = [...x.shape];
  shape[axis] = padded;
  const positions = Array.from({ length: padded }, (_, j) => sourceOf(mode, j - before, size));
  // the index broadcast over the other axes, as gather wants a full-shaped index
  const along = [1, 1, 1, 1].slice(0, x.ndim);
  along[axis] = padded;
  const index = tensor(Int32Array.from(positions), { shape: along, dtype: "int32" }).expand(shape).contiguous();
  return x.gather(axis, index);
}

/** @internal Pads the last two axes of `x` by (top, bottom) and (left, right) with `mode`. */
export function padPlanes(op: string, x: Tensor, height: [number, number], width: [number, number], mode: PaddingMode): Tensor {
  const h = x.ndim - 2;
  return padAxis(op, padAxis(op, x, h + 1, width[0], width[1], mode), h, height[0], height[1], mode);
}
