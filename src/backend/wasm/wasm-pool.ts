// 2-D pooling (average and friends, max with its indices, and max's gradient) on the
// WebAssembly kernels, a few images at a time where the input is large (wasm-chunks.ts: the
// copies in and out then stay in cache; every plane is computed on its own either way).
import type { DataRef, PoolOp, WindowSpec } from "../backend.js";
import { arrayOf, realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { POOL_OPS, opcodes } from "../op-table.js";
import { elementBytes, opcode, sameType, specValues, type WasmContext } from "./wasm-context.js";
import { forEachSlices, part } from "./wasm-chunks.js";

/** Elements of one image of a window op's input and of its output. */
function imageSizes(spec: WindowSpec): { input: number; output: number } {
  return { input: spec.channels * spec.height * spec.width, output: spec.channels * spec.outH * spec.outW };
}

const POOL = opcodes(POOL_OPS);

/** A window reduction by `op` (divided by `divisors` where it averages); the caller has checked the dtypes. */
export function wasmPool2d(context: WasmContext, op: PoolOp, x: DataRef, divisors: DataRef, spec: WindowSpec, out: DataRef): void {
  const code = opcode(POOL, op, "pool2d");
  const kernel = out.dtype === "float64" ? context.kernels.pool2dF64 : context.kernels.pool2dF32;
  const [input, output, weights] = [arrayOfReal(x), overwrittenArray(out), sameType(divisors, out.dtype)];
  // the forward reads images of the input and writes the output's; the adjoint the other way round
  const { input: inImage, output: outImage } = imageSizes(spec);
  const [xImage, yImage] = op === "avgPool2d" ? [inImage, outImage] : [outImage, inImage];
  forEachSlices(spec.batch, Math.max(xImage, yImage), (first, end) => {
    const arena = context.begin();
    const ptrX = arena.put(part(input, first * xImage, end * xImage));
    const ptrDivisors = arena.put(weights);
    const ptrSpec = arena.put(specValues({ ...spec, batch: end - first }));
    const ptrOut = arena.allocate((end - first) * yImage * elementBytes(out.dtype));
    kernel(code, ptrX, ptrDivisors, ptrSpec, ptrOut);
    arena.take(ptrOut, part(output, first * yImage, end * yImage));
  });
}

/** Max pooling with the int32 index of each maximum; the caller has checked the dtypes. */
export function wasmMaxPool2d(context: WasmContext, x: DataRef, spec: WindowSpec, out: DataRef, indices: DataRef): void {
  const kernel = x.dtype === "float64" ? context.kernels.maxPool2dF64 : context.kernels.maxPool2dF32;
  const [input, output, where] = [arrayOfReal(x), overwrittenArray(out), arrayOf(indices) as Int32Array];
  const { input: inImage, output: outImage } = imageSizes(spec);
  forEachSlices(spec.batch, inImage, (first, end) => {
    const arena = context.begin();
    const ptrX = arena.put(part(input, first * inImage, end * inImage));
    const ptrSpec = arena.put(specValues({ ...spec, batch: end - first }));
    const ptrOut = arena.allocate((end - first) * outImage * elementBytes(out.dtype));
    const ptrIndices = arena.allocate((end - first) * outImage * 4);
    kernel(ptrX, ptrSpec, ptrOut, ptrIndices);
    arena.take(ptrOut, part(output, first * outImage, end * outImage));
    arena.takeInt32(ptrIndices, part(where, first * outImage, end * outImage));
  });
}

/** Max pooling's gradient: dy scattered to the recorded indices; the caller has checked the dtypes. */
export function wasmMaxPool2dGrad(context: WasmContext, dy: DataRef, indices: DataRef, spec: WindowSpec, out: DataRef): void {
  const kernel = out.dtype === "float64" ? context.kernels.maxPool2dGradF64 : context.kernels.maxPool2dGradF32;
  const [gradient, where, output] = [arrayOfReal(dy), arrayOf(indices) as Int32Array, overwrittenArray(out)];
  const { input: inImage, output: outImage } = imageSizes(spec);
  forEachSlices(spec.batch, inImage, (first, end) => {
    const arena = context.begin();
    const ptrDy = arena.put(part(gradient, first * outImage, end * outImage));
    const ptrIndices = arena.putInt32(part(where, first * outImage, end * outImage));
    const ptrSpec = arena.put(specValues({ ...spec, batch: end - first }));
    const ptrOut = arena.allocate((end - first) * inImage * elementBytes(out.dtype));
    kernel(ptrDy, ptrIndices, ptrSpec, ptrOut);
    arena.take(ptrOut, part(output, first * inImage, end * inImage));
  });
}
