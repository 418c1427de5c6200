/**
 * What has gone wrong with a WebGPU device, and the error every later kernel and read throws
 * for it: the device lost (a driver reset, a GPU unplugged, `device.destroy()`), or a kernel
 * the device rejected. Both are reported by WebGPU asynchronously, so they fail the next
 * kernel or read, never leaving silent zeros. A loss names the training step: the
 * `optimizer.step()` calls issued on the backend's parameters (eager, or inside a compiled
 * call) when it was reported, and the last of them that a completed read confirmed had run —
 * the step a user can restart from.
 */
import type { GpuDevice } from "./gpu-types.js";

export class DeviceHealth {
  private lost: string | null = null;
  /** The first shader or dispatch the device rejected (reported at the next kernel or read). */
  private rejected: string | null = null;
  /** Validation results not yet in (a read waits for them). */
  readonly pendingChecks: Promise<void>[] = [];
  /** Kernels issued so far. */
  kernels = 0;
  /** `optimizer.step()` calls issued so far. */
  steps = 0;
  /** The steps issued before the last read that completed: their work is known to have run. */
  private confirmedSteps = 0;
  /** The steps issued when the device was reported lost. */
  private stepsAtLoss = 0;

  constructor(device: GpuDevice) {
    void device.lost.then((info) => {
      this.stepsAtLoss = this.steps;
      this.lost = `${info.reason}${info.message !== "" ? `: ${info.message}` : ""}`;
    });
  }

  get isLost(): boolean {
    return this.lost !== null;
  }

  /** Notes that a read of work issued when `steps` steps had been issued has completed. */
  confirm(steps: number): void {
    this.confirmedSteps = Math.max(this.confirmedSteps, steps);
  }

  /** Notes a rejected kernel (the first one is reported). */
  reject(message: string): void {
    this.rejected ??= `the device rejected a kernel (${message.split("\n")[0]})`;
  }

  /** Throws, naming `what` could not run, if the device was lost or rejected a kernel. */
  check(what: string): void {
    if (this.rejected !== null) throw new Error(`webgpu: ${this.rejected}; ${what} cannot run`);
    if (this.lost === null) return;
    const when = this.stepsAtLoss === 0 ? "before any training step" : `after training step ${this.stepsAtLoss} was issued (the last step a completed read confirmed is ${this.confirmedSteps})`;
    const from = this.confirmedSteps === 0 ? "" : ` taken at step ${this.confirmedSteps} or earlier`;
    throw new Error(
      `webgpu: the GPU device was lost (${this.lost}) ${when}, ${this.kernels} kernels in all; ${what} cannot run. Its tensors are gone: call setBackend("webgpu") again and restart from a checkpoint${from}`,
    );
  }
}
