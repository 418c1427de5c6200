/** Ops that rearrange or repeat values: `flip`, `roll`, `repeat`, `tile`, `tril`, `triu`. */
import { record } from "../autograd/grad-fn.js";
import { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import { formatShape, normalizeDims } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { expand, flatten, reshape } from "./movement.js";
import { cat } from "./join.js";
import { narrow } from "./slicing.js";
import { maskedFill } from "./where.js";

/**
 * Backs {@link Tensor.flip}: the order of elements reversed along each of `dims` (a copy, as in
 * PyTorch). The gradient is flipped back.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * console.log(tensor([[1, 2], [3, 4]]).flip([0, 1]).toArray()); // [[4, 3], [2, 1]]
 * ```
 */
export function flip(x: Tensor, dims: number | readonly number[]): Tensor {
  const axes = normalizeDims("flip", dims, x.ndim).filter((a) => a < x.ndim); // a 0-d tensor has none
  const strides = [...x.strides];
  let offset = x.offset;
  for (const a of axes) {
    if (x.shape[a]! === 0) continue;
    // read axis a from its far end backwards
    offset += (x.shape[a]! - 1) * strides[a]!;
    strides[a] = -strides[a]!;
  }
  const out = emptyLike(x);
  x.backend.copyStrided({ ref: x.storage.ref, offset, strides }, x.shape, out.storage.ref);
  // a permutation of the elements: the gradient goes back through the same permutation
  return record(out, "flip", [x], (dy) => [flip(dy, axes)]);
}

/**
 * Backs {@link Tensor.roll}: elements shifted by `shifts` along `dims`, those falling off one
 * end coming back at the other; without `dims`, the flattened tensor is rolled and reshaped.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * console.log(tensor([1, 2, 3, 4]).roll(1).toArray()); // [4, 1, 2, 3]
 * console.log(tensor([[1, 2], [3, 4]]).roll([1, -1], [0, 1]).toArray()); // [[4, 3], [2, 1]]
 * ```
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims?: number | readonly number[] | null): Tensor {
  const shiftList = typeof shifts === "number" ? [shifts] : [...shifts];
  if (!shiftList.every(Number.isInteger)) throw new Error(`roll: shifts ${JSON.stringify(shifts)} must be integers`);
  if (dims === undefined || dims === null) {
    if (shiftList.length !== 1) throw new Error(`roll: without dims, shifts must be a single number, got ${JSON.stringify(shifts)}`);
    return reshape(roll(flatten(x, 0, -1), shiftList[0]!, 0), x.shape);
  }
  const dimList = typeof dims === "number" ? [dims] : [...dims];
  if (dimList.length !== shiftList.length) throw new Error(`roll: shifts ${JSON.stringify(shifts)} and dims ${JSON.stringify(dims)} must have the same length`);
  let out = x;
  dimList.forEach((dim, i) => {
    const [d] = normalizeDims("roll", dim, x.ndim);
    const n = x.shape[d!] ?? 1;
    const s = n === 0 ? 0 : ((shiftList[i]! % n) + n) % n;
    if (s !== 0) out = cat([narrow(out, d!, n - s, s), narrow(out, d!, 0, n - s)], d!);
  });
  return out === x ? x.clone() : out;
}

/**
 * Backs {@link Tensor.repeat}: the tensor tiled `sizes[i]` times along each axis (PyTorch's
 * `repeat`; `sizes` may be longer than the tensor's dims, adding leading axes). The gradient
 * sums over the copies.
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * console.log(tensor([1, 2]).repeat([2, 2]).toArray()); // [[1, 2, 1, 2], [1, 2, 1, 2]]
 * ```
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (!sizes.every((s) => Number.isInteger(s) && s >= 0)) throw new Error(`repeat: repeats ${formatShape(sizes)} must be non-negative integers`);
  if (sizes.length < x.ndim) throw new Error(`repeat: the number of repeat dims (${sizes.length}) cannot be smaller than the tensor's number of dims (${x.ndim}) of ${formatShape(x.shape)}`);
  const shape = [...sizes.slice(0, sizes.length - x.ndim).map(() => 1), ...x.shape];
  // [s0, s1] → [1, s0, 1, s1] → expand to [r0, s0, r1, s1] (a view) → [r0·s0, r1·s1] (the copy)
  const interleaved = shape.flatMap((s) => [1, s]);
  const expanded = sizes.flatMap((r, i) => [r, shape[i]!]);
  const out = reshape(expand(reshape(x, interleaved), expanded), sizes.map((r, i) => r * shape[i]!));
  // repeating once everywhere is still a copy in PyTorch
  return out.storage === x.storage ? out.clone() : out;
}

/**
 * Backs {@link Tensor.tile}: {@link repeat}, with `dims` padded by leading 1s when it has fewer
 * entries than the tensor has dims (PyTorch's `tile`).
 *
 * @example
 * ```ts
 * import { tensor } from "nabla";
 * console.log(tensor([[1, 2]]).tile([2]).toArray()); // [[1, 2, 1, 2]]
 * ```
 */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  return repeat(x, [...x.shape.slice(0, Math.max(x.ndim - dims.length, 0)).map(() => 1), ...dims]);
}

/** True where (column − row) drops the element, as a bool [rows, cols] tensor. */
function dropped(op: string, x: Tensor, diagonal: number, lower: boolean): Tensor {
  if (x.ndim < 2) throw new Error(`${op}: input must have at least 2 dims, got ${formatShape(x.shape)}`);
  if (!Number.isInteger(diagonal)) throw new Error(`${op}: diagonal ${diagonal} must be an integer`);
  const rows = x.shape[x.ndim - 2]!;
  const cols = x.shape[x.ndim - 1]!;
  const values = new Uint8Array(rows * cols);
  for (let i = 0; i < rows; i++) for (let j = 0; j < cols; j++) values[i * cols + j] = (lower ? j - i > diagonal : j - i < diagonal) ? 1 : 0;
  return new Tensor(new Storage(x.backend, x.backend.fromValues(values, "bool")), [rows, cols]);
}

/**
 * Backs {@link Tensor.tril}: the lower triangle of the last two axes (elements with
 * column − row ≤ `diagonal`), zeros above, in the input's dtype. The gradient is masked the
 * same way.
 *
 * @example
 * ```ts
 * import { ones } from "nabla";
 * console.log(ones([3, 3]).tril().toArray()); // [[1, 0, 0], [1, 1, 0], [1, 1, 1]]
 * ```
 */
export function tril(x: Tensor, diagonal = 0): Tensor {
  // maskedFill, not where(keep, x, 0): where promotes bool with the number 0 to an integer
  // type, and PyTorch's tril keeps the input's dtype (bool masks included)
  return maskedFill(x, dropped("tril", x, diagonal, true), 0);
}

/**
 * Backs {@link Tensor.triu}: the upper triangle of the last two axes (column − row ≥
 * `diagonal`), zeros below, in the input's dtype.
 *
 * @example
 * ```ts
 * import { ones } from "nabla";
 * console.log(ones([2, 3]).triu(1).toArray()); // [[0, 1, 1], [0, 0, 1]]
 * ```
 */
export function triu(x: Tensor, diagonal = 0): Tensor {
  return maskedFill(x, dropped("triu", x, diagonal, false), 0);
}
