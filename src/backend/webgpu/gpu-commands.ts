/**
 * Commands a kernel call encodes (a dispatch, a copy, a clear), as values: the backend encodes
 * them at once in eager mode, and a compiled plan (src/compile/webgpu-executor.ts) captures
 * them once, bind groups and parameter buffers included, and encodes the same list on every
 * call into the one command encoder the call submits.
 */
import type { GpuRef } from "./gpu-buffer-pool.js";
import type { GpuBufferHandle, GpuCommandEncoder, GpuComputePipeline } from "./gpu-types.js";

export type GpuCommand =
  | { readonly kind: "dispatch"; readonly pipeline: GpuComputePipeline; readonly bindGroup: unknown; readonly groups: readonly [number, number, number] }
  | { readonly kind: "copy"; readonly from: GpuBufferHandle; readonly to: GpuBufferHandle; readonly bytes: number }
  | { readonly kind: "clear"; readonly buffer: GpuBufferHandle };

/** What capturing collects: the commands, and the buffers they need on every call (parameters, scratch). */
export class CommandCapture {
  readonly commands: GpuCommand[] = [];
  /** Buffers allocated while capturing (a kernel's scratch: its free keeps it here instead). */
  readonly made = new Set<GpuRef>();
  /** Buffers the commands use that belong to them alone; released when their owner is collected. */
  readonly kept: GpuRef[] = [];
}

/** Encodes `commands` in order; consecutive dispatches share one compute pass (WebGPU orders their storage writes). */
export function encodeCommands(encoder: GpuCommandEncoder, commands: readonly GpuCommand[]): void {
  let pass: ReturnType<GpuCommandEncoder["beginComputePass"]> | null = null;
  for (const command of commands) {
    if (command.kind === "dispatch") {
      pass ??= encoder.beginComputePass();
      pass.setPipeline(command.pipeline);
      pass.setBindGroup(0, command.bindGroup);
      pass.dispatchWorkgroups(...command.groups);
      continue;
    }
    if (pass !== null) pass.end(), (pass = null);
    if (command.kind === "copy") encoder.copyBufferToBuffer(command.from, 0, command.to, 0, command.bytes);
    else encoder.clearBuffer(command.buffer);
  }
  pass?.end();
}
