/**
 * Batch normalization's two kernels (the training step's statistics and output, and its three
 * gradients) at plan addresses: the call the wasm backend's `batchNorm` makes, with the input,
 * the gradient, the affine parameters, the batch statistics and the results read and written
 * where the plan placed them, instead of copied into the backend's arena and back on every
 * replay. The method runs the WebAssembly kernel for every real dtype and size (no TypeScript
 * path for few elements), so this does too: the same kernel on the same values, eager's bits.
 */
import type { BatchNormRefs, DataRef, NormOp } from "../backend/backend.js";
import { NORM_OPS, opcodes } from "../backend/op-table.js";
import type { StepContext } from "./wasm-executor.js";
import { kernelStep } from "./kernel-call.js";

const NORM = opcodes(NORM_OPS);

/**
 * The direct call of a batchNorm node, or null where the backend's method must run it: another
 * dtype than float32/float64, operands of mixed dtypes (the method converts them first), or a
 * written buffer that is also an operand (the method reads copies).
 */
export function batchNormStep(name: string, args: readonly unknown[], context: StepContext): (() => void) | null {
  if (name !== "batchNorm") return null;
  const [op, refs, outer, channels, inner, eps] = args as [NormOp, BatchNormRefs, number, number, number, number];
  const dtype = refs.out.dtype;
  if ((dtype !== "float32" && dtype !== "float64") || NORM[op] === undefined) return null;
  const all = [refs.x, refs.dy, refs.weight, refs.bias, refs.mean, refs.variance, refs.out, refs.dweight, refs.dbias];
  if (!all.every((ref) => ref === null || ref.dtype === dtype)) return null;
  const gradient = op === "batchNormGrad";
  // the forward writes the statistics, the gradient reads them (and writes dweight, dbias)
  const written = gradient ? [refs.out, refs.dweight, refs.dbias] : [refs.out, refs.mean, refs.variance];
  const given = all.filter((ref): ref is DataRef => ref !== null);
  if (written.some((ref) => ref !== null && given.filter((other) => other === ref).length > 1)) return null;
  const { k, ptr } = context;
  const at = (ref: DataRef | null): number => (ref === null ? 0 : ptr(ref));
  const [px, pdy, pw, pb, pm, pv, po, pdw, pdb] = [at(refs.x), at(refs.dy), at(refs.weight), at(refs.bias), at(refs.mean), at(refs.variance), at(refs.out), at(refs.dweight), at(refs.dbias)];
  const kernel = dtype === "float64" ? "batchNormF64" : "batchNormF32";
  return kernelStep(k, { kernel, args: [NORM[op], px, pdy, pw, pb, pm, pv, po, pdw, pdb, outer, channels, inner, eps] });
}
