/**
 * `optimizer.step()` of an {@link Adam} or {@link AdamW} optimizer as a replayed plan runs it on
 * the wasm backend: each parameter's whole update (decoupled decay, both moments, the bias
 * corrections, the step) in one pass of one kernel (assembly/fused.ts `adam`) on the plan's
 * memory, instead of some ten eager ops with their temporaries. The kernel rounds exactly as
 * those ops do, and the hyper-parameters are read from the param groups on every call (a
 * scheduler's lr takes effect). Maximize and Adam's L2 weight decay change the gradient first,
 * with eager's ops at plan addresses (step-temporaries.ts), and the kernel takes it from there.
 * AMSGrad runs eager's ops one by one at plan addresses (step-kernels.ts: the running maximum,
 * the denominator and the addcmul_/addcdiv_ products in temporaries), its maximum buffer in the
 * plan's memory with the moments. A parameter none of these cover — few elements (eager mode
 * computes those in TypeScript), a buffer the plan does not hold (AMSGrad switched on after the
 * plan was built), a gradient change or AMSGrad switched on for a parameter larger than the
 * temporaries reserved when the plan was built — takes eager mode's update; a missing state
 * (the first step) runs the optimizer's own step.
 */
import type { DataRef } from "../backend/backend.js";
import { SMALL } from "../backend/wasm/wasm-backend.js";
import { noGrad } from "../autograd/grad-mode.js";
import { Adam, AdamW, adamUpdate, type AdamOptions, type AdamState } from "../optim/adam.js";
import type { ParamGroup } from "../optim/optimizer.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { NO_TEMPORARIES, stepTemporaries, temporaryBytes, type StepTemporaries, type TemporaryNeed } from "./step-temporaries.js";

function isAdam(target: unknown): target is Adam | AdamW {
  return (target instanceof Adam && target.constructor === Adam) || (target instanceof AdamW && target.constructor === AdamW);
}

/** The moment buffers of the Adam/AdamW optimizers a plan steps (they join its memory). */
export function adamBuffers(plan: Plan): DataRef[] {
  const refs: DataRef[] = [];
  for (const node of plan.nodes) {
    if (node.kind !== "host" || !isAdam(node.target)) continue;
    for (const state of node.target.state.values()) {
      if (state === undefined) continue;
      refs.push(state.expAvg.storage.ref, state.expAvgSq.storage.ref);
      if (state.maxExpAvgSq !== null) refs.push(state.maxExpAvgSq.storage.ref);
    }
  }
  return refs;
}

/** Whether a group's gradient changes before the kernel: −g (maximize), g + λθ (Adam's L2 weight decay). */
function changesGradient(group: ParamGroup<Required<AdamOptions>>, decoupled: boolean): boolean {
  return group.maximize || (!decoupled && group.weightDecay !== 0);
}

/**
 * `target`'s temporaries: each the size of its largest parameter whose gradient changes first or
 * that AMSGrad updates; two, or four where a group uses AMSGrad (its product and denominator).
 */
export function adamTemporaries(target: unknown): TemporaryNeed {
  if (!isAdam(target)) return NO_TEMPORARIES;
  const decoupled = target instanceof AdamW;
  const groups = target.paramGroups.filter((group) => group.amsgrad || changesGradient(group, decoupled));
  return { bytes: temporaryBytes(groups.flatMap((group) => group.params)), count: groups.some((group) => group.amsgrad) ? 4 : 2 };
}

/** The step as one kernel call per parameter, or null when `target` is not exactly Adam or AdamW. */
export function adamStep(target: unknown, fallback: () => void, context: StepContext): (() => void) | null {
  if (!isAdam(target)) return null;
  const optimizer = target;
  const decoupled = target instanceof AdamW;
  const { k, ptr, has } = context;
  const temporaries = stepTemporaries(context, adamTemporaries(target));
  const dense = (t: Tensor, like: Tensor): boolean => t.isContiguous && t.dtype === like.dtype && t.size === like.size && has(t.storage.ref);
  /** Whether the kernel computes this parameter's update as eager mode would. */
  const covered = (p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<Required<AdamOptions>>): boolean => {
    if (group.amsgrad ? !temporaries.fits(p, 4) : changesGradient(group, decoupled) && !temporaries.fits(p)) return false;
    if (p.size <= SMALL || (p.dtype !== "float32" && p.dtype !== "float64")) return false;
    const buffers = group.amsgrad ? [p, grad, state.expAvg, state.expAvgSq, state.maxExpAvgSq] : [p, grad, state.expAvg, state.expAvgSq];
    if (!buffers.every((t) => t !== null && dense(t, p))) return false;
    return new Set(buffers.map((t) => t!.storage)).size === buffers.length;
  };
  return () => {
    for (const group of optimizer.paramGroups) for (const p of group.params) if (p.grad !== null && optimizer.state.get(p) === undefined) return fallback();
    for (const group of optimizer.paramGroups) {
      const [beta1, beta2] = group.betas;
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const state = optimizer.state.get(p)!;
        if (!covered(p, grad, state, group)) {
          noGrad(() => optimizer.state.set(p, adamUpdate(p, grad, state, group, decoupled)));
          continue;
        }
        if (group.amsgrad) {
          amsgradUpdate(p, grad, state, group, decoupled, temporaries, context);
          continue;
        }
        const step = ++state.step;
        const decay = decoupled && group.weightDecay !== 0;
        const kernel = p.dtype === "float64" ? k.adamF64 : k.adamF32;
        // the constants as eager mode's scalar operands carry them (adamUpdate)
        const c2 = Math.sqrt(1 - beta2 ** step);
        const stepSize = group.lr / (1 - beta1 ** step);
        // the gradient the eager update computes with (maximize's −g, then L2's g + λθ), else the gradient itself
        const g = changesGradient(group, decoupled) ? temporaries.adjusted(p, grad, group.maximize, decoupled ? 0 : group.weightDecay) : ptr(grad.storage.ref);
        kernel(ptr(p.storage.ref), g, ptr(state.expAvg.storage.ref), ptr(state.expAvgSq.storage.ref), p.size, decay, 1 - group.lr * group.weightDecay, beta1, 1 - beta1, beta2, 1 - beta2, c2, group.eps, -stepSize);
        if (decay) p.storage.written("mul_");
        state.expAvg.storage.written("add_");
        state.expAvgSq.storage.written("mul_");
        state.expAvgSq.storage.written("addcmul_");
        p.storage.written("addcdiv_");
      }
    }
  };
}

/**
 * One AMSGrad update of a covered parameter, as adamUpdate's eager ops make it, each its
 * WebAssembly call at plan addresses: maximize's −g and Adam's g + λθ (or AdamW's θ(1 − ηλ)),
 * m ← β1·m + (1 − β1)g (axpby), v ← β2·v then + (1 − β2)·g·g, v̂ ← max(v̂, v), the denominator
 * √v̂ / √(1 − β2ᵗ) + ε in temporary 3, θ ← θ + (−η/(1 − β1ᵗ))·m/d (the products in temporary 2).
 */
function amsgradUpdate(p: Tensor, grad: Tensor, state: AdamState, group: ParamGroup<Required<AdamOptions>>, decoupled: boolean, temporaries: StepTemporaries, context: StepContext): void {
  const { ptr } = context;
  const kernels = temporaries.kernels;
  const [beta1, beta2] = group.betas;
  const [param, m, v, max] = [ptr(p.storage.ref), ptr(state.expAvg.storage.ref), ptr(state.expAvgSq.storage.ref), ptr(state.maxExpAvgSq!.storage.ref)];
  const [product, denominator] = [temporaries.at(2), temporaries.at(3)];
  const g = changesGradient(group, decoupled) ? temporaries.adjusted(p, grad, group.maximize, decoupled ? 0 : group.weightDecay) : ptr(grad.storage.ref);
  const step = ++state.step;
  if (decoupled && group.weightDecay !== 0) {
    kernels.scalar("mul", p, param, 1 - group.lr * group.weightDecay, param);
    p.storage.written("mul_");
  }
  kernels.axpby(p, beta1, m, 1 - beta1, g, m);
  state.expAvg.storage.written("add_");
  kernels.scalar("mul", p, v, beta2, v);
  kernels.addcInPlace("mul", p, v, g, g, 1 - beta2, product);
  state.expAvgSq.storage.written("mul_");
  state.expAvgSq.storage.written("addcmul_");
  // eager's maximum() into a new tensor, then copy_: the same values written in place
  kernels.binary("maximum", p, max, v, max);
  state.maxExpAvgSq!.storage.written("copy_");
  kernels.unary("sqrt", p, max, denominator);
  kernels.scalar("div", p, denominator, Math.sqrt(1 - beta2 ** step), denominator);
  kernels.scalar("add", p, denominator, group.eps, denominator);
  kernels.addcInPlace("div", p, param, m, denominator, -(group.lr / (1 - beta1 ** step)), product);
  p.storage.written("addcdiv_");
}
