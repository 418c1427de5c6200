import { record } from "../../autograd/grad-fn.js";
import { noGrad } from "../../autograd/grad-mode.js";
import { checkValuesOnHost } from "../../ops/operand.js";
import { tensor, zeros } from "../../tensor/creation.js";
import { formatShape } from "../../tensor/shape.js";
import { Tensor, type NestedArray } from "../../tensor/tensor.js";

/** Options of {@link embedding}, as PyTorch's `F.embedding`. */
export interface EmbeddingOptions {
  /** The row whose entries get no gradient (a padding token); negative counts from the end. */
  paddingIdx?: number | null;
}

/** @internal `paddingIdx` as a row number in [0, numEmbeddings), or null; `op` names the caller in errors. */
export function paddingRow(op: string, paddingIdx: number | null | undefined, numEmbeddings: number): number | null {
  if (paddingIdx === undefined || paddingIdx === null) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx >= numEmbeddings || paddingIdx < -numEmbeddings) {
    throw new Error(`${op}: paddingIdx ${paddingIdx} must be an integer within the table of ${numEmbeddings} embeddings`);
  }
  return paddingIdx < 0 ? paddingIdx + numEmbeddings : paddingIdx;
}

/**
 * Looks up rows of `weight` ([numEmbeddings, embeddingDim]) at the int32 `indices` of any shape:
 * the result has shape [...indices.shape, embeddingDim] (PyTorch's `F.embedding`). The gradient
 * adds each output row's gradient into the row it came from; the `paddingIdx` row gets none.
 * An index outside [0, numEmbeddings) is an error naming it and the table size.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const table = tensor([[0, 0], [1, 2], [3, 4]]);
 * const ids = tensor([[2, 1], [0, 2]], { dtype: "int32" });
 * console.log(nn.functional.embedding(ids, table).toArray()); // [[[3, 4], [1, 2]], [[0, 0], [3, 4]]]
 * ```
 */
export function embedding(indices: Tensor | NestedArray, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  if (!(weight instanceof Tensor) || weight.ndim !== 2) {
    throw new Error(`embedding: weight must be a 2-d table [numEmbeddings, embeddingDim], got ${weight instanceof Tensor ? formatShape(weight.shape) : typeof weight}`);
  }
  const [numEmbeddings, embeddingDim] = weight.shape as [number, number];
  const padding = paddingRow("embedding", options.paddingIdx, numEmbeddings);
  let ids: Tensor;
  if (indices instanceof Tensor) ids = indices;
  else {
    // nested arrays: integers only (the int32 conversion would truncate 1.5 silently)
    checkValuesOnHost(indices, (values) => {
      for (let i = 0; i < values.length; i++) {
        if (!Number.isInteger(values[i])) throw new Error(`embedding: index ${values[i]} at flat position ${i} is not an integer`);
      }
    });
    ids = tensor(indices);
    if (ids.dtype !== "bool") ids = tensor(indices, { dtype: "int32" });
  }
  if (ids.dtype !== "int32") throw new Error(`embedding: indices must be an int32 tensor, got ${ids.dtype} of shape ${formatShape(ids.shape)}`);
  checkValuesOnHost(ids, (values) => {
    for (let i = 0; i < values.length; i++) {
      const v = values[i]!;
      if (v < 0 || v >= numEmbeddings) {
        throw new Error(`embedding: index ${v} (at flat position ${i} of indices ${formatShape(ids.shape)}) is out of range for a table of ${numEmbeddings} embeddings (valid: 0 to ${numEmbeddings - 1})`);
      }
    }
  });
  const flat = ids.reshape([-1]);
  const rows = noGrad(() => weight.detach().indexSelect(0, flat));
  // d rows[i] / d weight[flat[i]] = 1: each output row's gradient is added into its source row
  const traced = record(rows, "embedding", [weight], (dy) => {
    let g = dy;
    if (padding !== null) g = g.mul(flat.reshape([-1, 1]).eq(padding).logicalNot().to(dy.dtype));
    const at = flat.reshape([-1, 1]).expand([flat.size, embeddingDim]).contiguous();
    return [zeros([numEmbeddings, embeddingDim], { dtype: weight.dtype }).scatterAdd(0, at, g)];
  }, undefined, [flat]);
  return traced.reshape([...ids.shape, embeddingDim]);
}
