/** `oneHot`: class indices to one-hot rows. */
import { Tensor, type NestedArray } from "../tensor/tensor.js";
import { tensor } from "../tensor/creation.js";
import { activeBackend } from "../backend/registry.js";
import { Storage } from "../tensor/storage.js";
import { scatter } from "./gather.js";
import { unsqueeze } from "./movement.js";

/**
 * One-hot encoding (PyTorch's `nn.functional.one_hot`): an index tensor of shape [...] becomes
 * [..., numClasses] with a 1 at each index and 0 elsewhere. `numClasses` defaults to the
 * largest index + 1. The result is int32 (PyTorch returns int64).
 *
 * @example
 * ```ts
 * import { oneHot, tensor } from "nabla";
 * console.log(oneHot(tensor([2, 0]), 3).toArray()); // [[0, 0, 1], [1, 0, 0]]
 * ```
 */
export function oneHot(index: Tensor | NestedArray, numClasses = -1): Tensor {
  const idx = index instanceof Tensor ? index : tensor(index);
  if (idx.dtype === "bool") throw new Error("oneHot: index must be an int32 tensor (or integers), got a bool tensor");
  if (!idx.backend.readsSynchronously) {
    // a device backend checks the indices in the scatter below and reports at the next read
    if (numClasses === -1) throw new Error(`oneHot: on the ${idx.backend.name} backend pass numClasses (inferring it would read the indices back from the device)`);
    if (!Number.isInteger(numClasses) || numClasses < 0) throw new Error(`oneHot: numClasses ${numClasses} must be a non-negative integer or -1`);
    const zeros = Tensor.empty([...idx.shape, numClasses], "int32", idx.backend);
    idx.backend.fill(zeros.storage.ref, 0);
    return scatter(zeros, -1, unsqueeze(idx.detach(), -1), 1);
  }
  const values = idx.toTypedArray();
  let largest = -1;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!Number.isInteger(v) || v < 0) throw new Error(`oneHot: index ${v} at position ${i} is not a non-negative integer`);
    if (v > largest) largest = v;
  }
  if (values.length === 0 && numClasses === -1) throw new Error("oneHot: cannot infer the number of classes from an empty index; pass numClasses");
  const classes = numClasses === -1 ? largest + 1 : numClasses;
  if (!Number.isInteger(classes) || classes < 0) throw new Error(`oneHot: numClasses ${numClasses} must be a non-negative integer or -1`);
  if (largest >= classes) throw new Error(`oneHot: index ${largest} is out of range for ${classes} classes`);
  const backend = index instanceof Tensor ? index.backend : activeBackend();
  const zeros = new Tensor(new Storage(backend, backend.allocate(idx.size * classes, "int32")), [...idx.shape, classes]);
  backend.fill(zeros.storage.ref, 0);
  return scatter(zeros, -1, unsqueeze(idx.detach(), -1), 1);
}
