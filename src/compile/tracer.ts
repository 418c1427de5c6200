/**
 * Traces one call of a compiled function: runs it eagerly on private copies of its tensor
 * arguments while every kernel call on the backend is recorded, and builds the {@link Plan}
 * that replays it. Eager mode does all the work (shapes, dtypes, broadcasting, autograd); the
 * plan keeps only what reached the backend, and the host-side calls that must run each time.
 */
import type { Backend, DataRef } from "../backend/backend.js";
import { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import { Generator } from "../tensor/random.js";
import { Module } from "../nn/module.js";
import { Optimizer } from "../optim/optimizer.js";
import { LRScheduler } from "../optim/lr-scheduler.js";
import type { IndexCheck, KernelFunction, OutputView, Plan } from "./plan.js";
import { TraceError } from "./trace-error.js";
import { moduleGuards, outputTemplate, reachableLeaves } from "./trace-results.js";
import { Patches, backendMethodNames } from "./trace-hooks.js";
import { TraceState } from "./trace-state.js";

export { TraceError };

let active: Tracer | null = null;

/** Whether a compiled function is being traced now (a compiled function called inside it then just runs). */
export function isTracing(): boolean {
  return active !== null;
}

/** Kernels taking an index buffer (argument 1) into an axis of size argument 3: checked on replay. */
const INDEX_KERNELS = new Set(["gather", "indexSelect", "scatter", "scatterAdd"]);

/** The tracer of one call: the library methods it patches (kernels, random draws, host calls, backward, reads) record into its {@link TraceState}. */
class Tracer extends TraceState {
  kernel(name: string, original: KernelFunction): KernelFunction {
    const tracer = this;
    return function (this: Backend, ...args: unknown[]): unknown {
      // a traced pass's spent gradients stay as they are: the plan is built from those buffers
      // (and their storages no longer free them: the plan gives them back, see releaseSpent)
      if (name === "recycle") return void tracer.spent.push(args[0] as DataRef);
      if (!tracer.recording) return original.apply(this, args);
      // the methods these call on the backend (a device backend's own checks) are theirs, not plan nodes
      const nested = () => tracer.nested(() => original.apply(this, args));
      if (name === "free") return nested();
      if (name === "allocate") {
        const ref = nested() as DataRef;
        tracer.owned.add(ref);
        return ref;
      }
      if (name === "fromValues") return tracer.hostValues(args[0] as ArrayLike<number>, nested);
      if (name === "read" || name === "readAsync" || name === "peek") {
        tracer.hostRead();
        return nested();
      }
      tracer.noPendingDraws(name);
      tracer.snapshot(args);
      tracer.depth++;
      let result: unknown;
      try {
        result = original.apply(this, args);
      } finally {
        tracer.depth--;
      }
      const indexCheck: IndexCheck | undefined = INDEX_KERNELS.has(name) ? { op: name, index: args[1] as DataRef, axisSize: args[3] as number } : undefined;
      tracer.nodes.push(indexCheck === undefined ? { kind: "kernel", name, run: original, args } : { kind: "kernel", name, run: original, args, indexCheck });
      return result;
    };
  }

  draw(kind: string, original: (this: unknown, ...args: unknown[]) => unknown): (this: unknown, ...args: unknown[]) => unknown {
    const tracer = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      if (tracer.suspended > 0 || tracer.drawDepth > 0) return original.apply(this, args);
      if (!tracer.savedGenerators.has(this as Generator)) tracer.savedGenerators.set(this as Generator, { ...(this as Generator) });
      tracer.drawDepth++;
      try {
        const value = original.apply(this, args);
        tracer.draws.push({ generator: this as Generator, kind, value: value as number });
        return value;
      } finally {
        tracer.drawDepth--;
      }
    };
  }

  /** A library call replayed as a call: recorded as a host node, its kernels left out of the plan. */
  hostCall(label: string, original: (this: unknown, ...args: unknown[]) => unknown, after?: (self: unknown) => void): (this: unknown, ...args: unknown[]) => unknown {
    const tracer = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      if (!tracer.recording) return original.apply(this, args);
      const self = this;
      tracer.nodes.push({ kind: "host", name: label, run: () => void original.apply(self, args), target: self });
      tracer.suspended++;
      try {
        return original.apply(this, args);
      } finally {
        tracer.suspended--;
        after?.(self);
      }
    };
  }

  /** Tensor.backward: refuses accumulation, and notes the `.grad` every reached leaf gets. */
  backward(original: (this: unknown, ...args: unknown[]) => unknown): (this: unknown, ...args: unknown[]) => unknown {
    const tracer = this;
    return function (this: unknown, ...args: unknown[]): unknown {
      const root = this as Tensor;
      // a graph already used: eager backward's own error ("… a second time …, pass { retainGraph: true }")
      if (!tracer.recording || (root.gradFn !== null && root.gradFn.rule === null)) return original.apply(this, args);
      const leaves = reachableLeaves(root);
      for (const leaf of leaves) {
        if (leaf.grad !== null) {
          throw new TraceError(
            `compile: backward() inside the compiled function would accumulate into the existing .grad of a tensor of shape [${leaf.shape.join(", ")}], which a replayed plan cannot do; clear gradients first inside the function (optimizer.zeroGrad() before backward()), or call backward() once per call`,
          );
        }
        if (!tracer.cleared.has(leaf)) tracer.leavesToBeNull.add(leaf);
      }
      const result = original.apply(this, args);
      const withGrad = leaves.filter((leaf) => leaf.grad !== null);
      tracer.nodes.push({ kind: "grads", leaves: withGrad, grads: withGrad.map((leaf) => leaf.grad!) });
      return result;
    };
  }

  reading(name: string, original: (this: unknown, ...args: unknown[]) => unknown): (this: unknown, ...args: unknown[]) => unknown {
    const tracer = this;
    // on a device backend the synchronous reads throw before reaching it: say compile's error (and undo) first
    const synchronous = !tracer.backend.readsSynchronously && ["item()", "toArray()", "toTypedArray()"].includes(name);
    return function (this: unknown, ...args: unknown[]): unknown {
      const previous = tracer.readName;
      tracer.readName ??= name;
      try {
        if (synchronous && tracer.recording) tracer.hostRead();
        return original.apply(this, args);
      } finally {
        tracer.readName = previous;
      }
    };
  }

  install(patches: Patches): void {
    for (const name of backendMethodNames(this.backend)) patches.method(this.backend, name, (original) => this.kernel(name, original as KernelFunction) as (this: unknown, ...args: unknown[]) => unknown);
    for (const kind of ["uniform", "normal", "integer", "permutation", "nextUint32"]) patches.method(Generator.prototype, kind, (original) => this.draw(kind, original));
    patches.method(Module.prototype, "call", (original) => {
      const tracer = this;
      return function (this: unknown, ...args: unknown[]): unknown {
        const module = this as Module<unknown[], unknown>;
        if (tracer.suspended === 0 && !tracer.modules.has(module)) tracer.modules.set(module, module.training);
        return original.apply(this, args);
      };
    });
    const clearedBy = (params: () => Tensor[]) => () => params().forEach((p) => p.grad === null && this.cleared.add(p));
    patches.method(Optimizer.prototype, "step", (original) => this.hostCall("optimizer.step()", original));
    patches.method(Optimizer.prototype, "zeroGrad", (original) =>
      this.hostCall("optimizer.zeroGrad()", original, (self) => clearedBy(() => (self as Optimizer<{ lr: number }, unknown>).paramGroups.flatMap((group) => group.params))()),
    );
    patches.method(Module.prototype, "zeroGrad", (original) => this.hostCall("module.zeroGrad()", original, (self) => clearedBy(() => (self as Module<unknown[], unknown>).parameters())()));
    patches.method(LRScheduler.prototype, "step", (original) => this.hostCall("scheduler.step()", original));
    patches.method(Tensor.prototype, "backward", (original) => this.backward(original));
    for (const name of ["item", "toArray", "toTypedArray", "data", "array"]) patches.method(Tensor.prototype, name, (original) => this.reading(`${name}()`, original));
  }
}

/** Runs `fn` once on copies of `args`, recording the plan that replays it. */
export function tracePlan(fn: (...args: unknown[]) => unknown, args: readonly unknown[], backend: Backend): Plan {
  if (active !== null) throw new TraceError("compile: already tracing");
  if (backend.needsFree === true && backend.retain === undefined) throw new TraceError(`compile: the ${backend.name} backend frees buffers from finalizers, which compile does not support yet`);
  const tracer = new Tracer(backend);
  // private copies: replays write each call's data into them, never into the caller's tensors
  const inputs: (DataRef | null)[] = [];
  const callArgs = args.map((arg) => {
    if (!(arg instanceof Tensor)) return (inputs.push(null), arg);
    const ref = backend.allocate(arg.size, arg.dtype);
    backend.copyStrided(arg.stridedRef(), arg.shape, ref);
    tracer.owned.add(ref);
    inputs.push(ref);
    return new Tensor(new Storage(backend, ref), arg.shape);
  });
  const patches = new Patches();
  let result: unknown;
  active = tracer;
  try {
    tracer.install(patches);
    result = fn(...callArgs);
    tracer.noPendingDraws("the end of the function");
  } catch (error) {
    patches.restore();
    if (error instanceof TraceError) tracer.undo();
    releaseSpent(tracer, backend);
    throw error;
  } finally {
    patches.restore();
    active = null;
  }
  if (typeof (result as { then?: unknown } | null)?.then === "function") {
    throw new TraceError("compile: the function returned a Promise; a compiled function must be synchronous (await outside it)");
  }
  const outputs: OutputView[] = [];
  const template = outputTemplate(result, outputs, backend);
  const spent = backend.needsFree === true ? [] : tracer.spent.filter((ref) => tracer.owned.has(ref));
  const plan: Plan = { backend, inputs, nodes: tracer.nodes, owned: tracer.owned, spent, template, outputs, modules: moduleGuards(tracer.modules, backend), leavesToBeNull: [...tracer.leavesToBeNull] };
  // the plan's buffers outlive the traced tensors that made them (a backend freeing from finalizers)
  backend.retain?.(tracer.owned, plan);
  releaseSpent(tracer, backend);
  return plan;
}

/**
 * The spent gradients of a traced backward pass, given back where the backend frees buffers
 * (WebGPU): autograd has already unregistered their storages' finalizers, so without this
 * nothing would ever free them, and every compiled function dropped left them in use. Freed
 * after the plan retained them, they go back to the pool when the plan is collected (at once
 * where the trace failed). On typed-array backends the plan lists them (Plan.spent): compile()
 * recycles them once it knows the plan will not run (a first trace, which the second one
 * replaces).
 */
function releaseSpent(tracer: Tracer, backend: Backend): void {
  if (backend.needsFree !== true) return;
  for (const ref of tracer.spent) if (tracer.owned.has(ref)) backend.free(ref);
  tracer.spent.length = 0;
}
