/** `asTensor`: a tensor over the caller's typed array, without a copy where the backend allows. */
import { activeBackend } from "../backend/registry.js";
import { checkDType, isFloatingPoint } from "./dtype.js";
import { tensor, type TensorDataOptions } from "./creation.js";
import { checkShape, formatShape, sizeOf } from "./shape.js";
import { Storage } from "./storage.js";
import { Tensor, type NestedArray } from "./tensor.js";

/**
 * Converts `data` into a tensor, sharing its memory where it can, as PyTorch's
 * `torch.as_tensor` does. A Float32Array, Float64Array or Int32Array becomes a tensor over that
 * very array (float32, float64 or int32; `shape` as for {@link tensor}) on the CPU backends (js,
 * wasm), so that writes to either show in the other: the way to hand a batch buffer that is
 * refilled each step to a training step without copying it. Sharing lasts as long as the tensor
 * keeps that storage: a compiled step that updates the tensor in place (a parameter) moves it
 * into the plan's own memory.
 *
 * A tensor comes back as it is, or converted with `to` when `dtype` names another. Everything
 * else is copied, as {@link tensor} copies it: nested arrays, a Uint8Array, a typed array read
 * as another dtype, and every array on the webgpu backend (uploaded to the device).
 *
 * @example
 * ```ts
 * import { asTensor } from "nabla";
 * const batch = new Float32Array(6);
 * const x = asTensor(batch, { shape: [2, 3] });
 * batch.set([1, 2, 3, 4, 5, 6]); // the next batch, written where x reads
 * console.log(x.sum().item()); // 21
 * console.log(asTensor(x) === x, asTensor([1, 2]).dtype); // true "float32"
 * ```
 */
export function asTensor(data: Tensor | NestedArray | Float32Array | Float64Array | Int32Array | Uint8Array, options: TensorDataOptions = {}): Tensor {
  if (data instanceof Tensor) {
    if (options.shape !== undefined) throw new Error(`asTensor: shape ${formatShape(options.shape)} is for flat typed arrays; reshape the tensor of shape ${formatShape(data.shape)} instead`);
    if (options.requiresGrad !== undefined) throw new Error("asTensor: requiresGrad is for new tensors; a tensor keeps its own (set requiresGrad on it)");
    return options.dtype === undefined ? data : data.to(checkDType("asTensor", options.dtype));
  }
  if (!(data instanceof Float32Array || data instanceof Float64Array || data instanceof Int32Array)) return tensor(data, options);
  const own = data instanceof Float32Array ? "float32" : data instanceof Float64Array ? "float64" : "int32";
  if (options.dtype !== undefined && options.dtype !== own) return tensor(data, options);
  const shape = options.shape === undefined ? [data.length] : checkShape("asTensor", options.shape);
  if (sizeOf(shape) !== data.length) throw new Error(`asTensor: ${data.length} values cannot fill shape ${formatShape(shape)}`);
  if (options.requiresGrad === true && !isFloatingPoint(own)) throw new Error(`asTensor: only floating-point tensors can require gradients, got dtype ${own}`);
  const backend = activeBackend();
  const t = new Tensor(new Storage(backend, backend.fromArray(data, own)), shape);
  if (options.requiresGrad === true) t.requiresGrad = true;
  return t;
}
