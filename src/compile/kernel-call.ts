/**
 * A plan step that is nothing but calls of kernel exports with arguments fixed when the plan is
 * built (addresses, sizes, op codes): a closure that makes the calls, which also says what they
 * are, so generated code (wasm-generated.ts) can make the same calls from WebAssembly and a run
 * of such steps costs one call from JavaScript instead of one each.
 */
import type { Kernels } from "../backend/wasm/wasm-module.js";

/** One call of a kernel export (booleans as the export takes them: 1 or 0). */
export interface KernelCall {
  readonly kernel: keyof Kernels;
  readonly args: readonly (number | boolean)[];
}

const described = new WeakMap<() => void, readonly KernelCall[]>();

/**
 * The step making `calls` in order on the kernel instance `k`.
 *
 * @example
 * ```ts
 * const step = kernelStep(k, { kernel: "fillF32", args: [at, 0, n] });
 * step(); // k.fillF32(at, 0, n)
 * callsOf(step); // [{ kernel: "fillF32", args: [at, 0, n] }]
 * ```
 */
export function kernelStep(k: Kernels, ...calls: KernelCall[]): () => void {
  const bound = calls.map(({ kernel, args }) => {
    const fn = k[kernel] as (...values: readonly (number | boolean)[]) => unknown;
    return () => void fn(...args);
  });
  const step = bound.length === 1 ? bound[0]! : () => bound.forEach((call) => call());
  described.set(step, calls);
  return step;
}

/** The calls a step made by {@link kernelStep} makes; undefined for any other step. */
export function callsOf(step: () => void): readonly KernelCall[] | undefined {
  return described.get(step);
}
