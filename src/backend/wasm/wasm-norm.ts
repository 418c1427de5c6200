// Batch and layer normalisation (forward with statistics, and backward) as single-pass
// WebAssembly kernels.
import type { BatchNormRefs, DataRef, LayerNormOp, NormOp } from "../backend.js";
import { realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { LAYER_NORM_OPS, NORM_OPS, opcodes } from "../op-table.js";
import type { WasmArena } from "./wasm-arena.js";
import { elementBytes, opcode, sameType, type WasmContext } from "./wasm-context.js";

const NORM = opcodes(NORM_OPS);
const LAYER_NORM = opcodes(LAYER_NORM_OPS);

/**
 * Bytes of scratch per feature that the layer-norm kernels take (both ops): three f64 rows,
 * the gradient's sums of dy·x̂ and dy and the weight widened to f64, or the forward's weight
 * and bias widened (assembly/layer-norm-f32.ts).
 */
export const LAYER_NORM_SCRATCH_BYTES = 24;

/** Batch norm over [outer, channels, inner]; the caller has checked the dtypes (all real, alike). */
export function wasmBatchNorm(context: WasmContext, op: NormOp, refs: BatchNormRefs, outer: number, channels: number, inner: number, eps: number): void {
  const dtype = refs.out.dtype;
  const code = opcode(NORM, op, "batchNorm");
  const arena = context.begin();
  const bytes = elementBytes(dtype);
  const put = (ref: DataRef | null): number => (ref === null ? 0 : arena.put(sameType(ref, dtype)));
  const ptrX = put(refs.x), ptrDy = put(refs.dy), ptrWeight = put(refs.weight), ptrBias = put(refs.bias);
  const statistics = op === "batchNormGrad"; // read, else written
  const ptrMean = statistics ? put(refs.mean) : arena.allocate(channels * bytes);
  const ptrVariance = statistics ? put(refs.variance) : arena.allocate(channels * bytes);
  const ptrOut = arena.allocate(refs.out.size * bytes);
  const ptrDweight = refs.dweight === null ? 0 : arena.allocate(channels * bytes);
  const ptrDbias = refs.dbias === null ? 0 : arena.allocate(channels * bytes);
  (dtype === "float64" ? context.kernels.batchNormF64 : context.kernels.batchNormF32)(code, ptrX, ptrDy, ptrWeight, ptrBias, ptrMean, ptrVariance, ptrOut, ptrDweight, ptrDbias, outer, channels, inner, eps);
  takeNormResults(arena, refs, !statistics, ptrOut, ptrMean, ptrVariance, ptrDweight, ptrDbias);
}

/** Layer norm over [rows, features]; the caller has checked the dtypes (all real, alike). */
export function wasmLayerNorm(context: WasmContext, op: LayerNormOp, refs: BatchNormRefs, rows: number, features: number, eps: number): void {
  const dtype = refs.out.dtype;
  const code = opcode(LAYER_NORM, op, "layerNorm");
  const arena = context.begin();
  const bytes = elementBytes(dtype);
  const put = (ref: DataRef | null): number => (ref === null ? 0 : arena.put(arrayOfReal(ref)));
  const ptrX = put(refs.x), ptrDy = put(refs.dy), ptrWeight = put(refs.weight), ptrBias = put(refs.bias);
  const statistics = op === "layerNormGrad"; // read, else written
  const ptrMean = statistics ? put(refs.mean) : arena.allocate(rows * bytes);
  const ptrVariance = statistics ? put(refs.variance) : arena.allocate(rows * bytes);
  const ptrOut = arena.allocate(refs.out.size * bytes);
  const ptrDweight = refs.dweight === null ? 0 : arena.allocate(features * bytes);
  const ptrDbias = refs.dbias === null ? 0 : arena.allocate(features * bytes);
  const acc = arena.allocate(features * LAYER_NORM_SCRATCH_BYTES);
  (dtype === "float64" ? context.kernels.layerNormF64 : context.kernels.layerNormF32)(code, ptrX, ptrDy, ptrWeight, ptrBias, ptrMean, ptrVariance, ptrOut, ptrDweight, ptrDbias, rows, features, eps, acc);
  takeNormResults(arena, refs, !statistics, ptrOut, ptrMean, ptrVariance, ptrDweight, ptrDbias);
}

/** Copies a batch-norm or layer-norm kernel's results out: out, the statistics it wrote, the affine grads asked for. */
function takeNormResults(arena: WasmArena, refs: BatchNormRefs, wroteStatistics: boolean, ptrOut: number, ptrMean: number, ptrVariance: number, ptrDweight: number, ptrDbias: number): void {
  arena.take(ptrOut, overwrittenArray(refs.out));
  if (wroteStatistics) {
    arena.take(ptrMean, overwrittenArray(refs.mean));
    arena.take(ptrVariance, overwrittenArray(refs.variance));
  }
  if (refs.dweight !== null) arena.take(ptrDweight, overwrittenArray(refs.dweight));
  if (refs.dbias !== null) arena.take(ptrDbias, overwrittenArray(refs.dbias));
}
