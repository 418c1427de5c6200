/**
 * A test-only backend that behaves as a GPU backend does towards the tensor layer: every
 * kernel of the backend it wraps runs as issued, but data comes back only through
 * `readAsync` (a copy taken when it is called, handed over a task later, as a mapped GPU
 * buffer would be), and a synchronous `read` throws. A test that runs forward, backward and
 * an optimizer step on it proves that none of them reads tensor data back to the host.
 */
import type { Backend, DataRef } from "../../src/backend/backend.js";
import { setBackend, getBackend, type BackendName } from "../../src/index.js";
import { activeBackend, registerBackend } from "../../src/backend/registry.js";

export const ASYNC_ONLY = "async-only" as BackendName;

export interface AsyncOnlyBackend extends Backend {
  /** How many asynchronous reads were answered. */
  readonly asyncReads: number;
}

/** Wraps `inner` (every kernel, including ones added to the interface later, is passed through). */
export function asyncOnly(inner: Backend): AsyncOnlyBackend {
  let asyncReads = 0;
  const overrides: Partial<Record<keyof AsyncOnlyBackend, unknown>> = {
    name: ASYNC_ONLY,
    readsSynchronously: false,
    read: (): never => {
      throw new Error(`${ASYNC_ONLY} backend: something read tensor data synchronously (an op must not read back to the host in forward or backward)`);
    },
    readAsync: async (ref: DataRef) => {
      const copy = inner.read(ref); // the data as of this call, as a GPU queue orders the copy
      await new Promise((resolve) => setImmediate(resolve));
      asyncReads++;
      return copy;
    },
  };
  return new Proxy(inner, {
    get(target, property, receiver) {
      if (property === "asyncReads") return asyncReads;
      if (Object.hasOwn(overrides, property)) return overrides[property as keyof AsyncOnlyBackend];
      const value = Reflect.get(target, property, receiver) as unknown;
      return typeof value === "function" ? value.bind(target) : value;
    },
  }) as AsyncOnlyBackend;
}

let wrapper: AsyncOnlyBackend | undefined;

/** Runs `fn` with new tensors created on an async-only wrapper of the backend under test. */
export async function onAsyncOnlyBackend<T>(fn: (backend: AsyncOnlyBackend) => Promise<T> | T): Promise<T> {
  const previous = getBackend();
  if (wrapper === undefined) {
    const backend = asyncOnly(activeBackend());
    registerBackend(ASYNC_ONLY, () => backend);
    wrapper = backend;
  }
  const backend = wrapper;
  setBackend(ASYNC_ONLY);
  try {
    return await fn(backend);
  } finally {
    setBackend(previous);
  }
}
