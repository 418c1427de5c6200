/**
 * Chromium's flags for WebGPU headless without a GPU: WebGPU is behind --enable-unsafe-webgpu
 * on Linux, and --use-webgpu-adapter=swiftshader picks the SwiftShader (Vulkan on the CPU)
 * adapter Debian's chromium ships, so a test sees the same device everywhere. (Found by trying
 * them on Chromium 156: with no flag `requestAdapter()` gives null; --enable-unsafe-webgpu
 * alone already falls back to SwiftShader; --disable-gpu does not take WebGPU away.)
 */
export const WEBGPU_FLAGS: readonly string[] = ["--enable-unsafe-webgpu", "--use-webgpu-adapter=swiftshader"];
