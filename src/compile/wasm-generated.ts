/**
 * The plan's generated module: the fused groups the executor runs as generated code
 * (wasm-codegen.ts), all as functions of one module built and instantiated once per plan, over
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
 * Hence a plan is generated on its {@link GENERATE_AFTER}th replay: a plan that runs a few times
 * (an evaluation signature, a cache that thrashes) never pays, a training loop pays once, after
 * its warm-up (the bench's windows start at step 100 or later, so the cost falls before them).
 * "interpreter" and "generated" (at once, at plan build) are for tests and benchmarks.
 */
import type { Kernels } from "../backend/wasm/wasm-module.js";
import type { FusedGroup } from "./fuse.js";
import { encodeModule, type DefinedFunction } from "./wasm-binary.js";
import { generatable, groupFunction } from "./wasm-codegen.js";
import { KERNEL_IMPORTS } from "./wasm-codegen-calls.js";
import type { StepContext } from "./wasm-executor.js";

/** Replays of a plan on the interpreter before "auto" generates its groups (see the file's comment). */
export const GENERATE_AFTER = 50;

/** Internal switch of the fused groups' executor, and probes of the generated modules (benchmarks, tests). */
export const fusedCodegen: {
  mode: "auto" | "interpreter" | "generated";
  /** Called once per plan with a generated module: its groups, its size, whether its memory is shared, the milliseconds spent generating and encoding it, and compiling and instantiating it. */
  onModule: ((report: { groups: number; bytes: number; shared: boolean; encodeMilliseconds: number; compileMilliseconds: number }) => void) | null;
  /** Called with each group as it switches to generated code, with both steps (to time them side by side on the same memory). */
  onGroup: ((group: FusedGroup, interpreter: () => void, generated: () => void) => void) | null;
} = { mode: "auto", onModule: null, onGroup: null };

/** A fused group's place in the executor's steps, which holds the interpreter's step until it is generated. */
export interface GroupSlot {
  readonly group: FusedGroup;
  readonly index: number;
}

/**
 * Arranges for the plan's groups in `slots` to run as generated code, per {@link fusedCodegen}'s
 * mode (read now, at plan build): at once, never, or on the replay {@link GENERATE_AFTER}.
 * Returns what the executor calls before each replay, or null when there is nothing to call.
 */
export function planCodegen(slots: readonly GroupSlot[], steps: (() => void)[], context: StepContext, block: number): (() => void) | null {
  const mode = fusedCodegen.mode;
  const chosen = slots.filter((slot) => generatable(slot.group));
  if (chosen.length === 0 || mode === "interpreter") return null;
  const install = (): void => {
    const code = generatedSteps(chosen.map((slot) => slot.group), context, block);
    for (const { group, index } of chosen) {
      const generated = code.get(group);
      if (generated === undefined) continue;
      fusedCodegen.onGroup?.(group, steps[index]!, generated);
      steps[index] = generated;
    }
  };
  if (mode === "generated") {
    install();
    return null;
  }
  let replays = 0;
  return () => {
    if (++replays === GENERATE_AFTER) install();
  };
}

/**
 * The generated steps of `groups`, by group. Empty where the engine refuses to compile the
 * module synchronously (a browser's main thread above its size limit): the interpreter keeps them.
 */
function generatedSteps(groups: readonly FusedGroup[], context: StepContext, block: number): Map<FusedGroup, () => void> {
  const steps = new Map<FusedGroup, () => void>();
  const started = performance.now();
  const { memory, k } = context;
  const constantAt = (dtype: FusedGroup["dtype"]) => (value: number): number => {
    const at = context.scalar();
    if (dtype === "float64") new Float64Array(memory.buffer, at, 1)[0] = value;
    else new Float32Array(memory.buffer, at, 1)[0] = value;
    return at;
  };
  const functions: DefinedFunction[] = groups.map((group, i) => groupFunction(group, `g${i}`, { ptr: context.ptr, constantAt: constantAt(group.dtype), block }));
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const bytes = encodeModule({ memory: { pages: memory.buffer.byteLength / 65536, shared }, imports: KERNEL_IMPORTS, functions });
  const encoded = performance.now();
  let exports: WebAssembly.Exports;
  try {
    const module = new WebAssembly.Module(bytes);
    const kernels: Record<string, unknown> = {};
    for (const { name } of KERNEL_IMPORTS) kernels[name] = k[name as keyof Kernels];
    exports = new WebAssembly.Instance(module, { env: { memory }, kernels: kernels as WebAssembly.ModuleImports }).exports;
  } catch (error) {
    if (error instanceof RangeError) return steps; // synchronous compilation refused: the interpreter keeps them
    throw error;
  }
  groups.forEach((group, i) => steps.set(group, exports[`g${i}`] as () => void));
  fusedCodegen.onModule?.({ groups: groups.length, bytes: bytes.length, shared, encodeMilliseconds: encoded - started, compileMilliseconds: performance.now() - encoded });
  return steps;
}
