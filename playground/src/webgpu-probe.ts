/**
 * Whether this browser can train on WebGPU: asked once at start-up, so the backend selector
 * offers "webgpu" only where an adapter exists and otherwise says why not.
 */

/** An adapter's name (as nabla's `backendInfo().adapter` spells it), or why there is none. */
export type WebGpuProbe = { adapter: string; reason?: undefined } | { adapter: null; reason: string };

interface AdapterInfo {
  description?: string;
  vendor?: string;
  architecture?: string;
}
interface NavigatorGpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<{ info?: AdapterInfo } | null>;
}

/** How long the adapter may take to answer before the page gives up on it. */
const PROBE_MS = 3000;

/** Asks `navigator.gpu` for an adapter (the one nabla's webgpu backend would request). */
export async function probeWebGpu(): Promise<WebGpuProbe> {
  const gpu = (globalThis.navigator as { gpu?: NavigatorGpu } | undefined)?.gpu;
  if (gpu === undefined) {
    const reason = globalThis.isSecureContext === false ? "WebGPU needs a secure context (https or localhost)" : "this browser has no WebGPU (navigator.gpu is missing)";
    return { adapter: null, reason };
  }
  try {
    const timeout = new Promise<"timeout">((done) => setTimeout(() => done("timeout"), PROBE_MS));
    const adapter = await Promise.race([gpu.requestAdapter({ powerPreference: "high-performance" }), timeout]);
    if (adapter === "timeout") return { adapter: null, reason: `WebGPU gave no adapter within ${PROBE_MS / 1000} s` };
    if (adapter === null) return { adapter: null, reason: "WebGPU found no adapter (no GPU, or no driver for it)" };
    return { adapter: describe(adapter.info) };
  } catch (error) {
    return { adapter: null, reason: `WebGPU failed: ${(error as Error).message}` };
  }
}

/** The adapter's description, vendor and architecture, as nabla's webgpu backend names it. */
function describe(info: AdapterInfo | undefined): string {
  if (info === undefined) return "unknown adapter";
  const parts = [info.description, info.vendor, info.architecture].filter((p): p is string => p !== undefined && p !== "");
  return parts.length > 0 ? [...new Set(parts)].join(" / ") : "unknown adapter";
}
