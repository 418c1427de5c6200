/** `pad`: PyTorch's `nn.functional.pad` (constant, reflect, replicate, circular). */
import { record } from "../autograd/grad-fn.js";
import type { Tensor } from "../tensor/tensor.js";
import { contiguousStrides, formatShape } from "../tensor/shape.js";
import { emptyLike } from "./operand.js";
import { indexSelect } from "./gather.js";
import { narrow } from "./slicing.js";
import { stridedView } from "./strided-view.js";

/** How {@link pad} fills: a constant value, the mirror image without the edge ("reflect"), the edge repeated ("replicate"), or wrapping around ("circular"), as PyTorch's `F.pad` modes. */
export type PadMode = "constant" | "reflect" | "replicate" | "circular";

/**
 * Pads (or, with negative amounts in constant mode, crops) the last axes. `padding` lists
 * `[left, right]` for the last axis, then for the one before it, … (PyTorch's order). `mode`:
 * `"constant"` fills with `value`; `"reflect"` mirrors without repeating the edge (each amount
 * below the axis size); `"replicate"` repeats the edge; `"circular"` wraps around. Any number
 * of leading axes is allowed in every mode. Differentiable.
 *
 * @example
 * ```ts
 * import { pad, tensor } from "nabla";
 * const x = tensor([[1, 2, 3]]);
 * console.log(pad(x, [1, 2]).toArray()); // [[0, 1, 2, 3, 0, 0]]
 * console.log(pad(x, [2, 1], "reflect").toArray()); // [[3, 2, 1, 2, 3, 2]]
 * console.log(pad(x, [1, 1], "replicate").toArray()); // [[1, 1, 2, 3, 3]]
 * ```
 */
export function pad(x: Tensor, padding: readonly number[], mode: PadMode = "constant", value = 0): Tensor {
  if (padding.length % 2 !== 0 || padding.length / 2 > x.ndim || !padding.every(Number.isInteger)) {
    throw new Error(`pad: padding ${JSON.stringify(padding)} must hold an even number of integers, at most 2 per dim of ${formatShape(x.shape)}`);
  }
  if (mode !== "constant" && mode !== "reflect" && mode !== "replicate" && mode !== "circular") throw new Error(`pad: unknown mode ${JSON.stringify(mode)} (expected "constant", "reflect", "replicate" or "circular")`);
  if (mode !== "constant" && value !== 0) throw new Error(`pad: value ${value} applies only to mode "constant", not ${JSON.stringify(mode)}`);
  const amounts = x.shape.map(() => [0, 0] as [number, number]);
  for (let i = 0; i < padding.length / 2; i++) amounts[x.ndim - 1 - i] = [padding[2 * i]!, padding[2 * i + 1]!];
  return mode === "constant" ? padConstant(x, amounts, value) : padByIndex(x, amounts, mode);
}

function padConstant(x: Tensor, amounts: readonly [number, number][], value: number): Tensor {
  // negative amounts crop first (a view), then the rest is a block of a filled tensor
  let inner = x;
  amounts.forEach(([left, right], d) => {
    const size = x.shape[d]!;
    const from = Math.max(-left, 0);
    const length = size - from - Math.max(-right, 0);
    if (length < 0) throw new Error(`pad: padding (${left}, ${right}) of dim ${d} would make its size ${size} negative`);
    if (from > 0 || length < size) inner = narrow(inner, d, from, length);
  });
  const shape = inner.shape.map((s, d) => s + Math.max(amounts[d]![0], 0) + Math.max(amounts[d]![1], 0));
  const out = emptyLike(x, shape);
  x.backend.fill(out.storage.ref, value);
  const strides = contiguousStrides(shape);
  const offset = amounts.reduce((o, [left], d) => o + Math.max(left, 0) * strides[d]!, 0);
  x.backend.copyInto(inner.stridedRef(), inner.shape, { ref: out.storage.ref, offset, strides });
  // the input's values are a block of the output: the gradient is that block of dy
  const block = (l: { strides: readonly number[]; offset: number }) => ({
    shape: inner.shape,
    strides: l.strides,
    offset: l.offset + amounts.reduce((o, [left], d) => o + Math.max(left, 0) * l.strides[d]!, 0),
  });
  return record(out, "pad", [inner], (dy) => [stridedView("pad", dy, block)]);
}

/** Reflect, replicate and circular padding pick source positions: an indexSelect per axis. */
function padByIndex(x: Tensor, amounts: readonly [number, number][], mode: Exclude<PadMode, "constant">): Tensor {
  let out = x;
  amounts.forEach(([left, right], d) => {
    if (left === 0 && right === 0) return;
    const n = x.shape[d]!;
    if (left < 0 || right < 0) throw new Error(`pad: negative padding (${left}, ${right}) of dim ${d} is only allowed in mode "constant"`);
    if (mode === "reflect" && (left >= n || right >= n)) throw new Error(`pad: reflect padding (${left}, ${right}) of dim ${d} must be less than its size ${n}`);
    if (mode === "circular" && (left > n || right > n)) throw new Error(`pad: circular padding (${left}, ${right}) of dim ${d} must be at most its size ${n}`);
    if (n === 0) throw new Error(`pad: cannot ${mode}-pad dim ${d} of size 0`);
    const positions: number[] = [];
    for (let i = -left; i < n + right; i++) {
      if (mode === "replicate") positions.push(Math.min(Math.max(i, 0), n - 1));
      else if (mode === "circular") positions.push(((i % n) + n) % n);
      else positions.push(i < 0 ? -i : i >= n ? 2 * (n - 1) - i : i);
    }
    out = indexSelect(out, d, positions);
  });
  return out === x ? x.clone() : out;
}
