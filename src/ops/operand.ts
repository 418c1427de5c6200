import type { NestedArray, Operand } from "../tensor/tensor.js";
import { Tensor } from "../tensor/tensor.js";
import type { DType } from "../tensor/dtype.js";
import { Storage } from "../tensor/storage.js";
import type { Shape } from "../tensor/shape.js";
import type { Backend, DataArray } from "../backend/backend.js";

/** @internal `x` itself, or a copy of its values on `backend` (outside the graph). */
export function onBackend(x: Tensor, backend: Backend): Tensor {
  if (x.backend === backend) return x;
  if (!x.backend.readsSynchronously) {
    throw new Error(`a tensor on the ${x.backend.name} backend cannot be used with tensors on ${backend.name}: its data is read asynchronously; bring it over with tensor(await t.data(), { shape: t.shape })`);
  }
  return new Tensor(new Storage(backend, backend.fromValues(x.toTypedArray(), x.dtype)), x.shape);
}

/** @internal A new, uninitialised tensor on the same backend as `like`. */
export function emptyLike(like: Tensor, shape: Shape = like.shape, dtype: DType = like.dtype): Tensor {
  return Tensor.empty(shape, dtype, like.backend);
}

/**
 * @internal `value` as a tensor on `like`'s backend; a number becomes a 0-d tensor of `like`'s
 * dtype. The element-wise ops never send a number here: theirs reaches the kernels as a number
 * (Backend.binaryScalar), with no buffer around it; this path is for ops whose kernels take
 * tensors only.
 */
export function toOperand(op: string, value: Operand, like: Tensor): Tensor {
  if (value instanceof Tensor) return onBackend(value, like.backend);
  if (typeof value !== "number") throw new Error(`${op}: expected a Tensor or a number, got ${typeof value}`);
  const ref = like.backend.fromValues([value], like.dtype);
  return new Tensor(new Storage(like.backend, ref), []);
}

/**
 * @internal Runs `check` over values an op validates (class targets, indices, probabilities)
 * where they are at hand without waiting for a device: numbers given on the host, and a
 * tensor's data on a backend that reads synchronously (the CPU backends), which keep their
 * clear errors. A backend that cannot read synchronously checks them on the device instead
 * and reports at the next read (see "Reading data back" in src/backend/backend.ts): no op
 * reads back in forward or backward.
 */
export function checkValuesOnHost(source: Tensor | NestedArray | readonly number[], check: (values: Float32Array | Float64Array | Int32Array) => void): void {
  // Only three array kinds reach the checks: a loop over values that met five kinds (every
  // dtype's array and plain arrays) would go megamorphic and cost more than the op it guards.
  if (!(source instanceof Tensor)) return check(Float64Array.from(hostNumbers(source)));
  const values = hostValues(source);
  if (values !== null) check(values instanceof Uint8Array ? Float64Array.from(values) : values);
}

/**
 * @internal A tensor's values for a check that only reads them, at once: the backend's own
 * array where it lends it ({@link Backend.peek}), else a copy; null on a backend that cannot
 * read synchronously (it checks on the device, see {@link checkValuesOnHost}).
 */
export function hostValues(source: Tensor): DataArray | null {
  const backend = source.backend;
  if (!backend.readsSynchronously) return null;
  valueChecks.running++;
  try {
    const ref = source.dataRef();
    return backend.peek !== undefined ? backend.peek(ref) : backend.read(ref);
  } finally {
    valueChecks.running--;
  }
}

/**
 * @internal How many {@link checkValuesOnHost} reads are running: a compiled function's trace
 * (src/compile) lets these reads through, where any other read inside it is an error.
 */
export const valueChecks = { running: 0 };

/** Nested arrays' values in row-major order (a boolean as 1 or 0). */
function hostNumbers(source: NestedArray | readonly number[]): number[] {
  const out: number[] = [];
  const visit = (node: NestedArray | readonly number[]): void => {
    if (typeof node === "number" || typeof node === "boolean") out.push(Number(node));
    else for (const child of node) visit(child);
  };
  visit(source);
  return out;
}
