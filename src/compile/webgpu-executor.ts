/**
 * Runs a {@link Plan} on the WebGPU backend as one command buffer per call. The plan's kernel
 * calls are captured once (src/backend/webgpu/gpu-commands.ts): each becomes its dispatches,
 * with the pipeline, the bind group over the plan's buffers and the parameter buffer made
 * then, so a call only encodes them again, runs of kernels sharing a compute pass. What runs
 * again on every call as in eager mode (the input copies, `optimizer.step()` and other host
 * calls, the returned copies) records its kernels into the same encoder, and the call ends
 * with one `queue.submit`.
 *
 * The plan owns its buffers: the tracer retains them on the backend for as long as the plan
 * lives (the traced tensors that made them are collected long before), and the captured
 * commands' parameter and scratch buffers return to the pool when the plan is collected.
 * Random draws are written into their plan buffer with `writeBuffer`, which the queue runs
 * before this call's command buffer; nothing earlier in the call reads that buffer. Gathers
 * check their indices on the device and report at the next read, as in eager mode.
 */
import type { KernelFunction, Plan, PlanNode } from "./plan.js";
import { bindInputs, fillTemplate } from "./plan.js";
import { WebGpuBackend } from "../backend/webgpu/webgpu-backend.js";
import type { Executable } from "./wasm-executor.js";

/** The executor of `plan` on the webgpu backend, or null where the plan is not on it. */
export function webGpuExecutable(plan: Plan): Executable | null {
  const backend = plan.backend;
  if (!(backend instanceof WebGpuBackend)) return null;
  const steps: (() => void)[] = [];
  let kernels: { run: KernelFunction; args: readonly unknown[] }[] = [];
  /** Captures the kernels seen since the last host-side step as one list of commands. */
  const captureRun = (): void => {
    if (kernels.length === 0) return;
    const calls = kernels;
    kernels = [];
    const commands = backend.captureKernels(plan, () => {
      for (const call of calls) call.run.apply(backend, call.args as unknown[]);
    });
    steps.push(() => backend.encodeCaptured(commands));
  };
  for (const node of plan.nodes) {
    if (node.kind === "kernel") kernels.push({ run: node.run, args: node.args });
    else if (node.kind === "values") kernels.push({ run: backend.copyStrided as KernelFunction, args: [{ ref: node.source, offset: 0, strides: [1] }, [node.ref.size], node.ref] });
    else {
      captureRun();
      steps.push(hostStep(node, backend));
    }
  }
  captureRun();
  return (args, makeOutput) =>
    backend.asOneSubmit(() => {
      bindInputs(plan, args);
      for (let i = 0; i < steps.length; i++) steps[i]!();
      return fillTemplate(plan.template, plan.outputs.map(makeOutput));
    });
}

/** A node that is not a fixed kernel call: runs as eager mode would, its kernels joining the call's encoder. */
function hostStep(node: Exclude<PlanNode, { kind: "kernel" | "values" }>, backend: WebGpuBackend): () => void {
  switch (node.kind) {
    case "random": {
      const { generator, values, ceiling, ref } = node;
      const uniform = node.draw === "uniform";
      return () => {
        for (let i = 0; i < values.length; i++) values[i] = uniform ? Math.min(generator.uniform(), ceiling) : generator.normal();
        backend.upload(ref, values);
      };
    }
    case "host":
      return node.run;
    case "grads": {
      const { leaves, grads } = node;
      return () => {
        for (let j = 0; j < leaves.length; j++) leaves[j]!.grad = grads[j]!;
      };
    }
  }
}
