/**
 * `optimizer.step()` of an {@link SGD} optimizer as a replayed plan runs it on the wasm backend:
 * the same arithmetic as the kernel calls `sgdUpdate` makes, on the plan's memory, with the
 * hyper-parameters read from the param groups on every call (a scheduler's lr, an edited
 * momentum take effect). Momentum b ← μb + (1 − τ)g then θ ← θ − η·b is one pass over each
 * parameter (or θ ← θ − η·g without momentum). Maximize (g ← −g), weight decay
 * (g ← g + λθ) and Nesterov momentum (g ← g + μb) are the eager ops' WebAssembly calls on two
 * temporaries in the plan's memory, the size of the largest parameter, reserved where the
 * optimizer used them when the plan was built. A parameter of few elements takes eager mode's
 * update (TypeScript kernels on the plan's views); anything else — an lr of −1, a first step
 * that creates the momentum buffers, a gradient or buffer the plan does not hold, a decay
 * switched on for a parameter larger than the temporaries reserved (none where no group needed
 * them when the plan was built) — runs the optimizer's own step, so results are always eager's.
 */
import type { DataRef } from "../backend/backend.js";
import { SMALL, type WasmBackend } from "../backend/wasm/wasm-backend.js";
import { noGrad } from "../autograd/grad-mode.js";
import type { ParamGroup } from "../optim/optimizer.js";
import { SGD, sgdUpdate, type SGDOptions, type SGDState } from "../optim/sgd.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { NO_TEMPORARIES, stepTemporaries, temporaryBytes, type TemporaryNeed } from "./step-temporaries.js";
import { updateSplit, updateWorthThreads } from "../backend/wasm/wasm-threads.js";

function isSGD(target: unknown): target is SGD {
  return target instanceof SGD && target.constructor === SGD;
}

/** Whether a group's update needs temporaries: g ← −g, g ← g + λθ, g ← g + μb. */
function needsTemporaries(group: ParamGroup<Required<SGDOptions>>): boolean {
  return group.maximize || group.weightDecay !== 0 || group.nesterov;
}

/** The momentum buffers of the SGD optimizers a plan steps (they join its memory). */
export function optimizerBuffers(plan: Plan): DataRef[] {
  const refs: DataRef[] = [];
  for (const node of plan.nodes) {
    if (node.kind !== "host" || !(node.target instanceof SGD)) continue;
    for (const state of node.target.state.values()) if (state !== undefined) refs.push(state.momentumBuffer.storage.ref);
  }
  return refs;
}

/** `target`'s two temporaries: each the size of its largest parameter in a group that needs them (none where no group does). */
export function sgdTemporaries(target: unknown): TemporaryNeed {
  return isSGD(target) ? { bytes: temporaryBytes(target.paramGroups.filter(needsTemporaries).flatMap((group) => group.params)), count: 2 } : NO_TEMPORARIES;
}

/** Whether `t` is a dense tensor whose buffer the plan placed (so a kernel can run on it there). */
function placed(t: Tensor | null | undefined, like: Tensor, context: StepContext): t is Tensor {
  return t !== null && t !== undefined && t.isContiguous && t.dtype === like.dtype && t.size === like.size && context.has(t.storage.ref);
}

/** The step as plan kernels, or null when `target` is not exactly an SGD optimizer. */
export function sgdStep(target: unknown, fallback: () => void, context: StepContext, backend: WasmBackend): (() => void) | null {
  if (!isSGD(target)) return null;
  const optimizer = target;
  const { k, ptr } = context;
  const temporaries = stepTemporaries(context, sgdTemporaries(target));
  const momentumUpdate = threadedMomentumUpdate(context);
  /**
   * out ← α·x + β·y with the bits of the backend's axpby, which for a few elements runs a
   * TypeScript loop that rounds α, β and each product to float32 and adds them once rounded
   * (float32 data): the kernel's float32 operations, so any size runs the kernel here.
   */
  const axpby = (alpha: number, x: Tensor, beta: number, y: Tensor): void => {
    const out = x.storage.ref;
    if (!(out.dtype === "float32" || out.dtype === "float64")) return backend.axpby(alpha, out, beta, y.storage.ref, out);
    (out.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(alpha, ptr(out), beta, ptr(y.storage.ref), ptr(out), out.size);
  };
  // The tensors `supported` last found placed, four slots each: the tensor, its storage, the
  // storage's buffer and the tensor it was checked against (a tensor's shape, dtype and layout
  // never change; its storage and a storage's buffer may). The same ones again pass without
  // `placed`, whose getters and lookup were most of the check, which runs on every call and,
  // in a compiled step's first few hundred calls, in V8's interpreter.
  const passed: unknown[] = [];
  let slot = 0;
  const placedAsBefore = (t: Tensor | null | undefined, like: Tensor): t is Tensor => {
    const at = slot;
    slot += 4;
    if (t === null || t === undefined) return false;
    if (passed[at] === t && passed[at + 1] === t.storage && passed[at + 2] === t.storage.ref && passed[at + 3] === like) return true;
    if (!placed(t, like, context)) return false;
    [passed[at], passed[at + 1], passed[at + 2], passed[at + 3]] = [t, t.storage, t.storage.ref, like];
    return true;
  };
  const supported = (): boolean => {
    // (indexed loops: a replay's first hundreds of calls run in V8's lower tiers, where for-of allocates an iterator and a result per element)
    slot = 0;
    const groups = optimizer.paramGroups;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      // (an lr of −1 would make add_'s alpha 1, which add_ runs as a plain add)
      if (group.lr === -1) return false;
      for (let i = 0; i < group.params.length; i++) {
        const p = group.params[i]!;
        if (p.grad === null) continue;
        if (!placedAsBefore(p, p) || !placedAsBefore(p.grad, p) || p.grad.storage === p.storage) return false;
        if (needsTemporaries(group) && p.size > SMALL && !temporaries.fits(p)) return false;
        if (group.momentum === 0) continue;
        const state: SGDState | undefined = optimizer.state.get(p);
        if (!placedAsBefore(state?.momentumBuffer, p) || state!.momentumBuffer.storage === p.grad.storage) return false;
      }
    }
    return true;
  };
  return () => {
    if (!supported()) return fallback();
    const groups = optimizer.paramGroups;
    for (let g = 0; g < groups.length; g++) {
      const group = groups[g]!;
      const special = needsTemporaries(group);
      for (let i = 0; i < group.params.length; i++) {
        const p = group.params[i]!;
        const grad = p.grad;
        if (grad === null) continue;
        const ref = p.storage.ref;
        if (special && !temporaries.fits(p)) {
          // few elements: eager mode's ops, on TypeScript kernels over the plan's views
          noGrad(() => sgdUpdate(p, grad, optimizer.state.get(p), group));
          continue;
        }
        const pg = special ? temporaries.adjusted(p, grad, group.maximize, group.weightDecay) : ptr(grad.storage.ref);
        if (group.momentum !== 0 && !group.nesterov && ref.size > SMALL && (ref.dtype === "float32" || ref.dtype === "float64")) {
          // both updates in one pass (the two axpby calls' products and sums, in their order)
          const buffer = optimizer.state.get(p)!.momentumBuffer;
          momentumUpdate(ref.dtype === "float64", ptr(ref), pg, ptr(buffer.storage.ref), ref.size, group.momentum, 1 - group.dampening, -group.lr);
          buffer.storage.written("add_");
          p.storage.written("add_");
          continue;
        }
        let g = grad;
        if (group.momentum !== 0) {
          const buffer = optimizer.state.get(p)!.momentumBuffer;
          if (special) (ref.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(group.momentum, ptr(buffer.storage.ref), 1 - group.dampening, pg, ptr(buffer.storage.ref), ref.size);
          else axpby(group.momentum, buffer, 1 - group.dampening, grad); // scaleAddInPlace
          buffer.storage.written("add_");
          g = buffer;
        }
        if (special) {
          // θ ← θ − η·g, g the adjusted gradient, the momentum buffer, or (Nesterov) g + μb
          const update = group.nesterov ? temporaries.addScaled(p, pg, ptr(g.storage.ref), group.momentum) : group.momentum !== 0 ? ptr(g.storage.ref) : pg;
          (ref.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(1, ptr(ref), -group.lr, update, ptr(ref), ref.size);
        } else axpby(1, p, -group.lr, g); // param.add_(g, -lr)
        p.storage.written("add_");
      }
    }
  };
}

/** The hyper-parameters of a threaded update as the control block carries them: float64 bits, two int32 each. */
const hyperBits = new Float64Array(3);
const hyperWords = new Int32Array(hyperBits.buffer);

/**
 * The one-pass momentum update (b ← μb + keep·g, θ ← θ − η·b, at plan addresses): split over
 * the worker threads where the parameter is large enough (W3's 784×256 weight), else the one
 * call. Each element is updated by the same arithmetic either way, so the values are the same bits.
 */
function threadedMomentumUpdate(context: StepContext): (f64: boolean, p: number, g: number, b: number, n: number, momentum: number, keep: number, negLr: number) => void {
  const { k, threading } = context;
  const args = new Array<number>(11).fill(0);
  const job = { args, tasks: 0, scratch: [] }; // filled in place: a replay allocates nothing for it
  return (f64, p, g, b, n, momentum, keep, negLr) => {
    if (threading !== null && updateWorthThreads(n)) {
      const { chunk, tasks } = updateSplit(n, threading.threads);
      [hyperBits[0], hyperBits[1], hyperBits[2]] = [momentum, keep, negLr];
      [args[0], args[1], args[2], args[3], args[4]] = [p, g, b, n, chunk];
      for (let i = 0; i < 6; i++) args[5 + i] = hyperWords[i]!;
      job.tasks = tasks;
      if (threading.pool.tasks("sgd", f64, job, threading.on)) return;
    }
    (f64 ? k.sgdMomentumF64 : k.sgdMomentumF32)(p, g, b, n, momentum, keep, negLr);
  };
}
