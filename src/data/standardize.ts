import { noGrad } from "../autograd/grad-mode.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** What `standardize` returns: the transformed data and the statistics to transform other data the same way. */
export interface Standardized {
  /** The standardized data: every column with mean 0 and standard deviation 1. */
  x: Tensor;
  /** Per-column mean used, shape [features]. */
  mean: Tensor;
  /** Per-column (population) standard deviation used, shape [features]; constant columns get 1. */
  std: Tensor;
}

/**
 * Centres and scales each column of `x` ([n, features]) to mean 0, standard deviation 1.
 * Pass the `mean` and `std` returned for the training set to apply the same transform to test
 * data.
 *
 * @example
 * ```ts
 * import { data, tensor } from "nabla";
 * const train = data.standardize(tensor([[1, 10], [3, 30]]));
 * console.log(train.x.toArray(), train.mean.toArray()); // [[-1, -1], [1, 1]] [2, 20]
 * const test = data.standardize(tensor([[2, 40]]), { mean: train.mean, std: train.std });
 * console.log(test.x.toArray()); // [[0, 2]]
 * ```
 */
export function standardize(x: Tensor, stats: { mean?: Tensor; std?: Tensor } = {}): Standardized {
  if (x.ndim !== 2 || x.shape[0] === 0) throw new Error(`standardize: expected data of shape [n, features] with n ≥ 1, got ${formatShape(x.shape)}`);
  return noGrad(() => {
    const data = x.detach();
    const mean = stats.mean ?? data.mean(0);
    // population std (as scikit-learn); a constant column is left unscaled instead of divided by 0
    const raw = stats.std ?? data.sub(mean).square().mean(0).sqrt();
    const std = stats.std ?? raw.add(raw.eq(0));
    for (const [name, t] of [["mean", mean], ["std", std]] as const) {
      if (t.ndim !== 1 || t.shape[0] !== x.shape[1]) throw new Error(`standardize: ${name} has shape ${formatShape(t.shape)}, expected [${x.shape[1]}] for data ${formatShape(x.shape)}`);
    }
    return { x: data.sub(mean).div(std), mean, std };
  });
}
