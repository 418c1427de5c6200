/**
 * An audit of the wasm executor's fallback: the nodes of a plan it runs through the backend's
 * own method rather than at plan addresses. Those are fine where the method is a TypeScript
 * loop over the plan's typed-array views (data movement, a loss's handful of values), and not
 * where it is a WebAssembly kernel: the method then copies its operands into the backend's
 * scratch arena and its results back out, on every replay, which the plan's memory exists to
 * avoid. Each fallback call counts, by node name, whether it started a call on an arena.
 *
 * Off unless {@link fallbackAuditing} is on when a plan is built (tests turn it on): the counting
 * wrapper is a closure more on every replay, and in a compiled step's first few hundred replays,
 * which V8 runs in its interpreter and then optimizes on worker threads, every such closure
 * counts (measured with the other per-call checks: compile.ts). Reading the audit while it is
 * off is an error, so a test that forgot to turn it on cannot pass on an empty audit.
 */
import { WasmArena } from "../backend/wasm/wasm-arena.js";

/** Replayed fallback calls of one node name, and how many of them copied through an arena. */
export interface FallbackCount {
  calls: number;
  arenaCalls: number;
}

const counts = new Map<string, FallbackCount>();

/** Whether plans built from now on count their fallback calls (read at plan build). @internal */
export const fallbackAuditing: { enabled: boolean } = { enabled: false };

/**
 * The fallback calls replayed since the last {@link clearFallbackAudit}, by node name (a
 * kernel's method name, or a host step's label such as "optimizer.step()").
 *
 * @internal
 * @example
 * ```ts
 * clearFallbackAudit();
 * for (let i = 0; i < 3; i++) step(x, y); // replays of a compiled step
 * const copied = [...fallbackAudit()].filter(([, c]) => c.arenaCalls > 0).map(([name]) => name);
 * ```
 */
export function fallbackAudit(): ReadonlyMap<string, Readonly<FallbackCount>> {
  if (!fallbackAuditing.enabled) throw new Error("fallbackAudit: auditing is off; set fallbackAuditing.enabled before the plans are built");
  return counts;
}

/** Forgets the calls counted so far. @internal */
export function clearFallbackAudit(): void {
  for (const count of counts.values()) count.calls = count.arenaCalls = 0;
}

/** `run` (a node through the backend's method), counted under `name` on each call while {@link fallbackAuditing} is on; else `run` itself. */
export function audited(name: string, run: () => void): () => void {
  if (!fallbackAuditing.enabled) return run;
  let count = counts.get(name);
  if (count === undefined) counts.set(name, (count = { calls: 0, arenaCalls: 0 }));
  const entry = count;
  return () => {
    const before = WasmArena.calls;
    run();
    entry.calls++;
    if (WasmArena.calls !== before) entry.arenaCalls++;
  };
}
