/**
 * `optimizer.step()` of an {@link RMSprop} optimizer as a replayed plan runs it on the wasm
 * backend: rmspropUpdate's eager ops, each its WebAssembly call at plan addresses
 * (step-kernels.ts), so the values are eager's bit for bit and nothing is copied through the
 * backend's arena. The square average, the gradient average (centered) and the momentum buffer
 * live in the plan's memory with the parameters; the adjusted gradient (maximize's −g, the
 * weight decay's g + λθ), the addcmul_/addcdiv_ products and the denominator √v + ε in four
 * temporaries there, the size of the largest parameter. The hyper-parameters are read from the
 * param groups on every call (a scheduler's lr, an edited alpha take effect).
 *
 * A parameter of few elements takes eager mode's update (TypeScript kernels on the plan's
 * views); anything else — a first step that creates the state, a buffer the plan does not hold
 * (centered or momentum switched on after the plan was built), a gradient or parameter it does
 * not hold, a parameter larger than the temporaries reserved — runs the optimizer's own step.
 */
import type { DataRef } from "../backend/backend.js";
import { SMALL } from "../backend/wasm/wasm-backend.js";
import { noGrad } from "../autograd/grad-mode.js";
import type { ParamGroup } from "../optim/optimizer.js";
import { RMSprop, rmspropUpdate, type RMSpropOptions, type RMSpropState } from "../optim/rmsprop.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { NO_TEMPORARIES, stepTemporaries, temporaryBytes, type TemporaryNeed } from "./step-temporaries.js";

/** Temporaries an update uses: two for the adjusted gradient, the products, the denominator. */
const COUNT = 4;

function isRMSprop(target: unknown): target is RMSprop {
  return target instanceof RMSprop && target.constructor === RMSprop;
}

/** The state buffers of the RMSprop optimizers a plan steps (they join its memory). */
export function rmspropBuffers(plan: Plan): DataRef[] {
  const refs: DataRef[] = [];
  for (const node of plan.nodes) {
    if (node.kind !== "host" || !isRMSprop(node.target)) continue;
    for (const state of node.target.state.values()) {
      for (const buffer of [state.squareAvg, state.gradAvg, state.momentumBuffer]) if (buffer !== null) refs.push(buffer.storage.ref);
    }
  }
  return refs;
}

/** `target`'s four temporaries, each the size of its largest parameter that the kernels update. */
export function rmspropTemporaries(target: unknown): TemporaryNeed {
  if (!isRMSprop(target)) return NO_TEMPORARIES;
  return { bytes: temporaryBytes(target.paramGroups.flatMap((group) => group.params).filter((p) => p.size > SMALL)), count: COUNT };
}

/** The buffers `p`'s update reads and writes in `group` (null where the state lacks one). */
function buffersOf(p: Tensor, grad: Tensor, state: RMSpropState, group: ParamGroup<Required<RMSpropOptions>>): (Tensor | null)[] {
  const buffers = [p, grad, state.squareAvg];
  return [...buffers, ...(group.centered ? [state.gradAvg] : []), ...(group.momentum > 0 ? [state.momentumBuffer] : [])];
}

/** The step as plan kernels, or null when `target` is not exactly an RMSprop optimizer. */
export function rmspropStep(target: unknown, fallback: () => void, context: StepContext): (() => void) | null {
  if (!isRMSprop(target)) return null;
  const optimizer = target;
  const { ptr, has } = context;
  const temporaries = stepTemporaries(context, rmspropTemporaries(target));
  const kernels = temporaries.kernels;
  const [product, average] = [temporaries.at(2), temporaries.at(3)];
  const placed = (t: Tensor | null, like: Tensor): boolean => t !== null && t.isContiguous && t.dtype === like.dtype && t.size === like.size && has(t.storage.ref);
  const supported = (): boolean => {
    for (const group of optimizer.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const state = optimizer.state.get(p);
        if (state === undefined || (p.size > SMALL && !temporaries.fits(p, COUNT))) return false;
        const buffers = buffersOf(p, grad, state, group);
        if (!buffers.every((t) => placed(t, p)) || new Set(buffers.map((t) => t!.storage)).size !== buffers.length) return false;
      }
    }
    return true;
  };
  /** rmspropUpdate's ops on a parameter the temporaries fit. */
  const update = (p: Tensor, grad: Tensor, state: RMSpropState, group: ParamGroup<Required<RMSpropOptions>>): void => {
    const { alpha, momentum, lr } = group;
    const param = ptr(p.storage.ref);
    const square = ptr(state.squareAvg.storage.ref);
    const g = group.maximize || group.weightDecay !== 0 ? temporaries.adjusted(p, grad, group.maximize, group.weightDecay) : ptr(grad.storage.ref);
    state.step += 1;
    kernels.scalar("mul", p, square, alpha, square);
    kernels.addcInPlace("mul", p, square, g, g, 1 - alpha, product);
    state.squareAvg.storage.written("mul_");
    state.squareAvg.storage.written("addcmul_");
    if (group.centered) {
      const gradAvg = ptr(state.gradAvg!.storage.ref);
      kernels.axpby(p, alpha, gradAvg, 1 - alpha, g, gradAvg); // scaleAddInPlace
      state.gradAvg!.storage.written("add_");
      // squareAvg.clone().addcmul_(gradAvg, gradAvg, −1): the add reads v and writes the clone's place
      kernels.scalar("mul", p, gradAvg, -1, product);
      kernels.binary("mul", p, product, gradAvg, product);
      kernels.binary("add", p, square, product, average);
      kernels.unary("sqrt", p, average, average);
    } else kernels.unary("sqrt", p, square, average);
    kernels.scalar("add", p, average, group.eps, average);
    if (momentum > 0) {
      const buffer = ptr(state.momentumBuffer!.storage.ref);
      kernels.scalar("mul", p, buffer, momentum, buffer);
      kernels.addcInPlace("div", p, buffer, g, average, 1, product);
      state.momentumBuffer!.storage.written("mul_");
      state.momentumBuffer!.storage.written("addcdiv_");
      kernels.addInPlace(p, param, buffer, -lr);
      p.storage.written("add_");
    } else {
      kernels.addcInPlace("div", p, param, g, average, -lr, product);
      p.storage.written("addcdiv_");
    }
  };
  return () => {
    if (!supported()) return fallback();
    for (const group of optimizer.paramGroups) {
      for (const p of group.params) {
        const grad = p.grad;
        if (grad === null) continue;
        const state = optimizer.state.get(p)!;
        // few elements: eager mode's ops, on TypeScript kernels over the plan's views
        if (p.size <= SMALL) noGrad(() => rmspropUpdate(p, grad, state, group));
        else update(p, grad, state, group);
      }
    }
  };
}
