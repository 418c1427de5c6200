/**
 * The methods of {@link Tensor} that read its values back: at once where the backend reads
 * synchronously (item, toTypedArray, toArray), after the queued kernels on every backend (data,
 * array), and as text (toString, console.log). Kept in a base class of their own so tensor.ts
 * stays about storage, autograd and the core ops.
 */
import type { DataArray } from "../backend/backend.js";
import type { NestedArray, Tensor } from "./tensor.js";
import { formatShape, sizeOf } from "./shape.js";
import { formatTensorText, inspectCustom } from "./format-tensor.js";
import { TensorViews } from "./tensor-views.js";

export abstract class TensorData extends TensorViews {
  /**
   * The single value of a one-element tensor (a bool as 1 or 0). Synchronous: on a backend that
   * reads asynchronously (a GPU) it throws; use `(await t.data())[0]` there.
   */
  item(this: Tensor): number {
    if (this.size !== 1) throw new Error(`item: only one-element tensors can be converted to a number; this tensor has shape ${formatShape(this.shape)}`);
    return readNow(this, "item", "(await t.data())[0]")[0]!;
  }
  /** A flat copy of the data in row-major order (synchronous; `await t.data()` works on every backend). */
  toTypedArray(this: Tensor): DataArray {
    return readNow(this, "toTypedArray", "await t.data()");
  }
  /**
   * The values as nested arrays, a number for a 0-d tensor, booleans for a bool tensor
   * (synchronous; `await t.array()` works on every backend).
   */
  toArray(this: Tensor): NestedArray {
    return nest(readNow(this, "toArray", "await t.array()"), this.shape, this.dtype === "bool");
  }
  /**
   * A flat copy of the data in row-major order, once every op before this call has computed
   * it: works on every backend, including those that cannot read synchronously (a GPU).
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 2], [3, 4]]);
   * const values = await x.mul(2).data(); // a Float32Array
   * console.log(Array.from(values)); // [2, 4, 6, 8]
   * ```
   */
  async data(this: Tensor): Promise<DataArray> {
    return this.backend.readAsync(this.dataRef());
  }
  /**
   * The values as nested arrays (a number for a 0-d tensor; booleans for a bool tensor), read
   * as {@link Tensor.data} reads them: works on every backend.
   *
   * @example
   * ```ts
   * import { tensor } from "nabla";
   * const x = tensor([[1, 2], [3, 4]]);
   * console.log(await x.t().array()); // [[1, 3], [2, 4]]
   * ```
   */
  async array(this: Tensor): Promise<NestedArray> {
    return nest(await this.data(), this.shape, this.dtype === "bool");
  }
  /** The values as PyTorch prints them (`tensor([1.5000, 2.0000], requiresGrad=true)`); see `setPrintOptions`. */
  override toString(this: Tensor): string {
    return printed(this);
  }
  /** What `console.log(t)` shows in Node: the same as `toString()`. */
  [inspectCustom](this: Tensor): string {
    return printed(this);
  }
}

/** The data, synchronously, or an error naming `method` and the async call to use instead. */
function readNow(t: Tensor, method: string, instead: string): DataArray {
  const backend = t.backend;
  if (!backend.readsSynchronously) {
    throw new Error(`${method}: the ${backend.name} backend reads tensor data asynchronously; use ${instead} instead`);
  }
  return backend.read(t.dataRef());
}

/** The formatted values, or a placeholder where reading them would have to wait for a device. */
function printed(t: Tensor): string {
  if (t.backend.readsSynchronously) return formatTensorText(t);
  return `tensor(<on ${t.backend.name}: await t.array()>, shape=${formatShape(t.shape)}, dtype=${t.dtype}${t.requiresGrad ? ", requiresGrad=true" : ""})`;
}

/** Row-major `flat` values as nested arrays of `shape` (a number, or a boolean, for a 0-d shape). */
function nest(flat: DataArray, shape: readonly number[], bool: boolean): NestedArray {
  const build = (dim: number, offset: number): NestedArray => {
    if (dim === shape.length) return bool ? flat[offset] === 1 : flat[offset]!;
    const stride = sizeOf(shape.slice(dim + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < shape[dim]!; i++) out.push(build(dim + 1, offset + i * stride));
    return out;
  };
  return build(0, 0);
}
