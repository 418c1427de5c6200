import { tensor } from "../tensor/creation.js";
import { defaultGenerator, Generator } from "../tensor/random.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import type { Dataset } from "./tensor-dataset.js";

/** Options of {@link DataLoader}, as PyTorch's `DataLoader(batch_size, shuffle, drop_last)`. */
export interface DataLoaderOptions {
  /** Items per batch (default 1). */
  batchSize?: number;
  /** Draw a new random order at the start of every pass (default false). */
  shuffle?: boolean;
  /** Seed of the loader's own shuffling generator; without it the default one (`manualSeed`) is used. */
  seed?: number;
  /** Leave out a last batch smaller than `batchSize` (default false). */
  dropLast?: boolean;
}

/**
 * Iterates over a dataset in batches (PyTorch's `DataLoader`): each pass yields one array per
 * batch holding a tensor per field, e.g. `[x, y]` for a `TensorDataset(x, y)`. Any object with
 * `length` and `get(index)` is a dataset; its items are stacked along a new first dimension.
 *
 * @example
 * ```ts
 * import { data, arange } from "nabla";
 * const loader = new data.DataLoader(new data.TensorDataset(arange(5)), { batchSize: 2 });
 * for (const [x] of loader) console.log(x!.toArray()); // [0, 1] then [2, 3] then [4]
 * console.log(loader.length); // 3
 * ```
 */
export class DataLoader implements Iterable<Tensor[]> {
  readonly dataset: Dataset;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(dataset: Dataset, options: DataLoaderOptions = {}) {
    const batchSize = options.batchSize ?? 1;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`DataLoader: batchSize must be an integer ≥ 1, got ${batchSize}`);
    if (options.seed !== undefined && !Number.isFinite(options.seed)) throw new Error(`DataLoader: seed must be a finite number, got ${options.seed}`);
    this.dataset = dataset;
    this.batchSize = batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = options.seed === undefined ? defaultGenerator : new Generator(options.seed);
  }

  /** Number of batches in one pass. */
  get length(): number {
    const n = this.dataset.length;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  /** One pass over the dataset: a batch (one tensor per field) at a time, in a new order per pass when shuffling. */
  *[Symbol.iterator](): Iterator<Tensor[]> {
    const n = this.dataset.length;
    const order = this.shuffle ? this.generator.permutation(n) : Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (this.dropLast && indices.length < this.batchSize) return;
      yield this.dataset.getBatch?.(indices) ?? collate(indices.map((index) => this.dataset.get(index)), indices);
    }
  }
}

/** Stacks items (each one tensor per field) into one batch tensor per field, checking they agree. */
function collate(items: Tensor[][], indices: readonly number[]): Tensor[] {
  const first = items[0]!;
  items.forEach((item, i) => {
    if (!Array.isArray(item) || item.length !== first.length || item.some((t) => !(t instanceof Tensor))) {
      throw new Error(`DataLoader: item ${indices[i]} is not an array of ${first.length} tensors like item ${indices[0]}`);
    }
  });
  return first.map((like, field) => {
    const values = like.dtype === "float64" ? new Float64Array(items.length * like.size) : new Float32Array(items.length * like.size);
    items.forEach((item, i) => {
      const t = item[field]!;
      if (!shapesEqual(t.shape, like.shape)) {
        throw new Error(`DataLoader: cannot stack field ${field}: item ${indices[i]} has shape ${formatShape(t.shape)}, item ${indices[0]} has ${formatShape(like.shape)}`);
      }
      values.set(t.toTypedArray(), i * like.size);
    });
    return tensor(values, { shape: [items.length, ...like.shape], dtype: like.dtype });
  });
}
