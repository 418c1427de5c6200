/** The page's backend choice turned into the backends it computes and trains on. */
import { getBackend, setBackend } from "nabla";
import type { BackendChoice } from "./state.js";
import type { WebGpuProbe } from "./webgpu-probe.js";

/** Where the page computes and trains after {@link selectBackend}. */
export interface SelectedBackend {
  /** The backend the page computes on now (what "auto" resolved to). */
  backendName: string;
  /** "webgpu" when chosen and offered (training in the worker), else `backendName`. */
  trainingBackend: string;
  /** The GPU adapter's name when training on webgpu, else "". */
  adapter: string;
  /** Why the chosen backend could not be used, if it could not, else "". */
  backendError: string;
}

/**
 * Switches nabla to the chosen backend; "auto" is nabla's own order: WASM, else pure TS.
 * "webgpu" trains in the worker on the GPU; this thread draws on WASM, since its frames read
 * the network's outputs synchronously.
 */
export function selectBackend(choice: BackendChoice, webgpu: WebGpuProbe): SelectedBackend {
  let backendError = "";
  const gpu = choice === "webgpu" && webgpu.adapter !== null;
  if (choice === "webgpu" && webgpu.adapter === null) backendError = `webgpu unavailable: ${webgpu.reason}`;
  try {
    setBackend(choice === "auto" || choice === "webgpu" ? "wasm" : choice);
  } catch (error) {
    if (choice !== "auto" && choice !== "webgpu") backendError = (error as Error).message;
    setBackend("js");
  }
  const backendName = getBackend();
  return { backendName, trainingBackend: gpu ? "webgpu" : backendName, adapter: gpu ? webgpu.adapter! : "", backendError };
}
