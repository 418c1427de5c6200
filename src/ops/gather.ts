/** `gather`: picks values along one axis by index; its backward scatters the gradient back. */
import { record } from "../autograd/grad-fn.js";
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { formatShape, normalizeDim, sizeOf } from "../tensor/shape.js";
import { checkValuesOnHost, emptyLike, onBackend } from "./operand.js";
import { tensor } from "../tensor/creation.js";

/**
 * @internal `index` (an int32 tensor, a float tensor holding integers, or nested arrays) as int32
 * on `like`'s backend, having checked that every value is an integer in [0, limit) where the
 * values are at hand (see checkValuesOnHost).
 */
export function integerIndex(op: string, index: Tensor | NestedArray, limit: number, like: Tensor): Tensor {
  const t = index instanceof Tensor ? index : tensor(index, { dtype: "float64" });
  if (t.dtype === "bool") throw new Error(`${op}: index must be an int32 tensor (or integers), got a bool tensor`);
  checkValuesOnHost(index, (values) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (!Number.isInteger(v)) throw new Error(`${op}: index ${v} at position ${i} is not an integer`);
      if (v < 0 || v >= limit) throw new Error(`${op}: index ${v} at position ${i} is out of range [0, ${limit})`);
    }
  });
  return onBackend(t.detach(), like.backend).to("int32");
}

export function gather(x: Tensor, dim: number, index: Tensor | NestedArray): Tensor {
  const axis = normalizeDim("gather", dim, x.ndim);
  const idx = integerIndex("gather", index, Math.max(x.shape[axis] ?? 1, 1), x);
  if (idx.ndim !== x.ndim || x.shape.some((d, i) => i !== axis && idx.shape[i] !== d)) {
    throw new Error(`gather: index of shape ${formatShape(idx.shape)} must match input ${formatShape(x.shape)} in every dim but ${axis}`);
  }
  const outer = sizeOf(x.shape.slice(0, axis));
  const inner = sizeOf(x.shape.slice(axis + 1));
  const axisSize = x.shape[axis] ?? 1;
  const indexAxis = idx.shape[axis] ?? 1;
  const out = emptyLike(x, idx.shape);
  x.backend.gather(x.dataRef(), idx.dataRef(), outer, axisSize, indexAxis, inner, out.storage.ref);
  // d out_j / d x_i = 1 where index_j = i: the gradient is added back at the gathered places
  return record(out, "gather", [x], (dy) => {
    const dx = emptyLike(x);
    x.backend.fill(dx.storage.ref, 0);
    x.backend.scatterAdd(dy.dataRef(), idx.dataRef(), outer, axisSize, indexAxis, inner, dx.storage.ref);
    return [dx];
  }, undefined, [idx]);
}
