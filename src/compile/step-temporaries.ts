/**
 * Two temporaries in a plan's memory for an optimizer's adjusted gradient, computed as the
 * eager update computes it: −g (maximize), then g + λθ (an L2 weight decay), and for SGD's
 * Nesterov momentum g + μb. Each is the eager op's WebAssembly call (neg; the mul by a number,
 * which the backend hands a float32 kernel as a float32; add) at plan addresses, written into
 * whichever temporary does not hold g, instead of fresh tensors copied through the backend's
 * arena: the same kernels on the same values, eager's bits.
 */
import { BINARY_OPS, UNARY_OPS, opcodes } from "../backend/op-table.js";
import { SMALL } from "../backend/wasm/wasm-backend.js";
import { twoLoops, type TwoLoops } from "../backend/wasm/wasm-strided.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";

const [NEG, MUL, ADD] = [opcodes(UNARY_OPS).neg, opcodes(BINARY_OPS).mul, opcodes(BINARY_OPS).add];

function bytesOf(p: Tensor): number {
  return p.size * (p.dtype === "float64" ? 8 : 4);
}

/** Bytes of one temporary for `params`: the largest, 64-byte aligned (0 for none). */
export function temporaryBytes(params: Iterable<Tensor>): number {
  let most = 0;
  for (const p of params) most = Math.max(most, Math.ceil(bytesOf(p) / 64) * 64);
  return most;
}

/** Bytes the optimizer steps of `plan` reserve for temporaries, with room to align them; `halfOf`: one temporary's bytes for a step's optimizer. */
export function temporariesScratch(plan: Plan, halfOf: (optimizer: unknown) => number): number {
  let bytes = 0;
  for (const node of plan.nodes) {
    const half = node.kind === "host" ? halfOf(node.target) : 0;
    if (half > 0) bytes += 2 * half + 64;
  }
  return bytes;
}

/** An optimizer step's two temporaries at plan addresses. */
export interface StepTemporaries {
  /** Whether `p`'s adjusted gradient can be made here: a real dtype, more than a handful of elements, room in the temporaries. */
  fits(p: Tensor): boolean;
  /** The address of the gradient after −g (`maximize`) and g + λθ (`weightDecay` ≠ 0), as the eager update makes it. */
  adjusted(p: Tensor, grad: Tensor, maximize: boolean, weightDecay: number): number;
  /** g + s·x (eager's g.add(x.mul(s))) for the buffers of `p`'s shape at `g` and `x`: its address. */
  addScaled(p: Tensor, g: number, x: number, s: number): number;
}

/** Reserves the two temporaries of `half` bytes each (none when 0) in the plan's memory. */
export function stepTemporaries(context: StepContext, half: number): StepTemporaries {
  const { k, ptr, memory } = context;
  const first = half === 0 ? 0 : Math.ceil(context.reserve(2 * half + 64) / 64) * 64;
  const temporaries = [first, first + half] as const;
  const scalarAt = context.scalar();
  const scalarF32 = new Float32Array(memory.buffer, scalarAt, 1);
  const scalarF64 = new Float64Array(memory.buffer, scalarAt, 1);
  // the loops the backend's binary kernels take over each parameter's shape (dense operands)
  const loopsOf = new Map<Tensor, { scalar: TwoLoops; dense: TwoLoops }>();
  const loops = (p: Tensor): { scalar: TwoLoops; dense: TwoLoops } => {
    let found = loopsOf.get(p);
    if (found === undefined) loopsOf.set(p, (found = { scalar: twoLoops(p.shape, p.strides, p.shape.map(() => 0))!, dense: twoLoops(p.shape, p.strides, p.strides)! }));
    return found;
  };
  const addScaled = (p: Tensor, g: number, x: number, s: number): number => {
    const t = g === temporaries[0] ? temporaries[1] : temporaries[0];
    const { scalar, dense } = loops(p);
    const binary = p.dtype === "float64" ? k.binaryF64 : k.binaryF32;
    if (p.dtype === "float64") scalarF64[0] = s;
    else scalarF32[0] = s;
    binary(MUL, x, scalar.sa0, scalar.sa1, scalarAt, 0, 0, t, scalar.n0, scalar.n1);
    binary(ADD, g, dense.sa0, dense.sa1, t, dense.sb0, dense.sb1, t, dense.n0, dense.n1);
    return t;
  };
  return {
    fits: (p) => p.size > SMALL && (p.dtype === "float32" || p.dtype === "float64") && p.isContiguous && bytesOf(p) <= half,
    adjusted: (p, grad, maximize, weightDecay) => {
      let g = ptr(grad.storage.ref);
      if (maximize) (p.dtype === "float64" ? k.unaryF64 : k.unaryF32)(NEG, g, (g = temporaries[0]), p.size, 0, 0);
      if (weightDecay !== 0) g = addScaled(p, g, ptr(p.storage.ref), weightDecay);
      return g;
    },
    addScaled,
  };
}
