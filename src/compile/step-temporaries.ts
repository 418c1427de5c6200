/**
 * Temporaries in a plan's memory for an optimizer step's intermediate values, computed as the
 * eager update computes them: the adjusted gradient −g (maximize), then g + λθ (an L2 weight
 * decay), and for SGD's Nesterov momentum g + μb — each the eager op's WebAssembly call (neg;
 * the mul by a number, which the backend hands a float32 kernel as a float32; add) at plan
 * addresses, written into whichever of the first two temporaries does not hold g — and, for the
 * steps that need more (RMSprop's average and addcmul_/addcdiv_ products, AMSGrad's
 * denominator), further temporaries of the same size. Instead of fresh tensors copied through
 * the backend's arena: the same kernels on the same values, eager's bits.
 */
import { SMALL } from "../backend/wasm/wasm-backend.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { stepKernels, type StepKernels } from "./step-kernels.js";

function bytesOf(p: Tensor): number {
  return p.size * (p.dtype === "float64" ? 8 : 4);
}

/** What an optimizer's step reserves: `count` temporaries of `bytes` each (0 bytes: none). */
export interface TemporaryNeed {
  readonly bytes: number;
  readonly count: number;
}

/** No temporaries. */
export const NO_TEMPORARIES: TemporaryNeed = { bytes: 0, count: 0 };

/** Bytes of one temporary for `params`: the largest, 64-byte aligned (0 for none). */
export function temporaryBytes(params: Iterable<Tensor>): number {
  let most = 0;
  for (const p of params) most = Math.max(most, Math.ceil(bytesOf(p) / 64) * 64);
  return most;
}

/** Bytes the optimizer steps of `plan` reserve for temporaries, with room to align them; `needOf`: a step's optimizer's need. */
export function temporariesScratch(plan: Plan, needOf: (optimizer: unknown) => TemporaryNeed): number {
  let bytes = 0;
  for (const node of plan.nodes) {
    const need = node.kind === "host" ? needOf(node.target) : NO_TEMPORARIES;
    if (need.bytes > 0) bytes += need.count * need.bytes + 64;
  }
  return bytes;
}

/** An optimizer step's temporaries at plan addresses. */
export interface StepTemporaries {
  /** Whether `p`'s intermediate values can be made here: a real dtype, more than a handful of elements, room in `count` temporaries (default 2). */
  fits(p: Tensor, count?: number): boolean;
  /** The address of the gradient after −g (`maximize`) and g + λθ (`weightDecay` ≠ 0), as the eager update makes it. */
  adjusted(p: Tensor, grad: Tensor, maximize: boolean, weightDecay: number): number;
  /** g + s·x (eager's g.add(x.mul(s))) for the buffers of `p`'s shape at `g` and `x`: its address. */
  addScaled(p: Tensor, g: number, x: number, s: number): number;
  /** The address of temporary `i` (2 and up: never one `adjusted` or `addScaled` writes). */
  at(i: number): number;
  /** The eager ops' kernel calls at plan addresses, with the temporaries' scalar slot. */
  readonly kernels: StepKernels;
}

/** Reserves `need.count` temporaries (at least two) of `need.bytes` each (none when 0) in the plan's memory. */
export function stepTemporaries(context: StepContext, need: TemporaryNeed): StepTemporaries {
  const { ptr } = context;
  const half = need.bytes;
  const count = Math.max(2, need.count);
  const first = half === 0 ? 0 : Math.ceil(context.reserve(count * half + 64) / 64) * 64;
  const temporaries = Array.from({ length: count }, (_, i) => first + i * half);
  const kernels = stepKernels(context);
  const addScaled = (p: Tensor, g: number, x: number, s: number): number => {
    const t = g === temporaries[0] ? temporaries[1]! : temporaries[0]!;
    kernels.scalar("mul", p, x, s, t);
    kernels.binary("add", p, g, t, t);
    return t;
  };
  return {
    fits: (p, needed = 2) => p.size > SMALL && (p.dtype === "float32" || p.dtype === "float64") && p.isContiguous && bytesOf(p) <= half && needed <= count,
    adjusted: (p, grad, maximize, weightDecay) => {
      let g = ptr(grad.storage.ref);
      if (maximize) kernels.unary("neg", p, g, (g = temporaries[0]!));
      if (weightDecay !== 0) g = addScaled(p, g, ptr(p.storage.ref), weightDecay);
      return g;
    },
    addScaled,
    at: (i) => temporaries[i]!,
    kernels,
  };
}
