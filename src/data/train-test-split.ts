import { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { TensorDataset } from "./tensor-dataset.js";

/** Options of `trainTestSplit`, as scikit-learn's `test_size`, `random_state` and `shuffle`. */
export interface TrainTestSplitOptions {
  /** Fraction in (0, 1) of the items held out for testing, or their count (default 0.25). */
  testSize?: number;
  /** Seed of the shuffle (default 0). */
  seed?: number;
  /** Shuffle before splitting (default true); without it the last items are the test set. */
  shuffle?: boolean;
}

/** The two sets `trainTestSplit` returns; row i of `x…` and of `y…` belong together. */
export interface TrainTestSplit {
  /** Inputs of the training set. */
  xTrain: Tensor;
  /** Inputs of the test set. */
  xTest: Tensor;
  /** Targets of the training set. */
  yTrain: Tensor;
  /** Targets of the test set. */
  yTest: Tensor;
}

function testCount(testSize: number, n: number): number {
  const count = testSize > 0 && testSize < 1 ? Math.ceil(testSize * n) : testSize;
  if (!Number.isInteger(count) || count < 1 || count >= n) {
    throw new Error(`trainTestSplit: testSize ${testSize} of ${n} items leaves ${count} for testing; it must be a fraction in (0, 1) or a count in [1, ${n - 1}] so both sets are non-empty`);
  }
  return count;
}

/**
 * Splits items (rows of `x` and `y`) into a training and a test set, shuffled from a seed
 * (scikit-learn's `train_test_split`).
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const { x, y } = data.makeMoons({ nSamples: 100, seed: 0 });
 * const { xTrain, xTest, yTest } = data.trainTestSplit(x, y, { testSize: 0.2, seed: 1 });
 * console.log(xTrain.shape, xTest.shape, yTest.shape); // [80, 2] [20, 2] [20]
 * ```
 */
export function trainTestSplit(x: Tensor, y: Tensor, options: TrainTestSplitOptions = {}): TrainTestSplit {
  const dataset = new TensorDataset(x, y);
  const n = dataset.length;
  const nTest = testCount(options.testSize ?? 0.25, n);
  const order = options.shuffle ?? true ? new Generator(options.seed ?? 0).permutation(n) : Array.from({ length: n }, (_, i) => i);
  const [xTrain, yTrain] = dataset.getBatch(order.slice(0, n - nTest));
  const [xTest, yTest] = dataset.getBatch(order.slice(n - nTest));
  return { xTrain: xTrain!, xTest: xTest!, yTrain: yTrain!, yTest: yTest! };
}
