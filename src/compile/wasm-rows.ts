/**
 * Softmax, log-softmax and layer normalization (a transformer's row kernels) at plan addresses:
 * the same kernel calls the wasm backend's `softmax` and `layerNorm` make, with their operands,
 * results and statistics read and written where the plan placed them instead of copied into
 * the backend's arena and back. Each makes the method's choice (TypeScript below SMALL
 * elements or with mixed dtypes), so the results are eager mode's bits.
 */
import type { BatchNormRefs, DataRef, LayerNormOp, SoftmaxOp } from "../backend/backend.js";
import { LAYER_NORM_OPS, SOFTMAX_OPS, opcodes } from "../backend/op-table.js";
import { SMALL } from "../backend/wasm/wasm-backend.js";
import { LAYER_NORM_SCRATCH_BYTES } from "../backend/wasm/wasm-norm.js";
import type { Plan } from "./plan.js";
import type { StepContext } from "./wasm-executor.js";
import { kernelStep } from "./kernel-call.js";

const SOFTMAX = opcodes(SOFTMAX_OPS);
const LAYER_NORM = opcodes(LAYER_NORM_OPS);

function real(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

/** Bytes of scratch the row kernels of `plan` need at once: a layer norm's LAYER_NORM_SCRATCH_BYTES per feature. */
export function rowKernelScratch(plan: Plan): number {
  let most = 0;
  for (const node of plan.nodes) {
    if (node.kind === "kernel" && node.name === "layerNorm") most = Math.max(most, (node.args[3] as number) * LAYER_NORM_SCRATCH_BYTES);
  }
  return most;
}

/**
 * Whether a softmax node's kernel call can run at plan addresses (else the backend's method
 * runs it): the backend's choice of kernel, and each slice read whole before it is written, so
 * out may be x (as in the backend), never dy.
 */
export function softmaxAtPlanAddresses(args: readonly unknown[]): boolean {
  const [op, x, dy, , , , out] = args as [SoftmaxOp, DataRef, DataRef | null, number, number, number, DataRef];
  return out.size > SMALL && real(out) && x.dtype === out.dtype && (dy === null || dy.dtype === out.dtype) && SOFTMAX[op] !== undefined && dy !== out;
}

/**
 * The direct call of a softmax or layerNorm node, or null where the backend's method must run
 * it.
 */
export function rowStep(name: string, args: readonly unknown[], context: StepContext): (() => void) | null {
  const { k, ptr } = context;
  switch (name) {
    case "softmax": {
      const [op, x, dy, outer, axisSize, inner, out, causal = 0] = args as [SoftmaxOp, DataRef, DataRef | null, number, number, number, DataRef, number?];
      if (!softmaxAtPlanAddresses(args)) return null;
      const kernel = out.dtype === "float64" ? "softmaxF64" : "softmaxF32";
      return kernelStep(k, { kernel, args: [SOFTMAX[op], ptr(x), dy === null ? 0 : ptr(dy), outer, axisSize, inner, ptr(out), causal] });
    }
    case "layerNorm": {
      const [op, refs, rows, features, eps] = args as [LayerNormOp, BatchNormRefs, number, number, number];
      const dtype = refs.out.dtype;
      const all = [refs.x, refs.dy, refs.weight, refs.bias, refs.mean, refs.variance, refs.out, refs.dweight, refs.dbias];
      if (!real(refs.out) || LAYER_NORM[op] === undefined || !all.every((ref) => ref === null || ref.dtype === dtype)) return null;
      const gradient = op === "layerNormGrad";
      // the backend reads copies of its inputs and writes fresh outputs: here no written buffer may be another operand
      const written = gradient ? [refs.out, refs.dweight, refs.dbias] : [refs.out, refs.mean, refs.variance];
      const given = all.filter((ref): ref is DataRef => ref !== null);
      if (written.some((ref) => ref !== null && given.filter((other) => other === ref).length > 1)) return null;
      const at = (ref: DataRef | null): number => (ref === null ? 0 : ptr(ref));
      const kernel = dtype === "float64" ? "layerNormF64" : "layerNormF32";
      const pointers = [at(refs.x), at(refs.dy), at(refs.weight), at(refs.bias), at(refs.mean), at(refs.variance), at(refs.out), at(refs.dweight), at(refs.dbias)] as const;
      const [px, pdy, pw, pb, pm, pv, po, pdw, pdb] = pointers;
      const code = LAYER_NORM[op];
      return kernelStep(k, { kernel, args: [code, px, pdy, pw, pb, pm, pv, po, pdw, pdb, rows, features, eps, context.rowKernelAcc] });
    }
    default:
      return null;
  }
}
