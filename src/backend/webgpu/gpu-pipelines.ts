// Compute pipelines cached by shader source: one compilation per kernel source, and a shader the
// device rejects reported through the device's health (gpu-device-health.ts) at the next kernel
// or read, never left to produce zeros.
import type { DeviceHealth } from "./gpu-device-health.js";
import type { GpuComputePipeline, GpuDevice } from "./gpu-types.js";

/** The pipelines a GpuRuntime has made, by shader source. */
export class PipelineCache {
  private readonly pipelines = new Map<string, { pipeline: GpuComputePipeline; layout: unknown }>();

  constructor(
    private readonly device: GpuDevice,
    private readonly health: DeviceHealth,
  ) {}

  /** The pipeline of `source` and its bind group layout, made on first use. */
  get(source: string): { pipeline: GpuComputePipeline; layout: unknown } {
    let cached = this.pipelines.get(source);
    if (cached === undefined) {
      // a kernel the device rejects must fail loudly, never leave zeros: the error is reported
      // at the next kernel or read (WebGPU reports validation errors asynchronously)
      this.device.pushErrorScope("validation");
      const pipeline = this.device.createComputePipeline({ layout: "auto", compute: { module: this.device.createShaderModule({ code: source }), entryPoint: "main" } });
      this.health.pendingChecks.push(
        this.device.popErrorScope().then((error) => {
          if (error !== null) this.health.reject(error.message);
        }),
      );
      cached = { pipeline, layout: pipeline.getBindGroupLayout(0) };
      this.pipelines.set(source, cached);
    }
    return cached;
  }
}
