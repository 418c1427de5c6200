import type { Backend } from "../backend/backend.js";
import { activeBackend } from "../backend/registry.js";
import { isGradEnabled } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor/tensor.js";
import { checkLeavesClear, guardsHold, replayPlan, type OutputView, type Plan } from "./plan.js";
import { isTracing, tracePlan } from "./tracer.js";
import { wasmExecutable, type Executable } from "./wasm-executor.js";
import { webGpuExecutable } from "./webgpu-executor.js";
import { planDifference } from "./plan-compare.js";

/** Options of {@link compile}. */
export interface CompileOptions {
  /** How many traced plans to keep (default 8); the least recently used one goes first. */
  cacheSize?: number;
  /**
   * How plans run: "auto" (default) places them in WebAssembly memory and calls the kernels
   * there on the wasm backend, encodes them into one command buffer per call on webgpu, and
   * goes through the backend's methods elsewhere;
   * "interpreter" always goes through the backend's methods (for comparison and debugging).
   */
  executor?: "auto" | "interpreter";
  /**
   * Whether the WebAssembly executor runs chains of element-wise kernels (bias + activation,
   * a loss and its gradient) as one pass each (default true; false to compare).
   */
  fusion?: boolean;
  /** Where warnings go (a cache that thrashes, a signature that runs eagerly; default `console.warn`). */
  onWarning?: (message: string) => void;
}

/** How often a compiled function traced and replayed (for tests and tuning). */
export interface CompileStats {
  traces: number;
  replays: number;
  /** Calls run eagerly because two traces of their signature differed (see the warning). */
  eager: number;
  /** Plans dropped from the cache to make room for new signatures. */
  evictions: number;
}

/** A function made by {@link compile}: the same call signature, plus its counters. */
export type CompiledFunction<Args extends unknown[], Result> = ((...args: Args) => Result) & { readonly stats: Readonly<CompileStats> };

/**
 * Compiles `fn`, a training step or an inference function over tensors, into a function with
 * the same signature that traces `fn` on its first two calls and replays the recorded kernels
 * on later calls with the same signature, skipping the eager engine's per-op work (graph
 * recording, shape checks, allocation). The two traces must agree: a signature whose calls
 * do different work (a number computed in JavaScript that changes) runs eagerly, with a warning.
 *
 * The signature is the input shapes and dtypes, the plain-value arguments, the grad mode, and,
 * checked as guards, the train/eval flags and the parameters of the modules `fn` called; a call
 * with another signature traces again (up to `cacheSize` plans are kept). A replay leaves
 * parameters, their `.grad`, optimizer state and the returned tensors as eager execution
 * would: `optimizer.step()`, `zeroGrad()` and `scheduler.step()` inside `fn` run again on every
 * call (so learning-rate and momentum changes take effect), dropout draws fresh masks from the
 * generator, and returned tensors are fresh copies. Reading tensor data inside `fn` (`item()`,
 * `toArray()`) is an error at trace time: return the tensor and read it outside. See
 * docs/compile.md for what retraces and what is an error.
 *
 * @example
 * ```ts
 * import { compile, nn, optim, tensor, type Tensor } from "nabla";
 * const model = new nn.Linear(2, 1);
 * const optimizer = new optim.SGD(model.parameters(), { lr: 0.1 });
 * const step = compile((x: Tensor, y: Tensor) => {
 *   optimizer.zeroGrad();
 *   const loss = nn.functional.mseLoss(model.call(x), y);
 *   loss.backward();
 *   optimizer.step();
 *   return loss;
 * });
 * const x = tensor([[1, 2], [3, 4]]);
 * const y = tensor([[1], [2]]);
 * for (let i = 0; i < 3; i++) step(x, y);
 * console.log(step.stats); // { traces: 2, replays: 1, eager: 0, evictions: 0 }
 * ```
 */
export function compile<Args extends unknown[], Result>(fn: (...args: Args) => Result, options: CompileOptions = {}): CompiledFunction<Args, Result> {
  if (typeof fn !== "function") throw new Error(`compile: expected a function, got ${fn === null ? "null" : typeof fn}`);
  const cacheSize = options.cacheSize ?? 8;
  if (!Number.isInteger(cacheSize) || cacheSize < 1) throw new Error(`compile: cacheSize must be an integer ≥ 1, got ${String(cacheSize)}`);
  const warn = options.onWarning ?? ((message: string) => console.warn(message));
  const stats: CompileStats = { traces: 0, replays: 0, eager: 0, evictions: 0 };
  /** Plans by signature key, the most recently used last. */
  const cache = new Map<string, Entry[]>();
  let planCount = 0;
  let warned = false;
  // a training loop calls with the same tensors (or ones of one shape) again and again: the key
  // of the last call's arguments is reused while they are the same objects (a tensor's shape
  // and dtype never change) in the same grad mode, so a replay builds no string
  let lastArgs: readonly unknown[] = [];
  let lastGrad = false;
  let lastKey = "";
  let lastBackend: Backend | null = null;
  /** The tensors among the last call's arguments (only their requiresGrad can change while they are the same objects). */
  let lastTensors: readonly Tensor[] = [];
  /** The key last moved to the cache's end (a replay of it need not move it again). */
  let mostRecent: string | null = null;
  const outputMakers = new Map<Backend, (view: OutputView) => Tensor>();
  const outputMaker = (backend: Backend): ((view: OutputView) => Tensor) => {
    let maker = outputMakers.get(backend);
    if (maker === undefined) outputMakers.set(backend, (maker = makeOutput(backend)));
    return maker;
  };

  const compiled = (...args: Args): Result => {
    // inside another compiled function's trace: run, so its kernels join that trace
    if (isTracing()) return fn(...args);
    if (args.length < fn.length) throw new Error(`compile: the compiled function takes ${fn.length} argument${fn.length === 1 ? "" : "s"}, got ${args.length}`);
    // Everything here runs on every call, and a compiled step's first few hundred calls run in
    // V8's interpreter while it optimizes them on worker threads (on two cores, beside this
    // thread): so a call with the same arguments as the last checks as little as it can. W2's
    // 900 timed steps (`node --import tsx bench/nabla-worker.ts wasm compiled W2`, 20 alternating
    // processes each): a median of 54 thousand a second with this function's checks, the module
    // guards' and the fallback audit's as they were, 82 with them cut out (an experiment, not
    // correct), and in another batch 62 as they were and 78 as they are now.
    const grad = isGradEnabled();
    let key = lastKey;
    let backend = lastBackend!;
    // (without tensor arguments the backend is the active one, which may have changed)
    if (lastTensors.length === 0 || grad !== lastGrad || !sameItems(args, lastArgs)) {
      backend = inputBackend(args);
      key = signature(args);
      lastArgs = args;
      lastGrad = grad;
      lastKey = key;
      lastBackend = backend;
      lastTensors = args.filter((arg): arg is Tensor => arg instanceof Tensor);
    } else {
      for (let i = 0; i < lastTensors.length; i++) if (lastTensors[i]!.requiresGrad) inputBackend(args); // throws, naming the argument
    }
    const plans = cache.get(key);
    if (plans !== undefined) {
      for (let i = 0; i < plans.length; i++) {
        const entry = plans[i]!;
        if (entry.plan.backend !== backend || !guardsHold(entry.plan)) continue;
        if (key !== mostRecent) {
          // least recently used first: the key moves to the end (a Map keeps insertion order)
          cache.delete(key);
          cache.set(key, plans);
          mostRecent = key;
        }
        if (entry.run === "eager") {
          stats.eager++;
          return fn(...args);
        }
        if (entry.plan.leavesToBeNull.length > 0) checkLeavesClear(entry.plan);
        if (entry.run !== null) {
          stats.replays++;
          return entry.run(args, outputMaker(backend)) as Result;
        }
        return traceAgain(entry, args, backend, key);
      }
    }
    return traceFirst(args, backend, key, plans);
  };

  // the paths that trace, out of the function above: it runs on every call, and V8 optimizes
  // (and in a compiled step's first calls, interprets) a smaller function faster

  /** The second call of a signature traces again: a plan is used only if both traces agree. */
  const traceAgain = (entry: Entry, args: Args, backend: Backend, key: string): Result => {
    const second = tracePlan(fn as (...args: unknown[]) => unknown, args, backend);
    stats.traces++;
    const difference = planDifference(entry.plan, second);
    entry.plan = second;
    if (difference === null) entry.run = executable(second, options.executor ?? "auto", options.fusion ?? true);
    else {
      entry.run = "eager";
      warn(`compile: two calls with the same signature (${key}) did different work, so this signature runs eagerly: ${difference}. A value computed in JavaScript inside the function changes between calls; pass it as an argument (a tensor), or compute it outside`);
    }
    const result = replayOutputs(second);
    if (entry.run === "eager") recycleSpent(second);
    return result as Result;
  };

  /** A signature's first call: traced, its plan cached (the least recently used one evicted when full). */
  const traceFirst = (args: Args, backend: Backend, key: string, plans: Entry[] | undefined): Result => {
    const plan = tracePlan(fn as (...args: unknown[]) => unknown, args, backend);
    stats.traces++;
    const list = plans ?? [];
    list.push({ plan, run: null });
    cache.delete(key);
    cache.set(key, list);
    mostRecent = key;
    if (++planCount > cacheSize) {
      evictOldest(cache);
      planCount--;
      stats.evictions++;
      if (stats.evictions >= cacheSize && !warned) {
        warned = true;
        warn(
          `compile: ${stats.traces} signatures traced and ${stats.evictions} plans evicted (cacheSize ${cacheSize}); input shapes, dtypes or plain-value arguments change from call to call (the last: ${key}), and each new one is traced again, slower than eager mode. Keep them fixed (drop or pad a smaller last batch, pass changing numbers as tensors) or raise cacheSize`,
        );
      }
    }
    const result = replayOutputs(plan);
    // a first trace never runs (the second call traces again and runs that plan)
    recycleSpent(plan);
    return result as Result;
  };
  Object.defineProperty(compiled, "stats", { value: stats, enumerable: true });
  return compiled as CompiledFunction<Args, Result>;
}

/** How a confirmed plan runs: on the wasm executor where it can, else through the backend's methods. */
function executable(plan: Plan, mode: "auto" | "interpreter", fusion: boolean): Executable {
  return mode === "auto" ? (wasmExecutable(plan, fusion) ?? webGpuExecutable(plan) ?? interpreter(plan)) : interpreter(plan);
}

/**
 * Gives a plan's spent gradients (Plan.spent: nothing outside the plan reaches them) back to its
 * backend for reuse, once the plan will not run: the next trace then reuses their memory instead
 * of taking fresh pages, whose first writes cost more than the kernels that make the values.
 */
function recycleSpent(plan: Plan): void {
  const backend = plan.backend;
  if (backend.recycle === undefined) return;
  for (const ref of plan.spent) backend.recycle(ref);
}

/** The traced call's returned value, as fresh copies (the plan's buffers are rewritten by each replay). */
function replayOutputs(plan: Plan): unknown {
  return replayPlan({ ...plan, inputs: [], nodes: [] }, [], makeOutput(plan.backend));
}

function makeOutput(backend: Backend): (view: OutputView) => Tensor {
  return (view) => {
    const out = Tensor.empty(view.shape, view.ref.dtype, backend);
    backend.copyStrided({ ref: view.ref, offset: view.offset, strides: view.strides }, view.shape, out.storage.ref);
    return out;
  };
}

/** A traced plan and how it runs: null until a second trace confirmed it, "eager" if that differed. */
interface Entry {
  plan: Plan;
  run: Executable | null | "eager";
}

/** Runs a plan node by node through the backend's methods (any backend). */
function interpreter(plan: Plan): Executable {
  return (args, makeOutput) => replayPlan(plan, args, makeOutput);
}

function evictOldest(cache: Map<string, Entry[]>): void {
  const [key, plans] = cache.entries().next().value as [string, Entry[]];
  const evicted = plans.shift()!;
  if (typeof evicted.run === "function") evicted.run.release?.();
  if (plans.length === 0) cache.delete(key);
}

/** The backend of the tensor arguments (all on one), or the active one when there are none. */
function inputBackend(args: readonly unknown[]): Backend {
  let backend: Backend | null = null;
  let first = -1;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (!(arg instanceof Tensor)) continue;
    if (arg.requiresGrad) throw new Error(`compile: argument ${i} requires grad; compiled functions take inputs without gradients (parameters belong to the modules the function calls)`);
    if (backend === null) (backend = arg.backend), (first = i);
    else if (arg.backend !== backend) throw new Error(`compile: argument ${i} is on the ${arg.backend.name} backend and argument ${first} on ${backend.name}; move them to one backend`);
  }
  return backend ?? activeBackend();
}

/** Whether two argument lists hold the same values (the same objects, for tensors). */
function sameItems(args: readonly unknown[], last: readonly unknown[]): boolean {
  if (args.length !== last.length) return false;
  for (let i = 0; i < args.length; i++) if (args[i] !== last[i]) return false;
  return true;
}

/** The signature key: grad mode, each tensor's dtype and shape, each plain value. */
function signature(args: readonly unknown[]): string {
  let key = isGradEnabled() ? "grad" : "nograd";
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg instanceof Tensor) key += `|${arg.dtype}[${arg.shape.join(",")}]`;
    else if (typeof arg === "number" || typeof arg === "boolean" || arg === undefined || arg === null) key += `|${String(arg)}`;
    else if (typeof arg === "string") key += `|${JSON.stringify(arg)}`;
    else {
      const kind = Array.isArray(arg) ? "an array" : typeof arg === "object" ? `a ${arg.constructor?.name ?? "object"}` : `a ${typeof arg}`;
      throw new Error(`compile: argument ${i} is ${kind}; a compiled function takes tensors and plain values (numbers, strings, booleans): reach modules, optimizers and other objects from the function's closure`);
    }
  }
  return key;
}
