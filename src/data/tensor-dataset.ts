import { noGrad } from "../autograd/grad-mode.js";
import { activeBackend } from "../backend/registry.js";
import { onBackend } from "../ops/operand.js";
import { tensor } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/**
 * What a {@link DataLoader} batches: `length` items, each fetched with `get(index)` as one tensor
 * per field (e.g. `[x, y]`), like a PyTorch map-style dataset. A dataset that can fetch many
 * items at once more cheaply also implements `getBatch`.
 */
export interface Dataset {
  readonly length: number;
  /** Item `index`: one tensor per field. */
  get(index: number): Tensor[];
  /** One tensor per field, each holding the items at `indices` stacked along a new first dim. */
  getBatch?(indices: readonly number[]): Tensor[];
}

/**
 * Tensors that share their first dimension, seen as a list of items: item `i` is row `i` of
 * each (PyTorch's `TensorDataset`). A batch picks its rows when it is fetched, with
 * `indexSelect` (one copy of the rows, on the tensors' device), so, as in PyTorch, in-place
 * changes to the tensors show in later batches; a batch is a copy, on the active backend.
 *
 * @example
 * ```ts
 * import { data, tensor } from "nabla";
 * const dataset = new data.TensorDataset(tensor([[1, 2], [3, 4], [5, 6]]), tensor([0, 1, 0]));
 * const [x, y] = dataset.getBatch([2, 0]);
 * console.log(dataset.length, x!.toArray(), y!.toArray()); // 3 [[5, 6], [1, 2]] [0, 0]
 * ```
 */
export class TensorDataset implements Dataset {
  readonly tensors: readonly Tensor[];

  constructor(...tensors: Tensor[]) {
    if (tensors.length === 0) throw new Error("TensorDataset: needs at least one tensor");
    tensors.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new Error(`TensorDataset: argument ${i} is not a Tensor`);
      if (t.ndim === 0) throw new Error(`TensorDataset: tensor ${i} is 0-d; every tensor needs a first (item) dimension`);
    });
    const length = tensors[0]!.shape[0]!;
    if (tensors.some((t) => t.shape[0] !== length)) {
      throw new Error(`TensorDataset: tensors must share their first dimension, got shapes ${tensors.map((t) => formatShape(t.shape)).join(", ")}`);
    }
    this.tensors = tensors;
  }

  get length(): number {
    return this.tensors[0]!.shape[0]!;
  }

  /** Item `index`: one row of every tensor. */
  get(index: number): Tensor[] {
    return this.getBatch([index]).map((batch) => batch.reshape(batch.shape.slice(1)));
  }

  getBatch(indices: readonly number[]): Tensor[] {
    for (const index of indices) {
      if (!Number.isInteger(index) || index < 0 || index >= this.length) {
        throw new Error(`TensorDataset: index ${index} is out of range [0, ${this.length})`);
      }
    }
    const backend = activeBackend();
    // the rows picked where the tensors live (a GPU's stay there), then brought to the active backend
    const index = tensor(indices as number[], { dtype: "int32" });
    return this.tensors.map((t) => onBackend(noGrad(() => t.detach().indexSelect(0, index)), backend));
  }
}
