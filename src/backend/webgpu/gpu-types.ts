/**
 * The few WebGPU interfaces this backend uses, declared here so that type-checking needs
 * neither the DOM's WebGPU types nor the optional `webgpu` package (@webgpu/types has them
 * all; these are a subset with the same names and shapes).
 */

export interface GpuBufferHandle {
  readonly size: number;
  mapAsync(mode: number): Promise<void>;
  getMappedRange(): ArrayBuffer;
  unmap(): void;
  destroy(): void;
}

export interface GpuComputePipeline {
  getBindGroupLayout(index: number): unknown;
}

export interface GpuComputePass {
  setPipeline(pipeline: GpuComputePipeline): void;
  setBindGroup(index: number, group: unknown): void;
  dispatchWorkgroups(x: number, y?: number, z?: number): void;
  end(): void;
}

export interface GpuCommandEncoder {
  beginComputePass(): GpuComputePass;
  clearBuffer(buffer: GpuBufferHandle, offset?: number, size?: number): void;
  copyBufferToBuffer(source: GpuBufferHandle, sourceOffset: number, destination: GpuBufferHandle, destinationOffset: number, size: number): void;
  finish(): unknown;
}

export interface GpuLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
  readonly maxComputeWorkgroupsPerDimension: number;
}

export interface GpuDevice {
  readonly limits: GpuLimits;
  readonly lost: Promise<{ readonly reason: string; readonly message: string }>;
  readonly queue: {
    submit(commands: unknown[]): void;
    writeBuffer(buffer: GpuBufferHandle, offset: number, data: ArrayBufferView): void;
    onSubmittedWorkDone(): Promise<void>;
  };
  createBuffer(descriptor: { size: number; usage: number; mappedAtCreation?: boolean }): GpuBufferHandle;
  createShaderModule(descriptor: { code: string }): unknown;
  createComputePipeline(descriptor: { layout: "auto"; compute: { module: unknown; entryPoint: string } }): GpuComputePipeline;
  createBindGroup(descriptor: { layout: unknown; entries: { binding: number; resource: { buffer: GpuBufferHandle } }[] }): unknown;
  createCommandEncoder(): GpuCommandEncoder;
  pushErrorScope(filter: "validation" | "out-of-memory" | "internal"): void;
  popErrorScope(): Promise<{ readonly message: string } | null>;
  destroy(): void;
}

export interface GpuAdapter {
  readonly info?: { readonly vendor: string; readonly architecture: string; readonly device: string; readonly description: string };
  readonly limits: GpuLimits;
  requestDevice(descriptor?: { requiredLimits?: Record<string, number> }): Promise<GpuDevice>;
}

export interface Gpu {
  requestAdapter(options?: { powerPreference?: "high-performance" | "low-power" }): Promise<GpuAdapter | null>;
}

/** GPUBufferUsage's flags (numbers from the WebGPU specification, so no global is needed). */
export const USAGE = { MAP_READ: 1, COPY_SRC: 4, COPY_DST: 8, STORAGE: 128 } as const;
/** GPUMapMode.READ. */
export const MAP_READ = 1;
