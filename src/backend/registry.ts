import type { Backend } from "./backend.js";
import { JsBackend } from "./js-backend.js";
import { WasmBackend } from "./wasm/wasm-backend.js";
import { createWebGpuBackend } from "./webgpu/webgpu-backend.js";

/**
 * A backend `setBackend` can select: "js" (plain JavaScript, runs anywhere), "wasm"
 * (WebAssembly kernels, faster) or "webgpu" (the GPU, through WebGPU; asynchronous reads).
 */
export type BackendName = "js" | "wasm" | "webgpu";

const factories = new Map<BackendName, () => Backend>([
  ["js", () => new JsBackend()],
  ["wasm", () => new WasmBackend()],
]);
/** Tried in order when nothing was chosen: the fastest backend this engine can run. */
const preferred: readonly BackendName[] = ["wasm", "js"];
/** Backends that must wait for a device before their first kernel: `setBackend` returns a promise for them. */
const asyncFactories = new Map<BackendName, () => Promise<Backend>>([["webgpu", createWebGpuBackend]]);
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
export function setBackend(name: Exclude<BackendName, "webgpu">): void;
/**
 * Chooses the GPU through WebGPU (`navigator.gpu` in a browser, the optional `webgpu` package
 * in Node): resolves once a device is open, rejects saying why none is (no package, no
 * adapter, no secure context). Read its tensors with `await t.data()` / `await t.array()`,
 * and `await` once per training step so the garbage collector can return their buffers.
 *
 * @example
 * ```ts
 * import { setBackend, backendInfo } from "nabla";
 * // falls back to WebAssembly where there is no GPU (the rejection's message says why)
 * const chosen = await setBackend("webgpu").then(() => "webgpu", () => "wasm");
 * if (chosen === "wasm") setBackend("wasm");
 * console.log(backendInfo().name === chosen); // true
 * ```
 */
export function setBackend(name: "webgpu"): Promise<void>;
export function setBackend(name: BackendName): void | Promise<void>;
export function setBackend(name: BackendName): void | Promise<void> {
  const asyncFactory = asyncFactories.get(name);
  // a backend whose device was lost is replaced by a new one (its tensors are gone)
  if (asyncFactory !== undefined && (!instances.has(name) || instances.get(name)!.deviceLost === true)) {
    return asyncFactory().then((instance) => {
      instances.set(name, instance);
      current = instance;
    });
  }
  if (asyncFactory !== undefined) {
    current = instances.get(name)!;
    return Promise.resolve();
  }
  const factory = factories.get(name);
  if (factory === undefined) {
    throw new Error(`setBackend: unknown backend ${JSON.stringify(name)} (available: ${[...factories.keys(), ...asyncFactories.keys()].join(", ")})`);
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
   * on wasm until its worker threads have booted (they start with the first product big enough
   * to split, and take part some 40 ms later in Node; in a browser only on a cross-origin
   * isolated page, where SharedArrayBuffer exists).
   */
  threads: number;
  /** The GPU adapter running the kernels (webgpu only), e.g. "SwiftShader driver 5.0.0 / google / swiftshader". */
  adapter?: string;
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
  const info: BackendInfo = { name: backend.name as BackendName, threads: backend.threadsRunning ?? 1 };
  if (backend.description !== undefined) info.adapter = backend.description;
  return info;
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
