/**
 * The plan's generated module: the fused groups the executor runs as generated code
 * (wasm-codegen.ts), and each run of steps that only call kernels (kernel-call.ts) as one
 * function making those calls, all in one module built and instantiated once per plan, over
 * the plan's memory (shared where the plan's is) and the kernel instance's exports.
 *
 * When ("auto", the default). Generated code beat the interpreter on every group of the bench
 * workloads' plans but one, where they tie (bench/fused-codegen.ts: each group's two steps on
 * the same memory, alternating, process CPU time per call; helper's numbers, under load):
 * bias + ReLU 1.8–4.5× (3200–32768 elements), ReLU's backward 2.4–3.5× (up to 802816
 * elements), W2's sigmoid/BCE chain 1.3× (its log and sigmoid stay kernel calls) and its
 * backward 6.6×, a scalar's chain of 64–1024 elements 7–12×, a bias of two classes 1.1×,
 * bias + GELU 1.15–1.24×, GELU's backward 0.9–1.16× (the called kernel is nearly all of it).
 * Per training step, the fused groups took (interpreter → generated, two runs): W1 13.6 → 3.8
 * and 14.5 → 4.1 µs, W2 18.7 → 13.1 and 21.7 → 14.1 µs, W3 47 → 15 and 68 → 27 µs, W5 1011 →
 * 344 and 889 → 314 µs, W6 13.7 → 12.8 and 14.8 → 13.5 ms. So every group the generator takes
 * is generated. What has to be earned back is the one-time cost per plan, measured in fresh
 * processes (W1, W2, W5, three each): generating and encoding 2.4–15 ms, median 3.7 (the
 * generator's JavaScript runs cold in a process's first plan; 0.6 ms warm), compiling and
 * instantiating 1.0–2.6 ms (on the machine at its busiest, outliers of 100–270 ms). At W2's
 * 6–8 µs a step that is several hundred replays; at W5's 0.6 ms, about ten. Whole W2 runs
 * (2000 steps, valgrind) counted 7.97–8.64 G instructions on the interpreter, 7.33–7.56 G
 * with "auto" (three each): more than the groups' timings account for (some 30 M), so a
 * direction, not a measure of the saving.
 * Hence a plan is generated once it has replayed {@link GENERATE_AFTER} times or spent
 * {@link GENERATE_AFTER_MILLISECONDS} replaying, whichever comes first: a plan that runs a few
 * times (an evaluation signature, a cache that thrashes) never pays, and a plan pays at most
 * about a fifth over the time it has already spent. The time bound is for large steps, which
 * reach it within a few replays: W6's step (14 ms; generating its module took 4–5 ms) was
 * generated on replay 50, after the bench's window of steps 6–40; with the time bound it is
 * generated on replay 1, and the window ran at a median of 57.2 steps/s against 55.6 before
 * (`node --import tsx bench/nabla-worker.ts wasm compiled W6`, 14 alternating processes each,
 * 50.0–64.5 and 52.0–59.2: a small gain in much noise; W5's window, 4 each: 3,430–3,550
 * images/s against 3,383–3,513).
 * "interpreter" and "generated" (at once, at plan build) are for tests and benchmarks.
 */
import { kernelModuleBytes, type Kernels } from "../backend/wasm/wasm-module.js";
import type { FusedGroup } from "./fuse.js";
import { Code, encodeModule, OP, VALUE, type DefinedFunction, type ImportedFunction, type ValueType } from "./wasm-binary.js";
import { callsOf, type KernelCall } from "./kernel-call.js";
import { encodable, exportedSignatures, type Signature } from "./wasm-signatures.js";
import { generatable, groupFunction } from "./wasm-codegen.js";
import { KERNEL_IMPORTS } from "./wasm-codegen-calls.js";
import type { StepContext } from "./wasm-executor.js";

/** Replays of a plan on the interpreter before "auto" generates its groups (see the file's comment). */
export const GENERATE_AFTER = 50;

/** Milliseconds of replays (summed) after which "auto" generates a plan's groups, if it has not yet (see the file's comment). */
export const GENERATE_AFTER_MILLISECONDS = 25;

/** Internal switch of the fused groups' executor, and probes of the generated modules (benchmarks, tests). */
export const fusedCodegen: {
  mode: "auto" | "interpreter" | "generated";
  /** "auto"'s bound on replay time ({@link GENERATE_AFTER_MILLISECONDS}), read at plan build: tests set it to pin when a plan is generated. */
  afterMilliseconds: number;
  /** Called once per plan with a generated module: its groups, its runs of kernel calls, its size, whether its memory is shared, the milliseconds spent generating and encoding it, and compiling and instantiating it. */
  onModule: ((report: { groups: number; segments: number; bytes: number; shared: boolean; encodeMilliseconds: number; compileMilliseconds: number }) => void) | null;
  /** Called with each group as it switches to generated code, with both steps (to time them side by side on the same memory). */
  onGroup: ((group: FusedGroup, interpreter: () => void, generated: () => void) => void) | null;
} = { mode: "auto", afterMilliseconds: GENERATE_AFTER_MILLISECONDS, onModule: null, onGroup: null };

/** A fused group's place in the executor's steps, which holds the interpreter's step until it is generated. */
export interface GroupSlot {
  readonly group: FusedGroup;
  readonly index: number;
}

/**
 * Arranges for the plan's steps to run as generated code, per {@link fusedCodegen}'s mode (read
 * now, at plan build): at once, never, or after the replay {@link GENERATE_AFTER} or
 * {@link GENERATE_AFTER_MILLISECONDS} of replays. The returned hook, if any, is called after
 * each replay with its milliseconds, and says true once it has generated (it is done). The groups in
 * `slots` become functions of their own, and each run of two or more steps that only call
 * kernels with fixed arguments (kernel-call.ts; generated groups among them) becomes one
 * function making those calls, so the run costs one call from JavaScript: `steps` is rewritten
 * in place. Returns null when there is nothing to call after the replays.
 */
export function planCodegen(slots: readonly GroupSlot[], steps: (() => void)[], context: StepContext, block: number): ((milliseconds: number) => boolean) | null {
  const mode = fusedCodegen.mode;
  const chosen = slots.filter((slot) => generatable(slot.group));
  if (mode === "interpreter" || (chosen.length === 0 && kernelRuns(steps, new Map()).length === 0)) return null;
  const install = (): void => {
    const replaced = generatedSteps(chosen, steps, context, block);
    if (replaced !== null) steps.splice(0, steps.length, ...replaced);
  };
  if (mode === "generated") {
    install();
    return null;
  }
  const afterMilliseconds = fusedCodegen.afterMilliseconds;
  let replays = 0;
  let spent = 0;
  return (milliseconds) => {
    spent += milliseconds;
    if (++replays < GENERATE_AFTER && spent < afterMilliseconds) return false;
    install();
    return true;
  };
}

/** What a step becomes in generated code: a call of a generated group, or kernel calls. */
type Item = { readonly group: number } | { readonly calls: readonly KernelCall[] };

/** The runs of two or more consecutive steps generated code can make, as [first, end) with their items. */
function kernelRuns(steps: readonly (() => void)[], groupAt: ReadonlyMap<number, number>): { start: number; end: number; items: Item[] }[] {
  const runs: { start: number; end: number; items: Item[] }[] = [];
  let items: Item[] = [];
  const close = (end: number): void => {
    if (items.length >= 2) runs.push({ start: end - items.length, end, items });
    items = [];
  };
  for (let i = 0; i < steps.length; i++) {
    const group = groupAt.get(i);
    const calls = callsOf(steps[i]!);
    if (group !== undefined) items.push({ group });
    else if (calls !== undefined && calls.every((call) => callable(call.kernel))) items.push({ calls });
    else close(i);
  }
  close(steps.length);
  return runs;
}

/** The kernels' export signatures (the same in every build), read from the module once. */
let kernelSignatures: Map<string, Signature> | null = null;

function signatureOf(kernel: string): Signature | undefined {
  kernelSignatures ??= exportedSignatures(kernelModuleBytes());
  return kernelSignatures.get(kernel);
}

/** Whether generated code can call `kernel`: an export whose types the encoder writes, returning nothing. */
function callable(kernel: string): boolean {
  const signature = signatureOf(kernel);
  return signature !== undefined && signature.results.length === 0 && encodable(signature.params);
}

/**
 * The replay's steps with the `chosen` groups and the runs of kernel calls as generated code,
 * or null where the engine refuses to compile the module synchronously (a browser's main thread
 * above its size limit, 4 KB in Chrome) even with the groups alone: the steps stay as they are.
 */
function generatedSteps(chosen: readonly GroupSlot[], steps: readonly (() => void)[], context: StepContext, block: number): (() => void)[] | null {
  const started = performance.now();
  const { memory } = context;
  const constantAt = (dtype: FusedGroup["dtype"]) => (value: number): number => {
    const at = context.scalar();
    if (dtype === "float64") new Float64Array(memory.buffer, at, 1)[0] = value;
    else new Float32Array(memory.buffer, at, 1)[0] = value;
    return at;
  };
  const groups = chosen.map((slot) => slot.group);
  const groupFunctions = groups.map((group, i) => groupFunction(group, `g${i}`, { ptr: context.ptr, constantAt: constantAt(group.dtype), block }));
  let runs = kernelRuns(steps, new Map(chosen.map((slot, i) => [slot.index, i])));
  let built = instantiate(groupFunctions, runs, context);
  if (built === null && runs.length > 0 && groups.length > 0) built = instantiate(groupFunctions, (runs = []), context); // the groups alone may pass
  if (built === null) return null;
  const { exports, bytes, encoded, shared } = built;
  const replaced = [...steps];
  chosen.forEach((slot, i) => {
    const generated = exports[`g${i}`] as () => void;
    fusedCodegen.onGroup?.(slot.group, steps[slot.index]!, generated);
    replaced[slot.index] = generated;
  });
  // each run's steps become its function, in place of the first (the rest are dropped below)
  const dropped = new Set<number>();
  runs.forEach((run, j) => {
    replaced[run.start] = exports[`s${j}`] as () => void;
    for (let i = run.start + 1; i < run.end; i++) dropped.add(i);
  });
  fusedCodegen.onModule?.({ groups: groups.length, segments: runs.length, bytes, shared, encodeMilliseconds: encoded - started, compileMilliseconds: performance.now() - encoded });
  return replaced.filter((_, i) => !dropped.has(i));
}

/**
 * The module of the group functions and one function per run, instantiated over the plan's
 * memory and kernels; null where the engine refuses to compile it synchronously.
 */
function instantiate(groupFunctions: readonly DefinedFunction[], runs: readonly { items: Item[] }[], context: StepContext): { exports: WebAssembly.Exports; bytes: number; encoded: number; shared: boolean } | null {
  const { memory, k } = context;
  // imports: the groups' kernels (their calls' indices), then each kernel the runs call
  const imports: ImportedFunction[] = [...KERNEL_IMPORTS];
  const importIndex = new Map(imports.map((fn, i) => [fn.name, i]));
  for (const run of runs) {
    for (const item of run.items) {
      if (!("calls" in item)) continue;
      for (const { kernel } of item.calls) {
        if (importIndex.has(kernel)) continue;
        const { params, results } = signatureOf(kernel)!;
        importIndex.set(kernel, imports.push({ module: "kernels", name: kernel, params: params as ValueType[], results: results as ValueType[] }) - 1);
      }
    }
  }
  const functions = [...groupFunctions];
  runs.forEach((run, j) => functions.push(segmentFunction(`s${j}`, run.items, imports.length, (kernel) => [importIndex.get(kernel)!, signatureOf(kernel)!.params as ValueType[]])));
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const bytes = encodeModule({ memory: { pages: memory.buffer.byteLength / 65536, shared }, imports, functions });
  const encoded = performance.now();
  try {
    const module = new WebAssembly.Module(bytes);
    const kernels: Record<string, unknown> = {};
    for (const { name } of imports) kernels[name] = k[name as keyof Kernels];
    return { exports: new WebAssembly.Instance(module, { env: { memory }, kernels: kernels as WebAssembly.ModuleImports }).exports, bytes: bytes.length, encoded, shared };
  } catch (error) {
    if (error instanceof RangeError) return null;
    throw error;
  }
}

/** A function making a run's calls in order: generated groups by index, kernels with their arguments as constants. */
function segmentFunction(name: string, items: readonly Item[], importCount: number, kernel: (name: string) => [number, readonly ValueType[]]): DefinedFunction {
  const body = new Code();
  for (const item of items) {
    if ("group" in item) {
      body.op(OP.call).u32(importCount + item.group);
      continue;
    }
    for (const call of item.calls) {
      const [index, params] = kernel(call.kernel);
      if (params.length !== call.args.length) throw new Error(`compile: ${call.kernel} takes ${params.length} arguments, the plan gives ${call.args.length} (an internal error)`);
      params.forEach((type, i) => {
        const value = Number(call.args[i]);
        if (type === VALUE.i32) body.op(OP.i32Const).i32(value);
        else if (type === VALUE.f32) body.op(OP.f32Const).float(value, 4);
        else if (type === VALUE.f64) body.op(OP.f64Const).float(value, 8);
        else throw new Error(`compile: ${call.kernel} takes a vector argument (an internal error)`);
      });
      body.op(OP.call).u32(index);
    }
  }
  return { name, params: [], results: [], locals: [], body };
}
