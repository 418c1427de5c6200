/**
 * A way to ask the JavaScript engine for a full garbage collection, where the runtime allows
 * one. Eager GPU tensors return their buffers to the pool from FinalizationRegistry callbacks,
 * and those run only after the engine collected the tensors; the engine paces its collections
 * by the JavaScript heap, which cannot see GPU memory. A training loop whose tensors are small
 * JavaScript objects over large GPU buffers would leave the pool growing between collections,
 * so the pool asks for one when its live bytes pass a high-water mark (gpu-buffer-pool.ts).
 *
 * Node has no public call for it; `v8.setFlagsFromString("--expose-gc")` followed by reading
 * `gc` in a new context gives the engine's own function (Jest's leak detector does the same).
 * In a browser there is none (unless the page runs with --js-flags=--expose-gc): there the
 * engine's own pacing, which also collects when the page is idle, is what returns buffers.
 */

/** The engine's full collection, or null where the runtime offers none. */
export async function findCollector(): Promise<(() => void) | null> {
  const exposed = (globalThis as { gc?: unknown }).gc;
  if (typeof exposed === "function") return exposed as () => void;
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (node === undefined) return null;
  try {
    // module names in variables: bundlers for the browser leave these imports alone
    const [v8Name, vmName] = ["node:v8", "node:vm"];
    const v8 = (await import(v8Name)) as { setFlagsFromString(flags: string): void };
    const vm = (await import(vmName)) as { runInNewContext(code: string): unknown };
    v8.setFlagsFromString("--expose-gc");
    const gc = vm.runInNewContext("gc");
    return typeof gc === "function" ? (gc as () => void) : null;
  } catch {
    return null;
  }
}
