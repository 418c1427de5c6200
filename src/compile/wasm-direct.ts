/**
 * The plain kernel calls of a plan on the wasm executor: element-wise ops, reductions and
 * one-thread products at plan addresses, each the WebAssembly call the backend's method would
 * make for the same arguments (so results are eager's bit for bit).
 */
import type { DataRef, MatmulSpec, StridedRef } from "../backend/backend.js";
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, opcodes, type BinaryOp, type ReduceOp, type UnaryOp } from "../backend/op-table.js";
import { SMALL, type WasmBackend } from "../backend/wasm/wasm-backend.js";
import { twoLoops } from "../backend/wasm/wasm-strided.js";
import { productWorthThreads } from "../backend/wasm/wasm-threads.js";
import { contiguousStrides, isContiguous } from "../backend/strides.js";
import type { StepContext } from "./wasm-executor.js";
import { copyStep } from "./wasm-copy.js";

const UNARY = opcodes(UNARY_OPS);
const BINARY = opcodes(BINARY_OPS);
const REDUCE = opcodes(REDUCE_OPS);

function isReal(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

/** Whether `view` reads its buffer exactly as a dense `out` of the same buffer is written. */
function readsInPlace(view: StridedRef, shape: readonly number[]): boolean {
  if (view.offset !== 0) return false;
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    if (shape[d] !== 1 && view.strides[d] !== stride) return false;
    stride *= shape[d]!;
  }
  return true;
}

/**
 * The WebAssembly call the backend's method would make for these arguments, at plan addresses;
 * null where the method would run a TypeScript kernel (few elements, integers) or does more
 * than one call (threaded products, dense copies first): those run through the method itself.
 */
export function directKernel(name: string, args: readonly unknown[], context: StepContext, backend: WasmBackend): (() => void) | null {
  const { k, ptr } = context;
  switch (name) {
    case "unary": {
      const [op, x, out, alpha = 0, beta = 0] = args as [UnaryOp, DataRef, DataRef, number?, number?];
      if (out.size <= SMALL || !isReal(out) || !isReal(x) || x.dtype !== out.dtype) return null;
      const code = UNARY[op];
      const [px, po, n] = [ptr(x), ptr(out), out.size];
      const kernel = out.dtype === "float64" ? k.unaryF64 : k.unaryF32;
      return () => kernel(code, px, po, n, alpha, beta);
    }
    case "binary":
    case "binaryScalar": {
      const scalar = name === "binaryScalar";
      const [op, a, second, third, fourth, fifth] = args as [BinaryOp, StridedRef, StridedRef | number, unknown, unknown, unknown];
      const shape = (scalar ? fourth : third) as readonly number[];
      const out = (scalar ? fifth : fourth) as DataRef;
      const b: StridedRef | null = scalar ? null : (second as StridedRef);
      if (out.size <= SMALL || !isReal(out) || out.dtype !== a.ref.dtype || (b !== null && b.ref.dtype !== out.dtype)) return null;
      // the backend copies its operands first: an operand aliasing `out` must read each element where it is written
      if ((a.ref === out && !readsInPlace(a, shape)) || (b !== null && b.ref === out && !readsInPlace(b, shape))) return null;
      const bStrides = b === null ? shape.map(() => 0) : b.strides;
      let [left, right] = [a, b];
      let loops = twoLoops(shape, a.strides, bStrides);
      let densify: (() => void) | null = null;
      if (loops === null) {
        // three or more axes that do not merge (a scale of attention's split heads): the backend
        // copies the irregular operand dense first; here the copy goes into `out`, which the
        // kernel then reads in place, element by element where it writes
        const irregular = (view: StridedRef): boolean => !isContiguous(shape, view.strides) && !view.strides.every((stride) => stride === 0);
        const copyA = irregular(a);
        if (copyA === (b !== null && irregular(b))) return null;
        const [view, other] = copyA ? [a, b] : [b!, a];
        if (view.ref === out || (other !== null && other.ref === out)) return null;
        densify = copyStep("copyStrided", [view, shape, out], context);
        const dense: StridedRef = { ref: out, offset: 0, strides: contiguousStrides(shape) };
        if (copyA) left = dense;
        else right = dense;
        loops = twoLoops(shape, left.strides, right === null ? bStrides : right.strides);
        if (densify === null || loops === null) return null;
      }
      const bytes = out.dtype === "float64" ? 8 : 4;
      const code = BINARY[op];
      const kernel = out.dtype === "float64" ? k.binaryF64 : k.binaryF32;
      const pa = ptr(left.ref) + left.offset * bytes;
      let pb: number;
      if (right !== null) pb = ptr(right.ref) + right.offset * bytes;
      else {
        pb = context.scalar();
        if (bytes === 8) new Float64Array(context.memory.buffer, pb, 1)[0] = second as number;
        else new Float32Array(context.memory.buffer, pb, 1)[0] = second as number;
      }
      const po = ptr(out);
      const { n0, n1, sa0, sa1, sb0, sb1 } = loops;
      const copy = densify;
      if (copy !== null) {
        if (scalar && (third as boolean)) return () => (copy(), kernel(code, pb, 0, 0, pa, sa0, sa1, po, n0, n1));
        return () => (copy(), kernel(code, pa, sa0, sa1, pb, sb0, sb1, po, n0, n1));
      }
      if (scalar && (third as boolean)) return () => kernel(code, pb, 0, 0, pa, sa0, sa1, po, n0, n1);
      return () => kernel(code, pa, sa0, sa1, pb, sb0, sb1, po, n0, n1);
    }
    case "fill": {
      // a gradient's zeros before copyInto writes its regions (attention's split heads): the
      // backend fills its typed array; at plan addresses the kernel's vector stores do it
      const [out, value] = args as [DataRef, number];
      if (out.size <= SMALL || !isReal(out)) return null;
      const kernel = out.dtype === "float64" ? k.fillF64 : k.fillF32;
      const po = ptr(out);
      return () => kernel(po, value, out.size);
    }
    case "clamp": {
      const [x, lo, hi, out] = args as [DataRef, number, number, DataRef];
      if (out.size <= SMALL || !isReal(out) || x.dtype !== out.dtype) return null;
      const kernel = out.dtype === "float64" ? k.clampLanesF64 : k.clampLanesF32;
      const [px, po, n] = [ptr(x), ptr(out), out.size];
      return () => kernel(px, lo, hi, po, n);
    }
    case "axpby": {
      const [alpha, x, beta, y, out] = args as [number, DataRef, number, DataRef, DataRef];
      if (out.size <= SMALL || !isReal(out) || x.dtype !== out.dtype || y.dtype !== out.dtype) return null;
      const kernel = out.dtype === "float64" ? k.axpbyF64 : k.axpbyF32;
      const [px, py, po, n] = [ptr(x), ptr(y), ptr(out), out.size];
      return () => kernel(alpha, px, beta, py, po, n);
    }
    case "reduce": {
      const [op, x, outer, axisSize, inner, out] = args as [ReduceOp, DataRef, number, number, number, DataRef];
      if (x.size <= SMALL || !isReal(x) || x.dtype !== out.dtype) return null;
      const kernel = out.dtype === "float64" ? k.reduceF64 : k.reduceF32;
      const [code, px, po, row] = [REDUCE[op], ptr(x), ptr(out), context.rowScratch];
      return () => kernel(code, px, outer, axisSize, inner, po, row);
    }
    case "matmul": {
      const [a, b, spec, out] = args as [DataRef, DataRef, MatmulSpec, DataRef];
      const { batch, m, k: depth, n, transA, transB, batchStrideA, batchStrideB } = spec;
      if (!isReal(out) || a.dtype !== out.dtype || b.dtype !== out.dtype) return null;
      // products the backend splits over threads run through it (their scratch is shared memory)
      if (backend.threads > 1 && productWorthThreads(spec)) return null;
      const [pa, pb, po] = [ptr(a), ptr(b), ptr(out)];
      const f64 = out.dtype === "float64";
      if ((f64 ? k.thinProductF64 : k.thinProductF32)(m, depth, n, transA, transB)) {
        const thin = f64 ? k.matmulThinF64 : k.matmulThinF32;
        return () => thin(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB);
      }
      if ((f64 ? k.smallProductF64 : k.smallProductF32)(m, depth, n)) {
        // small products (attention's per-head ones) on the unpacked tile, as the backend runs them
        const small = f64 ? k.matmulSmallF64 : k.matmulSmallF32;
        const bp = context.matmulScratch;
        return () => small(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, bp);
      }
      const packA = context.matmulScratch;
      const packB = packA + k.matmulScratchA() * 8;
      const tile = packB + k.matmulScratchB() * 8;
      const kernel = f64 ? k.matmulF64 : k.matmulF32;
      return () => kernel(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, packA, packB, tile);
    }
    default:
      return null;
  }
}
