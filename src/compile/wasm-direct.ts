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
import { callsOf, kernelStep, type KernelCall } from "./kernel-call.js";

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
 * The element-wise ops whose WebAssembly kernel gives the TypeScript kernel's bits, which the
 * backend runs for a few elements (a loss's mean, its gradient's scale): the TS loop computes
 * in float64 and rounds once, which for +, −, ×, ÷ of float32 values (a number operand rounded
 * to float32 first, in both) is the correctly rounded float32 result the kernel computes
 * (float64 carries more than 2·24 + 2 bits).
 */
const EXACT_OPS: ReadonlySet<BinaryOp> = new Set(["add", "sub", "mul", "div"]);

/**
 * The WebAssembly call the backend's method would make for these arguments, at plan addresses;
 * null where the method would run a TypeScript kernel (few elements, integers) whose bits the
 * WebAssembly one may not give, or does more than one call (threaded products, dense copies first): those run through the method itself.
 */
export function directKernel(name: string, args: readonly unknown[], context: StepContext, backend: WasmBackend): (() => void) | null {
  const { k, ptr } = context;
  switch (name) {
    case "unary": {
      const [op, x, out, alpha = 0, beta = 0] = args as [UnaryOp, DataRef, DataRef, number?, number?];
      if (out.size <= SMALL || !isReal(out) || !isReal(x) || x.dtype !== out.dtype) return null;
      const kernel = out.dtype === "float64" ? "unaryF64" : "unaryF32";
      return kernelStep(k, { kernel, args: [UNARY[op], ptr(x), ptr(out), out.size, alpha, beta] });
    }
    case "binary":
    case "binaryScalar": {
      const scalar = name === "binaryScalar";
      const [op, a, second, third, fourth, fifth] = args as [BinaryOp, StridedRef, StridedRef | number, unknown, unknown, unknown];
      const shape = (scalar ? fourth : third) as readonly number[];
      const out = (scalar ? fifth : fourth) as DataRef;
      const b: StridedRef | null = scalar ? null : (second as StridedRef);
      if (!isReal(out) || out.dtype !== a.ref.dtype || (b !== null && b.ref.dtype !== out.dtype)) return null;
      if (out.size <= SMALL && !EXACT_OPS.has(op)) return null;
      // the backend copies its operands first: an operand aliasing `out` must read each element where it is written
      if ((a.ref === out && !readsInPlace(a, shape)) || (b !== null && b.ref === out && !readsInPlace(b, shape))) return null;
      const bStrides = b === null ? shape.map(() => 0) : b.strides;
      let [left, right] = [a, b];
      let loops = twoLoops(shape, a.strides, bStrides);
      let densify: KernelCall[] | null = null;
      if (loops === null) {
        // three or more axes that do not merge (a scale of attention's split heads): the backend
        // copies the irregular operand dense first; here the copy goes into `out`, which the
        // kernel then reads in place, element by element where it writes
        const irregular = (view: StridedRef): boolean => !isContiguous(shape, view.strides) && !view.strides.every((stride) => stride === 0);
        const copyA = irregular(a);
        if (copyA === (b !== null && irregular(b))) return null;
        const [view, other] = copyA ? [a, b] : [b!, a];
        if (view.ref === out || (other !== null && other.ref === out)) return null;
        const copy = copyStep("copyStrided", [view, shape, out], context);
        densify = copy === null ? null : (callsOf(copy) as KernelCall[] | undefined) ?? null;
        const dense: StridedRef = { ref: out, offset: 0, strides: contiguousStrides(shape) };
        if (copyA) left = dense;
        else right = dense;
        loops = twoLoops(shape, left.strides, right === null ? bStrides : right.strides);
        if (densify === null || loops === null) return null;
      }
      const bytes = out.dtype === "float64" ? 8 : 4;
      const code = BINARY[op];
      const kernel = out.dtype === "float64" ? "binaryF64" : "binaryF32";
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
      const callArgs = scalar && (third as boolean) ? [code, pb, 0, 0, pa, sa0, sa1, po, n0, n1] : [code, pa, sa0, sa1, pb, sb0, sb1, po, n0, n1];
      return kernelStep(k, ...(densify ?? []), { kernel, args: callArgs });
    }
    case "fill": {
      // a gradient's zeros before copyInto writes its regions (attention's split heads): the
      // backend fills its typed array; at plan addresses the kernel's vector stores do it
      // (any size: the TypeScript fill stores the same rounded value)
      const [out, value] = args as [DataRef, number];
      if (!isReal(out)) return null;
      return kernelStep(k, { kernel: out.dtype === "float64" ? "fillF64" : "fillF32", args: [ptr(out), value, out.size] });
    }
    case "clamp": {
      const [x, lo, hi, out] = args as [DataRef, number, number, DataRef];
      if (out.size <= SMALL || !isReal(out) || x.dtype !== out.dtype) return null;
      return kernelStep(k, { kernel: out.dtype === "float64" ? "clampF64" : "clampF32", args: [ptr(x), lo, hi, ptr(out), out.size] });
    }
    case "axpby": {
      const [alpha, x, beta, y, out] = args as [number, DataRef, number, DataRef, DataRef];
      // (any size: the TypeScript loop for a few elements rounds as the kernel does, see sgd-step.ts)
      if (!isReal(out) || x.dtype !== out.dtype || y.dtype !== out.dtype) return null;
      return kernelStep(k, { kernel: out.dtype === "float64" ? "axpbyF64" : "axpbyF32", args: [alpha, ptr(x), beta, ptr(y), ptr(out), out.size] });
    }
    case "reduce": {
      const [op, x, outer, axisSize, inner, out] = args as [ReduceOp, DataRef, number, number, number, DataRef];
      if (x.size <= SMALL || !isReal(x) || x.dtype !== out.dtype) return null;
      const kernel = out.dtype === "float64" ? "reduceF64" : "reduceF32";
      return kernelStep(k, { kernel, args: [REDUCE[op], ptr(x), outer, axisSize, inner, ptr(out), context.rowScratch] });
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
        return kernelStep(k, { kernel: f64 ? "matmulThinF64" : "matmulThinF32", args: [pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB] });
      }
      if ((f64 ? k.smallProductF64 : k.smallProductF32)(m, depth, n)) {
        // small products (attention's per-head ones) on the unpacked tile, as the backend runs them
        const kernel = f64 ? "matmulSmallF64" : "matmulSmallF32";
        return kernelStep(k, { kernel, args: [pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, context.matmulScratch] });
      }
      const packA = context.matmulScratch;
      const packB = packA + k.matmulScratchA() * 8;
      const tile = packB + k.matmulScratchB() * 8;
      const kernel = f64 ? "matmulF64" : "matmulF32";
      return kernelStep(k, { kernel, args: [pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB, packA, packB, tile] });
    }
    default:
      return null;
  }
}
