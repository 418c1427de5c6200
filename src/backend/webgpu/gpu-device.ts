/**
 * Finding a WebGPU device: `navigator.gpu` in a browser, the optional `webgpu` package (Dawn)
 * in Node, loaded only when a program asks for the webgpu backend. Each way it can fail has
 * its own error saying why and what to do.
 */
import type { Gpu, GpuAdapter, GpuDevice } from "./gpu-types.js";

/** The device and the adapter's name, as {@link backendInfo} reports it. */
export interface GpuContext {
  readonly device: GpuDevice;
  readonly adapterName: string;
  /** Held so the garbage collector never collects Dawn's instance under a live device (it crashes the process). */
  readonly keepAlive: readonly unknown[];
}

const SWIFTSHADER_HINT =
  "on a machine without a GPU, point the Vulkan loader at a software driver, e.g. VK_ICD_FILENAMES=/usr/lib/chromium/vk_swiftshader_icd.json (Debian's chromium package ships SwiftShader; the loader is in libvulkan1)";

async function gpuOfThisRuntime(): Promise<Gpu> {
  const nav = (globalThis as { navigator?: { gpu?: Gpu } }).navigator;
  if (nav?.gpu !== undefined) return nav.gpu;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node === undefined) {
    const secure = (globalThis as { isSecureContext?: boolean }).isSecureContext;
    throw new Error(
      secure === false
        ? "setBackend(\"webgpu\"): navigator.gpu is missing because this page is not a secure context; serve it over https or from localhost"
        : "setBackend(\"webgpu\"): this browser has no WebGPU (navigator.gpu is missing); use a browser with WebGPU enabled, or setBackend(\"wasm\")",
    );
  }
  // A module name in a variable: bundlers for the browser leave the import alone.
  const packageName = "webgpu";
  let module: { create: (flags: string[]) => Gpu };
  try {
    module = (await import(packageName)) as typeof module;
  } catch (cause) {
    throw new Error(`setBackend("webgpu"): the optional package "webgpu" (Dawn for Node) is not installed; run \`npm install webgpu\` (${(cause as Error).message.split("\n")[0]})`);
  }
  return module.create([]);
}

function describeAdapter(adapter: GpuAdapter): string {
  const info = adapter.info;
  if (info === undefined) return "unknown adapter";
  const parts = [info.description, info.vendor, info.architecture].filter((p) => p !== "");
  return parts.length > 0 ? [...new Set(parts)].join(" / ") : "unknown adapter";
}

/** Requests an adapter and a device with the adapter's own storage and buffer limits. */
export async function openGpu(): Promise<GpuContext> {
  const gpu = await gpuOfThisRuntime();
  const adapter = await gpu.requestAdapter({ powerPreference: "high-performance" });
  if (adapter === null) {
    throw new Error(`setBackend("webgpu"): WebGPU found no adapter (no GPU, or no driver for it); ${SWIFTSHADER_HINT}`);
  }
  const device = await adapter.requestDevice({
    requiredLimits: {
      maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize,
      maxBufferSize: adapter.limits.maxBufferSize,
    },
  });
  return { device, adapterName: describeAdapter(adapter), keepAlive: [gpu, adapter] };
}
