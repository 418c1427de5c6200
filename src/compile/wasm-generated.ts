/**
 * The plan's generated module: the fused groups the executor runs as generated code
 * (wasm-codegen.ts), all as functions of one module built and instantiated once when the plan
 * is, over the plan's memory (shared where the plan's is) and the kernel instance's exports.
 *
 * Which executor a group gets is {@link fusedCodegen}'s `mode`: "auto" picks per group (see
 * {@link chooseGenerated}), "interpreter" and "generated" force one (for tests and benchmarks).
 */
import type { Kernels } from "../backend/wasm/wasm-module.js";
import type { FusedGroup } from "./fuse.js";
import { encodeModule, type DefinedFunction } from "./wasm-binary.js";
import { generatable, groupFunction, KERNEL_IMPORTS } from "./wasm-codegen.js";
import type { StepContext } from "./wasm-executor.js";

/** Internal switch of the fused groups' executor, and a probe of the generated modules (benchmarks, tests). */
export const fusedCodegen: {
  mode: "auto" | "interpreter" | "generated";
  /** Called once per plan with a generated module: its groups, its size, the milliseconds spent generating and encoding it, and compiling and instantiating it. */
  onModule: ((report: { groups: number; bytes: number; encodeMilliseconds: number; compileMilliseconds: number }) => void) | null;
  /** Where set, the executor also builds the interpreter's step of each generated group and hands both here (to time them side by side). */
  onGroup: ((group: FusedGroup, interpreter: () => void, generated: () => void) => void) | null;
} = { mode: "auto", onModule: null, onGroup: null };

/**
 * Whether "auto" runs `group` as generated code. Placeholder policy until measured: every
 * group the generator can take.
 */
export function chooseGenerated(group: FusedGroup): boolean {
  return generatable(group);
}

/**
 * The steps of the groups that run as generated code, by group; the others are left to the
 * interpreter. Empty where nothing is chosen, or where the engine refuses to compile the
 * module synchronously (a browser's main thread above its size limit): the interpreter runs
 * those plans as before.
 */
export function generatedSteps(groups: readonly FusedGroup[], context: StepContext, block: number): Map<FusedGroup, () => void> {
  const steps = new Map<FusedGroup, () => void>();
  const mode = fusedCodegen.mode;
  const chosen = groups.filter((group) => generatable(group) && (mode === "generated" || (mode === "auto" && chooseGenerated(group))));
  if (chosen.length === 0) return steps;
  const started = performance.now();
  const { memory, k } = context;
  const constantAt = (dtype: FusedGroup["dtype"]) => (value: number): number => {
    const at = context.scalar();
    if (dtype === "float64") new Float64Array(memory.buffer, at, 1)[0] = value;
    else new Float32Array(memory.buffer, at, 1)[0] = value;
    return at;
  };
  const functions: DefinedFunction[] = chosen.map((group, i) => groupFunction(group, `g${i}`, { ptr: context.ptr, constantAt: constantAt(group.dtype), block }));
  const shared = typeof SharedArrayBuffer !== "undefined" && memory.buffer instanceof SharedArrayBuffer;
  const bytes = encodeModule({ memory: { pages: memory.buffer.byteLength / 65536, shared }, imports: KERNEL_IMPORTS, functions });
  let exports: WebAssembly.Exports;
  const encoded = performance.now();
  try {
    const module = new WebAssembly.Module(bytes);
    const kernels: Record<string, unknown> = {};
    for (const { name } of KERNEL_IMPORTS) kernels[name] = k[name as keyof Kernels];
    exports = new WebAssembly.Instance(module, { env: { memory }, kernels: kernels as WebAssembly.ModuleImports }).exports;
  } catch (error) {
    if (error instanceof RangeError) return steps; // synchronous compilation refused: the interpreter runs them
    throw error;
  }
  chosen.forEach((group, i) => steps.set(group, exports[`g${i}`] as () => void));
  fusedCodegen.onModule?.({ groups: chosen.length, bytes: bytes.length, encodeMilliseconds: encoded - started, compileMilliseconds: performance.now() - encoded });
  return steps;
}
