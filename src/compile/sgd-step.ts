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
import { BINARY_OPS, UNARY_OPS, opcodes } from "../backend/op-table.js";
import { SMALL, type WasmBackend } from "../backend/wasm/wasm-backend.js";
import { twoLoops, type TwoLoops } from "../backend/wasm/wasm-strided.js";
import { noGrad } from "../autograd/grad-mode.js";
import type { ParamGroup } from "../optim/optimizer.js";
import { SGD, sgdUpdate, type SGDOptions, type SGDState } from "../optim/sgd.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";

const [NEG, MUL, ADD] = [opcodes(UNARY_OPS).neg, opcodes(BINARY_OPS).mul, opcodes(BINARY_OPS).add];

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

/** Bytes of one of `target`'s two temporaries: its largest parameter in a group that needs them (0: none). */
function temporaryBytes(target: unknown): number {
  if (!isSGD(target)) return 0;
  let most = 0;
  for (const group of target.paramGroups) {
    if (needsTemporaries(group)) for (const p of group.params) most = Math.max(most, Math.ceil((p.size * (p.dtype === "float64" ? 8 : 4)) / 64) * 64);
  }
  return most;
}

/** Bytes the SGD steps of `plan` reserve for their temporaries, with room to align them. */
export function sgdScratch(plan: Plan): number {
  let bytes = 0;
  for (const node of plan.nodes) {
    const half = node.kind === "host" ? temporaryBytes(node.target) : 0;
    if (half > 0) bytes += 2 * half + 64;
  }
  return bytes;
}

/** Whether `t` is a dense tensor whose buffer the plan placed (so a kernel can run on it there). */
function placed(t: Tensor | null | undefined, like: Tensor, context: StepContext): t is Tensor {
  return t !== null && t !== undefined && t.isContiguous && t.dtype === like.dtype && t.size === like.size && context.has(t.storage.ref);
}

/** The step as plan kernels, or null when `target` is not exactly an SGD optimizer. */
export function sgdStep(target: unknown, fallback: () => void, context: StepContext, backend: WasmBackend): (() => void) | null {
  if (!isSGD(target)) return null;
  const optimizer = target;
  const { k, ptr, memory } = context;
  const half = temporaryBytes(target);
  const first = half === 0 ? 0 : Math.ceil(context.reserve(2 * half + 64) / 64) * 64;
  const temporaries = [first, first + half] as const;
  const scalarAt = context.scalar();
  const scalarF32 = new Float32Array(memory.buffer, scalarAt, 1);
  const scalarF64 = new Float64Array(memory.buffer, scalarAt, 1);
  /** out ← α·x + β·y, as the backend's axpby would run it. */
  const axpby = (alpha: number, x: Tensor, beta: number, y: Tensor): void => {
    const out = x.storage.ref;
    if (out.size <= SMALL || !(out.dtype === "float32" || out.dtype === "float64")) return backend.axpby(alpha, out, beta, y.storage.ref, out);
    (out.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(alpha, ptr(out), beta, ptr(y.storage.ref), ptr(out), out.size);
  };
  // the loops the backend's binary kernels take over each parameter's shape (dense operands)
  const loopsOf = new Map<Tensor, { scalar: TwoLoops; dense: TwoLoops }>();
  const loops = (p: Tensor): { scalar: TwoLoops; dense: TwoLoops } => {
    let found = loopsOf.get(p);
    if (found === undefined) loopsOf.set(p, (found = { scalar: twoLoops(p.shape, p.strides, p.shape.map(() => 0))!, dense: twoLoops(p.shape, p.strides, p.strides)! }));
    return found;
  };
  /** Where the plan can make this parameter's update with temporaries (else eager mode's update, or the optimizer's own step). */
  const withTemporaries = (p: Tensor): boolean => p.size > SMALL && (p.dtype === "float32" || p.dtype === "float64") && p.size * (p.dtype === "float64" ? 8 : 4) <= half;
  const supported = (): boolean => {
    for (const group of optimizer.paramGroups) {
      // (an lr of −1 would make add_'s alpha 1, which add_ runs as a plain add)
      if (group.lr === -1) return false;
      for (const p of group.params) {
        if (p.grad === null) continue;
        if (!placed(p, p, context) || !placed(p.grad, p, context) || p.grad.storage === p.storage) return false;
        if (needsTemporaries(group) && p.size > SMALL && !withTemporaries(p)) return false;
        if (group.momentum === 0) continue;
        const state: SGDState | undefined = optimizer.state.get(p);
        if (!placed(state?.momentumBuffer, p, context) || state!.momentumBuffer.storage === p.grad.storage) return false;
      }
    }
    return true;
  };
  /** t ← x·s, then t ← g + t (eager's g.add(x.mul(s))), t the temporary that does not hold g. */
  const addScaled = (p: Tensor, g: number, x: number, s: number): number => {
    const t = g === temporaries[0] ? temporaries[1] : temporaries[0];
    const { scalar, dense } = loops(p);
    const binary = p.dtype === "float64" ? k.binaryF64 : k.binaryF32;
    if (p.dtype === "float64") scalarF64[0] = s;
    else scalarF32[0] = s; // the backend hands a float32 op its number as a float32
    binary(MUL, x, scalar.sa0, scalar.sa1, scalarAt, 0, 0, t, scalar.n0, scalar.n1);
    binary(ADD, g, dense.sa0, dense.sa1, t, dense.sb0, dense.sb1, t, dense.n0, dense.n1);
    return t;
  };
  /** Where g is once maximize and weight decay have changed it: −g, then g + λθ. */
  const adjusted = (p: Tensor, grad: Tensor, group: ParamGroup<Required<SGDOptions>>): number => {
    let g = ptr(grad.storage.ref);
    if (group.maximize) (p.dtype === "float64" ? k.unaryF64 : k.unaryF32)(NEG, g, (g = temporaries[0]), p.size, 0, 0);
    if (group.weightDecay !== 0) g = addScaled(p, g, ptr(p.storage.ref), group.weightDecay);
    return g;
  };
  return () => {
    if (!supported()) return fallback();
    for (const group of optimizer.paramGroups) {
      const special = needsTemporaries(group);
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const ref = p.storage.ref;
        if (special && !withTemporaries(p)) {
          // few elements: eager mode's ops, on TypeScript kernels over the plan's views
          noGrad(() => sgdUpdate(p, grad, optimizer.state.get(p), group));
          continue;
        }
        const pg = special ? adjusted(p, grad, group) : ptr(grad.storage.ref);
        if (group.momentum !== 0 && !group.nesterov && ref.size > SMALL && (ref.dtype === "float32" || ref.dtype === "float64")) {
          // both updates in one pass (the two axpby calls' products and sums, in their order)
          const buffer = optimizer.state.get(p)!.momentumBuffer;
          (ref.dtype === "float64" ? k.sgdMomentumF64 : k.sgdMomentumF32)(ptr(ref), pg, ptr(buffer.storage.ref), ref.size, group.momentum, 1 - group.dampening, -group.lr);
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
          const update = group.nesterov ? addScaled(p, pg, ptr(g.storage.ref), group.momentum) : group.momentum !== 0 ? ptr(g.storage.ref) : pg;
          (ref.dtype === "float64" ? k.axpbyF64 : k.axpbyF32)(1, ptr(ref), -group.lr, update, ptr(ref), ref.size);
        } else axpby(1, p, -group.lr, g); // param.add_(g, -lr)
        p.storage.written("add_");
      }
    }
  };
}
