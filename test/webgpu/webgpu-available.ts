/**
 * Opens the webgpu backend for the tests in this folder, or says why they are skipped. Without
 * a GPU, Dawn runs on SwiftShader's Vulkan driver (Debian's chromium package ships it) when
 * VK_ICD_FILENAMES points at it; this sets that where the file exists. The tests run in the
 * pass of the first backend the test script runs (SwiftShader is slow: once is enough).
 */
import { existsSync } from "node:fs";
import { backendUnderTest } from "../helpers.js";
import type { WebGpuBackend } from "../../src/backend/webgpu/webgpu-backend.js";
import { activeBackend } from "../../src/backend/registry.js";
import { setBackend } from "../../src/index.js";

const SWIFTSHADER = "/usr/lib/chromium/vk_swiftshader_icd.json";

let opened: Promise<WebGpuBackend | string> | undefined;

/** The backend (the one `setBackend("webgpu")` selects; the backend under test stays selected), or the reason to skip. */
export function webGpuOrSkip(): Promise<WebGpuBackend | string> {
  opened ??= (async () => {
    const first = (process.env.NABLA_TEST_BACKENDS ?? "js,wasm").split(",")[0];
    if (backendUnderTest !== first) return `webgpu tests run once, in the ${first} pass`;
    if (process.env.VK_ICD_FILENAMES === undefined && existsSync(SWIFTSHADER)) process.env.VK_ICD_FILENAMES = SWIFTSHADER;
    try {
      await setBackend("webgpu");
      const backend = activeBackend() as unknown as WebGpuBackend;
      setBackend(backendUnderTest);
      return backend;
    } catch (error) {
      return `no WebGPU here: ${(error as Error).message}`;
    }
  })();
  return opened;
}

/** Runs `fn` with new tensors created on webgpu, then selects the backend under test again. */
export async function onWebGpu<T>(fn: () => Promise<T>): Promise<T> {
  await setBackend("webgpu");
  try {
    return await fn();
  } finally {
    setBackend(backendUnderTest);
  }
}
