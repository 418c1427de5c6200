/**
 * `optimizer.step()` of an {@link SGD} optimizer as a replayed plan runs it on the wasm backend:
 * the same arithmetic as the axpby kernel calls `sgdUpdate` makes (momentum b ← μb + (1 − τ)g,
 * then θ ← θ − η·b, as one pass over each parameter; or θ ← θ − η·g without momentum), on
 * the plan's memory, with the
 * hyper-parameters read from the param groups on every call (a scheduler's lr, an edited
 * momentum take effect). Anything else — weight decay, Nesterov, maximize, a first step that
 * creates the momentum buffers, a gradient or buffer the plan does not hold — runs the
 * optimizer's own step, so results are always eager's.
 */
import type { DataRef } from "../backend/backend.js";
import { SMALL, type WasmBackend } from "../backend/wasm/wasm-backend.js";
import { SGD, type SGDState } from "../optim/sgd.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";

/** The momentum buffers of the SGD optimizers a plan steps (they join its memory). */
export function optimizerBuffers(plan: Plan): DataRef[] {
  const refs: DataRef[] = [];
  for (const node of plan.nodes) {
    if (node.kind !== "host" || !(node.target instanceof SGD)) continue;
    for (const state of node.target.state.values()) if (state !== undefined) refs.push(state.momentumBuffer.storage.ref);
  }
  return refs;
}

/** Whether `t` is a dense tensor whose buffer the plan placed (so a kernel can run on it there). */
function placed(t: Tensor | null | undefined, like: Tensor, context: StepContext): t is Tensor {
  return t !== null && t !== undefined && t.isContiguous && t.dtype === like.dtype && t.size === like.size && context.has(t.storage.ref);
}

/** The step as plan kernels, or null when `target` is not exactly an SGD optimizer. */
export function sgdStep(target: unknown, fallback: () => void, context: StepContext, backend: WasmBackend): (() => void) | null {
  if (!(target instanceof SGD) || target.constructor !== SGD) return null;
  const optimizer = target;
  const { k, ptr } = context;
  /** out ← α·x + β·y, as the backend's axpby would run it. */
  const axpby = (alpha: number, x: Tensor, beta: number, y: Tensor): void => {
    const out = x.storage.ref;
    if (out.size <= SMALL || !(out.dtype === "float32" || out.dtype === "float64")) return backend.axpby(alpha, out, beta, y.storage.ref, out);
    (out.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(alpha, ptr(out), beta, ptr(y.storage.ref), ptr(out), out.size);
  };
  const supported = (): boolean => {
    for (const group of optimizer.paramGroups) {
      // (an lr of −1 would make add_'s alpha 1, which add_ runs as a plain add)
      if (group.weightDecay !== 0 || group.nesterov || group.maximize || group.lr === -1) return false;
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (!placed(p, p, context) || !placed(p.grad, p, context) || p.grad.storage === p.storage) return false;
        if (group.momentum === 0) continue;
        const state: SGDState | undefined = optimizer.state.get(p);
        if (!placed(state?.momentumBuffer, p, context) || state!.momentumBuffer.storage === p.grad.storage) return false;
      }
    }
    return true;
  };
  return () => {
    if (!supported()) return fallback();
    for (const group of optimizer.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        let g = grad;
        const ref = p.storage.ref;
        if (group.momentum !== 0 && ref.size > SMALL && (ref.dtype === "float32" || ref.dtype === "float64")) {
          // both updates in one pass (the two axpby calls' products and sums, in their order)
          const buffer = optimizer.state.get(p)!.momentumBuffer;
          (ref.dtype === "float64" ? k.sgdMomentumF64 : k.sgdMomentumF32)(ptr(ref), ptr(grad.storage.ref), ptr(buffer.storage.ref), ref.size, group.momentum, 1 - group.dampening, -group.lr);
          buffer.storage.written("add_");
          p.storage.written("add_");
          continue;
        }
        if (group.momentum !== 0) {
          const buffer = optimizer.state.get(p)!.momentumBuffer;
          axpby(group.momentum, buffer, 1 - group.dampening, grad); // scaleAddInPlace
          buffer.storage.written("add_");
          g = buffer;
        }
        axpby(1, p, -group.lr, g); // param.add_(g, -lr)
        p.storage.written("add_");
      }
    }
  };
}
