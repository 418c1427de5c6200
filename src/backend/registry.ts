import type { Backend } from "./backend.js";
import { JsBackend } from "./js-backend.js";
import { WasmBackend } from "./wasm/wasm-backend.js";

/** A backend `setBackend` can select: "js" (plain JavaScript, runs anywhere) or "wasm" (WebAssembly kernels, faster). */
export type BackendName = "js" | "wasm";

const factories = new Map<BackendName, () => Backend>([
  ["js", () => new JsBackend()],
  ["wasm", () => new WasmBackend()],
]);
/** Tried in order when nothing was chosen: the fastest backend this engine can run. */
const preferred: readonly BackendName[] = ["wasm", "js"];
const instances = new Map<BackendName, Backend>();
let current: Backend | null = null;

/** Lets an optional backend module make itself available to {@link setBackend}. */
export function registerBackend(name: BackendName, factory: () => Backend): void {
  factories.set(name, factory);
}

/**
 * Chooses the backend that new tensors are created on.
 *
 * @example
 * ```ts
 * import { setBackend, getBackend } from "nabla";
 * setBackend("js");
 * console.log(getBackend()); // "js"
 * ```
 */
export function setBackend(name: BackendName): void {
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new Error(`setBackend: unknown backend ${JSON.stringify(name)} (available: ${[...factories.keys()].join(", ")})`);
  }
  let instance = instances.get(name);
  if (instance === undefined) {
    instance = factory();
    instances.set(name, instance);
  }
  current = instance;
}

/** The name of the backend new tensors are created on. */
export function getBackend(): BackendName {
  return activeBackend().name as BackendName;
}

/** What {@link backendInfo} reports. */
export interface BackendInfo {
  name: BackendName;
  /**
   * Threads computing large matrix products now, the caller included: 1 on the js backend, and
   * on wasm until its worker threads have started (with the first product big enough to split;
   * in a browser only on a cross-origin isolated page, where SharedArrayBuffer exists).
   */
  threads: number;
}

/**
 * The backend new tensors are created on, and how many threads it computes with.
 *
 * @example
 * ```ts
 * import { backendInfo, setBackend } from "nabla";
 * setBackend("js");
 * console.log(backendInfo()); // { name: "js", threads: 1 }
 * ```
 */
export function backendInfo(): BackendInfo {
  const backend = activeBackend();
  return { name: backend.name as BackendName, threads: backend.threadsRunning ?? 1 };
}

/** @internal The backend instance ops run on. */
export function activeBackend(): Backend {
  if (current === null) {
    for (const name of preferred) {
      try {
        setBackend(name);
        break;
      } catch {
        // e.g. no WebAssembly SIMD in this engine: fall back to the next backend
      }
    }
  }
  return current!;
}
