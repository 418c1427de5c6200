// The matrix product on the WebAssembly kernels: thin products (a short side) with the long side
// as vector lanes, small ones on an unpacked register tile, the rest on the packed, register-blocked micro-kernel, and large ones
// split by rows over the worker threads where that measures faster (eager-tuner.ts). Both ways
// give the same values: the packed kernel and the threads' tasks block k alike and each element
// of C is one thread's sum, so only who computes which rows differs.
import type { DataRef, MatmulSpec } from "../backend.js";
import { realArrayOf as arrayOfReal, overwrittenArray } from "../js-buffer.js";
import { elementBytes, type WasmContext } from "./wasm-context.js";
import { productSplit, productWorthThreads } from "./wasm-threads.js";

/** out = op(a)·op(b), batched (see MatmulSpec); `out` is float32 or float64. */
export function wasmMatmul(context: WasmContext, a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
  if (context.threads === 1 || !productWorthThreads(spec)) return matmulSingle(context, a, b, spec, out);
  const { m, k, n, transA, transB } = spec;
  const key = `matmul ${out.dtype} ${m} ${k} ${n} ${transA} ${transB}`;
  context.tuner.run(key, () => matmulThreaded(context, a, b, spec, out), () => matmulSingle(context, a, b, spec, out));
}

/** The product on the calling thread, with the kernels over ordinary memory. */
function matmulSingle(context: WasmContext, a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): void {
  const { batch, m, k, n, transA, transB, batchStrideA, batchStrideB } = spec;
  const kernels = context.kernels;
  const arena = context.begin();
  const ptrA = arena.put(arrayOfReal(a));
  const ptrB = arrayOfReal(b) === arrayOfReal(a) ? ptrA : arena.put(arrayOfReal(b));
  const ptrOut = arena.allocate(out.size * elementBytes(out.dtype));
  const f64 = out.dtype === "float64";
  if ((f64 ? kernels.thinProductF64 : kernels.thinProductF32)(m, k, n, transA, transB)) {
    // too thin for the micro-kernel's 6×8 or 4×8 tiles: no packing, no padding (the same results)
    (out.dtype === "float64" ? kernels.matmulThinF64 : kernels.matmulThinF32)(ptrA, ptrB, ptrOut, batch, m, k, n, transA, transB, batchStrideA, batchStrideB);
    return arena.take(ptrOut, overwrittenArray(out));
  }
  if ((f64 ? kernels.smallProductF64 : kernels.smallProductF32)(m, k, n)) {
    // small products (the attention's per-head ones): no packing, the same results
    const bp = arena.allocate(k * n * 8);
    (f64 ? kernels.matmulSmallF64 : kernels.matmulSmallF32)(ptrA, ptrB, ptrOut, batch, m, k, n, transA, transB, batchStrideA, batchStrideB, bp);
    return arena.take(ptrOut, overwrittenArray(out));
  }
  // each buffer sized for f64, which covers f32
  const packA = arena.allocate(kernels.matmulScratchA() * 8);
  const packB = arena.allocate(kernels.matmulScratchB() * 8);
  const tile = arena.allocate(kernels.matmulTile() * 8);
  (out.dtype === "float64" ? kernels.matmulF64 : kernels.matmulF32)(ptrA, ptrB, ptrOut, batch, m, k, n, transA, transB, batchStrideA, batchStrideB, packA, packB, tile);
  arena.take(ptrOut, overwrittenArray(out));
}

/**
 * Runs a product big enough to split (productWorthThreads) on the worker threads; false,
 * having done nothing, when threads are unavailable.
 */
function matmulThreaded(context: WasmContext, a: DataRef, b: DataRef, spec: MatmulSpec, out: DataRef): boolean {
  const { m, k, n, transA, transB } = spec;
  const parallel = context.parallel();
  if (parallel === null) return false;
  const { kernels, arena, pool } = parallel;
  arena.reset();
  const pa = arena.put(arrayOfReal(a));
  const pb = arrayOfReal(b) === arrayOfReal(a) ? pa : arena.put(arrayOfReal(b));
  const po = arena.allocate(out.size * elementBytes(out.dtype));
  const f64 = out.dtype === "float64";
  // op(B) packed once for all threads, C's rows in chunks, split as compile's plans split them (wasm-threads.ts)
  const { width, nc, rowChunk, chunkTasks, stripRows } = productSplit(spec, f64, context.threads, kernels);
  const bp = arena.allocate(k * nc * 8);
  const scratch: [number, number][] = [];
  for (let t = 0; t < context.threads; t++) scratch.push([arena.allocate(kernels.matmulScratchA() * 8), arena.allocate(kernels.matmulTile() * 8)]);
  for (let jc = 0; jc < n; jc += nc) {
    const columns = Math.min(nc, n - jc);
    const job = { a: pa, b: pb, out: po, m, k, n, transA, transB, jc, nc: columns, bp, scratch, panels: Math.ceil(columns / width), rowChunk, chunkTasks, stripRows };
    if (!pool.matmul(f64, job)) {
      if (jc > 0) throw new Error("wasm backend: worker threads stopped during a matmul");
      context.stopParallel();
      return false;
    }
  }
  arena.take(po, overwrittenArray(out));
  return true;
}
