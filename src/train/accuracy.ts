import { noGrad } from "../autograd/grad-mode.js";
import { tensor } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";

/** Options of `accuracy`. */
export interface AccuracyOptions {
  /** For a single output per sample: the value above which it counts as class 1 (default 0.5, for probabilities; use 0 for logits). */
  threshold?: number;
}

/**
 * The fraction of samples classified correctly. For outputs [N, C] with C ≥ 2 the predicted
 * class is the arg-max of each row, compared with class indices `target` [N]; for one output
 * per sample ([N] or [N, 1]) the prediction is `output > threshold`, compared with 0/1 targets.
 *
 * @example
 * ```ts
 * import { accuracy, tensor } from "nabla";
 * console.log(accuracy(tensor([[2, 1], [0, 3], [5, 4]]), tensor([0, 1, 1]))); // 0.6666666666666666
 * console.log(accuracy(tensor([[0.9], [0.2]]), tensor([1, 1]))); // 0.5
 * ```
 */
export function accuracy(output: Tensor, target: Tensor | readonly number[], options: AccuracyOptions = {}): number {
  const labels = target instanceof Tensor ? target.detach() : tensor([...target]);
  const n = output.shape[0];
  const multiClass = output.ndim === 2 && output.shape[1]! >= 2;
  const singleOutput = output.ndim === 1 || (output.ndim === 2 && output.shape[1] === 1);
  if ((!multiClass && !singleOutput) || n === 0 || labels.size !== n) {
    throw new Error(`accuracy: expected output [N, C] or [N] / [N, 1] with N ≥ 1 and one target per sample; got output ${formatShape(output.shape)} and target ${formatShape(labels.shape)}`);
  }
  return noGrad(() => {
    const predicted = multiClass ? output.detach().argmax(1) : output.detach().reshape([n!]).gt(options.threshold ?? 0.5);
    // count in JS: a float32 mean of 0/1 values is not exactly k/n
    return predicted.eq(labels.reshape([n!]).to(predicted.dtype)).sum().item() / n!;
  });
}
