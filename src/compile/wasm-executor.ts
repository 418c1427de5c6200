/**
 * Runs a {@link Plan} on the WebAssembly backend from memory planned once: every buffer the plan
 * touches gets a fixed place in a WebAssembly memory of its own (intermediates share places
 * where their lifetimes do not overlap), the element-wise, reduction and matmul kernels are
 * called there directly with precomputed addresses, and no buffer is copied or allocated per
 * kernel. The buffers' host arrays become views of that memory, so the kernels that stay on
 * the backend's own methods (data movement, gathers), the optimizer's step and user code
 * reading a parameter or a `.grad` all see the same bytes.
 *
 * Parameters and other tensors from outside (optimizer state, running statistics) move into
 * the memory of the plan that runs: on each call a buffer whose array is not this plan's view
 * is copied in and its array pointed here, so a steady loop copies nothing, and a switch
 * between plans (train and eval signatures) copies each parameter once. The memory is freed
 * by the garbage collector with the last view of it: when the compiled function is dropped and
 * its parameters have moved on.
 *
 * Each kernel makes the choice the backend's method would make (TypeScript loop for a handful
 * of elements, the same WebAssembly kernel otherwise), so results are bit-identical to eager.
 */
import type { DataRef, MatmulSpec, StridedRef } from "../backend/backend.js";
import { JsBuffer } from "../backend/js-buffer.js";
import { BINARY_OPS, REDUCE_OPS, UNARY_OPS, opcodes, type BinaryOp, type ReduceOp, type UnaryOp } from "../backend/op-table.js";
import { SMALL, WasmBackend } from "../backend/wasm/wasm-backend.js";
import { instantiateKernels, kernelImports, type Kernels } from "../backend/wasm/wasm-module.js";
import { twoLoops } from "../backend/wasm/wasm-strided.js";
import type { Tensor } from "../tensor/tensor.js";
import { planLayout } from "./memory-plan.js";
import { optimizerBuffers, sgdStep } from "./sgd-step.js";
import { bindInputs, fillTemplate, type OutputView, type Plan, type PlanNode } from "./plan.js";
import { elementwiseGroups } from "./fuse.js";
import { adamBuffers, adamStep } from "./adam-step.js";
import { checkIndexValues, indexedStep } from "./wasm-gather.js";
import { windowBytes, windowStep } from "./wasm-window.js";
import { copyStep } from "./wasm-copy.js";
import { rowKernelScratch, rowStep } from "./wasm-rows.js";
import { fusedAccepts, fusedStep, fusedWorth, INSTRUCTION_BYTES } from "./wasm-fused.js";

const UNARY = opcodes(UNARY_OPS);
const BINARY = opcodes(BINARY_OPS);
const REDUCE = opcodes(REDUCE_OPS);

/** A plan made runnable: call with the arguments, get the returned value. */
export type Executable = (args: readonly unknown[], makeOutput: (view: OutputView) => Tensor) => unknown;

/** The kernel module, compiled once per process, and the constants every instance shares. */
let compiled: { module: WebAssembly.Module; variant: string; heapBase: number; matmulScratch: number; fusedScratch: number } | null = null;

function kernelModule(): NonNullable<typeof compiled> {
  if (compiled === null) {
    const { module, variant, kernels } = instantiateKernels(false);
    const matmulScratch = (kernels.matmulScratchA() + kernels.matmulScratchB() + kernels.matmulTile()) * 8;
    compiled = { module, variant, heapBase: kernels.heapBase(), matmulScratch, fusedScratch: kernels.fusedBlock() * 2 * 8 };
  }
  return compiled;
}

function isReal(ref: DataRef): boolean {
  return ref.dtype === "float32" || ref.dtype === "float64";
}

/**
 * The executor of `plan` on the wasm backend, or null where the plan is not on it. `fusion`:
 * run element-wise chains as one pass each (see fuse.ts; off only to compare).
 */
export function wasmExecutable(plan: Plan, fusion = true): Executable | null {
  const backend = plan.backend;
  if (!(backend instanceof WasmBackend)) return null;
  const kernelBuild = kernelModule();
  if (kernelBuild.variant !== backend.variant) return null; // results must match the backend's build bit for bit
  const groups = fusion ? elementwiseGroups(plan, fusedAccepts, fusedWorth) : [];
  const layout = planLayout(plan, kernelBuild.heapBase, [...optimizerBuffers(plan), ...adamBuffers(plan)], groups);
  const matmulScratch = layout.bytes;
  const rowScratch = matmulScratch + kernelBuild.matmulScratch;
  const fusedScratch = rowScratch + maxRowBytes(plan);
  const windowScratch = fusedScratch + kernelBuild.fusedScratch;
  // then scalars, fused programs and window specs, handed out by reserve()
  const window = windowBytes(plan);
  const rowKernelAcc = windowScratch + window.scratch;
  let reserved = rowKernelAcc + rowKernelScratch(plan);
  const programBytes = groups.reduce((sum, group) => sum + group.ops.length * INSTRUCTION_BYTES, 0);
  // a scalar or a strided copy's shape, strides and counters (≤ 12 · 32 bytes) per node
  const end = reserved + 384 * plan.nodes.length + programBytes + window.specs + 64;
  const memory = new WebAssembly.Memory({ initial: Math.ceil(end / 65536) });
  const reserve = (bytes: number): number => {
    const at = reserved;
    reserved += Math.ceil(bytes / 8) * 8;
    if (reserved > end) throw new Error("compile: the plan's memory has no room left (an internal error)");
    return at;
  };
  const k = new WebAssembly.Instance(kernelBuild.module, kernelImports(memory)).exports as unknown as Kernels;
  // every buffer's array becomes its view in this memory, with the values it holds now
  const views = new Map<DataRef, JsBuffer["data"]>();
  for (const [ref, offset] of layout.offsets) views.set(ref, viewOf(memory, ref, offset));
  const moveIn = (ref: DataRef): void => {
    const buffer = ref as JsBuffer;
    const view = views.get(ref)!;
    if (buffer.data === view) return;
    view.set(buffer.data);
    (buffer as { data: JsBuffer["data"] }).data = view;
  };
  for (const ref of layout.offsets.keys()) moveIn(ref);
  const ptr = (ref: DataRef): number => layout.offsets.get(ref)!;
  const context: StepContext = { k, ptr, has: (ref) => layout.offsets.has(ref), rowScratch, matmulScratch, fusedScratch, windowScratch, rowKernelAcc, scalar: () => reserve(8), reserve, memory };
  const steps: (() => void)[] = [];
  const groupAt = new Map(groups.map((group) => [group.start, group]));
  for (let i = 0; i < plan.nodes.length; i++) {
    const group = groupAt.get(i);
    if (group === undefined) {
      steps.push(stepOf(plan.nodes[i]!, context, backend, views));
      continue;
    }
    steps.push(fusedStep(group, reserve(group.ops.length * INSTRUCTION_BYTES), context));
    i = group.end - 1;
  }
  const exposed = layout.exposed;
  return (args, makeOutput) => {
    for (let i = 0; i < exposed.length; i++) moveIn(exposed[i]!);
    bindInputs(plan, args);
    for (let i = 0; i < steps.length; i++) steps[i]!();
    return fillTemplate(plan.template, plan.outputs.map(makeOutput));
  };
}

function viewOf(memory: WebAssembly.Memory, ref: DataRef, offset: number): JsBuffer["data"] {
  switch (ref.dtype) {
    case "float32":
      return new Float32Array(memory.buffer, offset, ref.size);
    case "float64":
      return new Float64Array(memory.buffer, offset, ref.size);
    case "int32":
      return new Int32Array(memory.buffer, offset, ref.size);
    case "bool":
      return new Uint8Array(memory.buffer, offset, ref.size);
  }
}

/** The largest `row` scratch a node needs: a reduce's f64 row (inner · 8 bytes), a gather's or scatterAdd's index as floats. */
function maxRowBytes(plan: Plan): number {
  let most = 64;
  for (const node of plan.nodes) {
    if (node.kind !== "kernel") continue;
    const elements = node.name === "reduce" ? (node.args[4] as number) : node.name === "gather" || node.name === "scatterAdd" ? (node.args[1] as DataRef).size : 0;
    most = Math.max(most, Math.ceil((elements * 8) / 64) * 64);
  }
  return most;
}

export interface StepContext {
  readonly k: Kernels;
  readonly ptr: (ref: DataRef) => number;
  /** Whether the plan placed `ref` in its memory. */
  readonly has: (ref: DataRef) => boolean;
  readonly rowScratch: number;
  readonly matmulScratch: number;
  /** Two blocks of the fused-program interpreter's scratch. */
  readonly fusedScratch: number;
  /** A convolution's unfolded windows and padded image (wasm-window.ts). */
  readonly windowScratch: number;
  /** layerNormGrad's f64 accumulators (wasm-rows.ts). */
  readonly rowKernelAcc: number;
  readonly scalar: () => number;
  /** `bytes` of the plan's memory for good (a kernel's constants), 8-byte aligned. */
  readonly reserve: (bytes: number) => number;
  readonly memory: WebAssembly.Memory;
}

/** One node as a closure over precomputed addresses. */
function stepOf(node: PlanNode, context: StepContext, backend: WasmBackend, views: Map<DataRef, JsBuffer["data"]>): () => void {
  switch (node.kind) {
    case "kernel": {
      const indexed = indexedStep(node.name, node.args, context, views);
      if (indexed !== null) return indexed; // checks its index as it converts it
      const direct = directKernel(node.name, node.args, context, backend) ?? windowStep(node.name, node.args, context) ?? rowStep(node.name, node.args, context) ?? copyStep(node.name, node.args, context);
      const run = direct ?? (() => void node.run.apply(backend, node.args as unknown[]));
      const check = node.indexCheck;
      if (check === undefined) return run;
      const index = views.get(check.index)!;
      return () => {
        checkIndexValues(index, check.op, check.axisSize);
        run();
      };
    }
    case "values": {
      const target = views.get(node.ref)!;
      const source = views.get(node.source)!;
      return () => target.set(source);
    }
    case "random": {
      const target = views.get(node.ref)!;
      const { generator, values, ceiling } = node;
      if (node.draw === "uniform") return () => (fillUniform(generator, values, ceiling), target.set(values));
      return () => {
        for (let i = 0; i < values.length; i++) values[i] = generator.normal();
        target.set(values);
      };
    }
    case "host":
      if (node.name !== "optimizer.step()") return node.run;
      return sgdStep(node.target, node.run, context, backend) ?? adamStep(node.target, node.run, context) ?? node.run;
    case "grads": {
      const { leaves, grads } = node;
      return () => {
        for (let j = 0; j < leaves.length; j++) leaves[j]!.grad = grads[j]!;
      };
    }
  }
}

function fillUniform(generator: { uniform(): number }, values: Float64Array, ceiling: number): void {
  for (let i = 0; i < values.length; i++) values[i] = Math.min(generator.uniform(), ceiling);
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
function directKernel(name: string, args: readonly unknown[], context: StepContext, backend: WasmBackend): (() => void) | null {
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
      const loops = twoLoops(shape, a.strides, bStrides);
      if (loops === null) return null;
      const bytes = out.dtype === "float64" ? 8 : 4;
      const code = BINARY[op];
      const kernel = out.dtype === "float64" ? k.binaryF64 : k.binaryF32;
      const pa = ptr(a.ref) + a.offset * bytes;
      let pb: number;
      if (b !== null) pb = ptr(b.ref) + b.offset * bytes;
      else {
        pb = context.scalar();
        if (bytes === 8) new Float64Array(context.memory.buffer, pb, 1)[0] = second as number;
        else new Float32Array(context.memory.buffer, pb, 1)[0] = second as number;
      }
      const po = ptr(out);
      const { n0, n1, sa0, sa1, sb0, sb1 } = loops;
      if (scalar && (third as boolean)) return () => kernel(code, pb, 0, 0, pa, sa0, sa1, po, n0, n1);
      return () => kernel(code, pa, sa0, sa1, pb, sb0, sb1, po, n0, n1);
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
      if (backend.threads > 1 && batch === 1 && depth > 0 && m * n * depth >= 2 ** 22 && m >= 8) return null;
      const [pa, pb, po] = [ptr(a), ptr(b), ptr(out)];
      const f64 = out.dtype === "float64";
      // a matrix times a short vector (a linear layer with one output of few inputs): the same sums, four rows at a time
      if (batch === 1 && n === 1 && transB && !transA && depth < 4 && m >= 4 && m * depth <= 2 ** 20) {
        const matvec = f64 ? k.matvecShortF64 : k.matvecShortF32;
        return () => matvec(pa, pb, po, m, depth);
      }
      if ((m < 4 || n === 1) && batch * m * n * depth <= 2 ** 20) {
        const thin = f64 ? k.matmulThinF64 : k.matmulThinF32;
        return () => thin(pa, pb, po, batch, m, depth, n, transA, transB, batchStrideA, batchStrideB);
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
