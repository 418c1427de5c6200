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
 * Fused element-wise chains (fuse.ts) run on the kernels' blocked interpreter (wasm-fused.ts)
 * and, once the plan has replayed a while, as WebAssembly generated for the plan
 * (wasm-generated.ts), with the same bits.
 *
 * Each kernel makes the choice the backend's method would make (TypeScript loop for a handful
 * of elements, the same WebAssembly kernel otherwise), so results are bit-identical to eager.
 * Where the backend would split a product or a convolution over its worker threads, the plan's
 * memory is shared and attached to the backend's thread pool, and the same split runs on it
 * (wasm-threaded.ts); the workers drop it when the plan is evicted or freed. Whether a replay
 * posts those jobs to the workers or runs their tasks on the calling thread alone (busy cores)
 * is measured as it runs (backend/wasm/thread-tuner.ts); the values are the same either way.
 */
import type { DataRef } from "../backend/backend.js";
import { JsBuffer } from "../backend/js-buffer.js";
import { WasmBackend } from "../backend/wasm/wasm-backend.js";
import { instantiateKernels, kernelImports, type Kernels } from "../backend/wasm/wasm-module.js";
import type { ThreadPool } from "../backend/wasm/wasm-threads.js";
import type { Tensor } from "../tensor/tensor.js";
import { planLayout } from "./memory-plan.js";
import { bindInput, fillTemplate, type OutputView, type Plan, type PlanNode } from "./plan.js";
import { elementwiseGroups, type FusedOp } from "./fuse.js";
import { optimizerStateBuffers, optimizerStep, optimizerTemporariesScratch } from "./optimizer-step.js";
import { checkIndexValues, indexedStep } from "./wasm-gather.js";
import { windowBytes, windowStep } from "./wasm-window.js";
import { copyStep } from "./wasm-copy.js";
import { rowKernelScratch, rowStep } from "./wasm-rows.js";
import { fusedAccepts, fusedStep, fusedWorth, INSTRUCTION_BYTES } from "./wasm-fused.js";
import { directKernel } from "./wasm-direct.js";
import { planCodegen, type GroupSlot } from "./wasm-generated.js";
import { threadedBytes, threadedStep, type Threading } from "./wasm-threaded.js";
import { aloneWorthThreads, fusedThreadedStep, tasksScratch } from "./wasm-threaded-tasks.js";
import { ThreadTuner } from "../backend/wasm/thread-tuner.js";
import { audited } from "./wasm-audit.js";
import { batchNormStep } from "./wasm-batch-norm.js";
import { logsumexpScratch, logsumexpStep } from "./wasm-logsumexp.js";
import { stepLabel, stepTiming, timeSteps } from "./step-timing.js";

/**
 * A plan made runnable: call with the arguments, get the returned value. `release`, where
 * present, lets go of what the plan holds beyond its memory (worker threads' instances over
 * it) once it will not run again: compile() calls it when it evicts the plan.
 */
export type Executable = ((args: readonly unknown[], makeOutput: (view: OutputView) => Tensor) => unknown) & { release?: () => void };

/** A build of the kernel module and the constants every instance of it shares. */
interface KernelBuild {
  readonly module: WebAssembly.Module;
  readonly variant: string;
  readonly heapBase: number;
  readonly matmulScratch: number;
  readonly fusedScratch: number;
  /** An instance over a memory of its own, for the constants (scratch sizes). */
  readonly kernels: Kernels;
}

function buildOf(module: WebAssembly.Module, variant: string, kernels: Kernels): KernelBuild {
  const matmulScratch = (kernels.matmulScratchA() + kernels.matmulScratchB() + kernels.matmulTile()) * 8;
  return { module, variant, heapBase: kernels.heapBase(), matmulScratch, fusedScratch: kernels.fusedBlock() * 2 * 8, kernels };
}

/** The ordinary-memory build, compiled once per process. */
let plainBuild: KernelBuild | null = null;
/** The shared-memory builds of thread pools (one per backend that started its threads). */
const sharedBuilds = new WeakMap<WebAssembly.Module, KernelBuild>();

function kernelModule(): KernelBuild {
  if (plainBuild === null) {
    const { module, variant, kernels } = instantiateKernels(false);
    plainBuild = buildOf(module, variant, kernels);
  }
  return plainBuild;
}

function sharedKernelModule(module: WebAssembly.Module, variant: string): KernelBuild {
  let build = sharedBuilds.get(module);
  if (build === undefined) {
    const memory = new WebAssembly.Memory({ initial: 32, maximum: 32, shared: true });
    build = buildOf(module, variant, new WebAssembly.Instance(module, kernelImports(memory)).exports as unknown as Kernels);
    sharedBuilds.set(module, build);
  }
  return build;
}

/**
 * When a threaded plan is dropped without being evicted (its compiled function is), its pool's
 * workers let go of its memory too (a callback the event loop runs after a collection).
 */
const detachOnFree = new FinalizationRegistry<{ pool: ThreadPool; id: number }>(({ pool, id }) => pool.detach(id));

/**
 * The executor of `plan` on the wasm backend, or null where the plan is not on it. `fusion`:
 * run element-wise chains as one pass each (see fuse.ts; off only to compare).
 */
export function wasmExecutable(plan: Plan, fusion = true): Executable | null {
  const backend = plan.backend;
  if (!(backend instanceof WasmBackend)) return null;
  let kernelBuild = kernelModule();
  if (kernelBuild.variant !== backend.variant) return null; // results must match the backend's build bit for bit
  // a lone op is a group where the threads would split it: as a plain kernel call it runs on one thread
  const block = kernelBuild.kernels.fusedBlock();
  const worth = (ops: readonly FusedOp[]): boolean => fusedWorth(ops) || (ops.length === 1 && aloneWorthThreads(ops[0]!, backend.threads, block));
  const groups = fusion ? elementwiseGroups(plan, fusedAccepts, worth) : [];
  // a product or convolution the backend would split over its threads, or a large element-wise chain or softmax: the plan's memory is shared with them
  let threaded = threadedBytes(plan, backend.threads, kernelBuild.kernels);
  const tasks = tasksScratch(plan, groups, backend.threads, kernelBuild.kernels);
  if (tasks !== null) threaded = { scratch: Math.max(threaded?.scratch ?? 0, tasks), specs: threaded?.specs ?? 0 };
  const parallel = threaded === null ? null : backend.threadPool();
  if (parallel === null) threaded = null;
  else kernelBuild = sharedKernelModule(parallel.module, backend.variant);
  const layout = planLayout(plan, kernelBuild.heapBase, optimizerStateBuffers(plan), groups);
  const matmulScratch = layout.bytes;
  const rowScratch = matmulScratch + kernelBuild.matmulScratch;
  const fusedScratch = rowScratch + maxRowBytes(plan);
  const windowScratch = fusedScratch + kernelBuild.fusedScratch;
  // then scalars, fused programs, window specs and optimizers' temporaries, handed out by reserve()
  const window = windowBytes(plan);
  const rowKernelAcc = windowScratch + window.scratch;
  const threadScratch = Math.ceil((rowKernelAcc + Math.max(rowKernelScratch(plan), logsumexpScratch(plan))) / 64) * 64;
  let reserved = threadScratch + (threaded?.scratch ?? 0);
  const programBytes = groups.reduce((sum, group) => sum + group.ops.length * INSTRUCTION_BYTES, 0);
  // a scalar or a strided copy's shape, strides and counters (≤ 12 · 32 bytes) per node
  const end = reserved + 384 * plan.nodes.length + programBytes + window.specs + (threaded?.specs ?? 0) + optimizerTemporariesScratch(plan) + 64;
  const pages = Math.ceil(end / 65536);
  const memory = threaded === null ? new WebAssembly.Memory({ initial: pages }) : new WebAssembly.Memory({ initial: pages, maximum: pages, shared: true });
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
  let threading: Threading | null = null;
  if (parallel !== null) {
    const on = parallel.pool.attach(memory, k);
    threading = { pool: parallel.pool, on, threads: backend.threads, scratch: threadScratch };
  }
  const context: StepContext = { k, ptr, has: (ref) => layout.offsets.has(ref), rowScratch, matmulScratch, fusedScratch, windowScratch, rowKernelAcc, scalar: () => reserve(8), reserve, memory, threading };
  const steps: (() => void)[] = [];
  const groupAt = new Map(groups.map((group) => [group.start, group]));
  const slots: GroupSlot[] = [];
  const labels: string[] = [];
  for (let i = 0; i < plan.nodes.length; i++) {
    const group = groupAt.get(i);
    if (stepTiming.enabled) labels.push(stepLabel(plan.nodes[i]!, group));
    if (group === undefined) {
      steps.push(stepOf(plan.nodes[i]!, context, backend, views));
      continue;
    }
    const program = reserve(group.ops.length * INSTRUCTION_BYTES);
    // a group split over the threads stays on the kernels' interpreter, which every thread has
    const threadedGroup = fusedThreadedStep(group, program, context);
    if (threadedGroup === null) slots.push({ group, index: steps.length });
    steps.push(threadedGroup ?? fusedStep(group, program, context));
    i = group.end - 1;
  }
  const timed = stepTiming.enabled ? timeSteps(steps, labels) : null;
  // the groups as generated code (wasm-generated.ts): at once, never, or once the plan has replayed a while
  let afterReplay = timed === null ? planCodegen(slots, steps, context, kernelBuild.kernels.fusedBlock()) : null;
  const exposed = layout.exposed;
  const bind = inputBinder(plan, views);
  const noOutputs = plan.outputs.length === 0 && (typeof plan.template !== "object" || plan.template === null);
  const tuner = threading === null ? null : new ThreadTuner();
  const run: Executable = (args, makeOutput) => {
    for (let i = 0; i < exposed.length; i++) moveIn(exposed[i]!);
    bind(args);
    const began = afterReplay === null ? 0 : performance.now();
    if (timed !== null) timed.replays++;
    if (tuner === null) for (let i = 0; i < steps.length; i++) steps[i]!();
    else {
      const pool = threading!.pool;
      const solo = tuner.next();
      const joined = pool.joined;
      const start = performance.now();
      pool.solo = solo;
      try {
        for (let i = 0; i < steps.length; i++) steps[i]!();
      } finally {
        pool.solo = false;
      }
      tuner.record(solo, performance.now() - start, pool.joined !== joined);
    }
    // after the replay, so that the next one runs the generated steps
    if (afterReplay !== null && afterReplay(performance.now() - began)) afterReplay = null;
    return noOutputs ? plan.template : fillTemplate(plan.template, plan.outputs.map(makeOutput));
  };
  if (threading !== null) {
    const { pool, on } = threading;
    detachOnFree.register(run, { pool, id: on.id }, on);
    run.release = () => {
      if (detachOnFree.unregister(on)) pool.detach(on.id);
    };
  }
  return run;
}

/**
 * Copies each tensor argument into the plan buffer it is read from, as bindInputs does, but a
 * dense argument in one block copy from its array, so a replay allocates nothing for it (the
 * backend's copyStrided makes a view of it first); a strided view goes through copyStrided.
 */
function inputBinder(plan: Plan, views: Map<DataRef, JsBuffer["data"]>): (args: readonly unknown[]) => void {
  const targets = plan.inputs.map((ref) => (ref === null ? null : views.get(ref)!));
  return (args) => {
    for (let i = 0; i < targets.length; i++) {
      const target = targets[i];
      if (target === null || target === undefined) continue;
      const input = args[i] as Tensor;
      const source = input.storage.ref;
      if (input.storage.staleFor === null && source instanceof JsBuffer && source.dtype === plan.inputs[i]!.dtype && source.size === target.length && input.isContiguous) target.set(source.data);
      else bindInput(plan.backend, plan.inputs[i]!, input);
    }
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
  /** The row kernels' scratch: layer norm's f64 rows (wasm-rows.ts), logsumexp's temporaries (wasm-logsumexp.ts). */
  readonly rowKernelAcc: number;
  readonly scalar: () => number;
  /** `bytes` of the plan's memory for good (a kernel's constants), 8-byte aligned. */
  readonly reserve: (bytes: number) => number;
  readonly memory: WebAssembly.Memory;
  /** The thread pool the plan's (shared) memory is attached to; null where the plan runs on one thread. */
  readonly threading: Threading | null;
}

/** One node as a closure over precomputed addresses. */
function stepOf(node: PlanNode, context: StepContext, backend: WasmBackend, views: Map<DataRef, JsBuffer["data"]>): () => void {
  switch (node.kind) {
    case "kernel": {
      const indexed = indexedStep(node.name, node.args, context, views);
      if (indexed !== null) return indexed; // checks its index as it converts it
      const direct = threadedStep(node.name, node.args, context) ?? directKernel(node.name, node.args, context, backend) ?? windowStep(node.name, node.args, context) ?? rowStep(node.name, node.args, context) ?? copyStep(node.name, node.args, context) ?? batchNormStep(node.name, node.args, context) ?? logsumexpStep(node.name, node.args, context, backend);
      const run = direct ?? audited(node.name, () => void node.run.apply(backend, node.args as unknown[]));
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
      // audited whole: an update the plan cannot make at its addresses runs eager ops (through the arena)
      if (node.name !== "optimizer.step()") return audited(node.name, node.run);
      return audited(node.name, optimizerStep(node.target, node.run, context, backend));
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
