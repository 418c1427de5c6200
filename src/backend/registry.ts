import type { Backend } from "./backend.js";
import { JsBackend } from "./js-backend.js";

export type BackendName = "js" | "wasm";

const factories = new Map<BackendName, () => Backend>([["js", () => new JsBackend()]]);
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

/** @internal The backend instance ops run on. */
export function activeBackend(): Backend {
  if (current === null) setBackend("js");
  return current!;
}
