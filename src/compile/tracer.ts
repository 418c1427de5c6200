/**
 * Traces one call of a compiled function: runs it eagerly on private copies of its tensor
 * arguments while every kernel call on the backend is recorded, and builds the {@link Plan}
 * that replays it. Eager mode does all the work (shapes, dtypes, broadcasting, autograd); the
 * plan keeps only what reached the backend, and the host-side calls that must run each time.
 */
import type { Backend, DataArray, DataRef } from "../backend/backend.js";
import { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import { Generator } from "../tensor/random.js";
import { Module } from "../nn/module.js";
import { Optimizer } from "../optim/optimizer.js";
import { LRScheduler } from "../optim/lr-scheduler.js";
import { kernelRefs } from "./memory-plan.js";
import type { IndexCheck, KernelFunction, OutputView, Plan, PlanNode } from "./plan.js";
import { TraceError } from "./trace-error.js";
import { moduleGuards, outputTemplate, reachableLeaves } from "./trace-results.js";
import { Patches, backendMethodNames } from "./trace-hooks.js";
import { valueChecks } from "../ops/operand.js";

export { TraceError };

let active: Tracer | null = null;

/** Whether a compiled function is being traced now (a compiled function called inside it then just runs). */
export function isTracing(): boolean {
  return active !== null;
}

/** The largest float32 below 1, where `rand` clamps a float32 draw (src/tensor/creation.ts). */
const BELOW_ONE_FLOAT32 = 1 - 2 ** -24;

/** Kernels taking an index buffer (argument 1) into an axis of size argument 3: checked on replay. */
const INDEX_KERNELS = new Set(["gather", "scatter", "scatterAdd"]);

interface Draw {
  readonly generator: Generator;
  readonly kind: string;
  readonly value: number;
}

class Tracer {
  readonly nodes: PlanNode[] = [];
  /** Buffers made while tracing (the plan's own); every other buffer it touches belongs to a tensor outside. */
  readonly owned = new Set<DataRef>();
  /** Kernels nested in a recorded kernel (the wasm backend calling its own methods) are part of it. */
  depth = 0;
  /** Inside a host call (optimizer.step …): its kernels are not recorded, it is replayed as a call. */
  suspended = 0;
  private drawDepth = 0;
  draws: Draw[] = [];
  readonly modules = new Map<Module<unknown[], unknown>, boolean>();
  /** Leaves whose `.grad` a replayed zeroGrad clears before backward. */
  readonly cleared = new Set<Tensor>();
  readonly leavesToBeNull = new Set<Tensor>();
  /** The tensor method reading data now ("item()"), for the error. */
  readName: string | null = null;

  /** The values of buffers from outside before the trace's kernels touched them, and of the generators drawn from: put back if the trace fails. */
  private readonly saved = new Map<DataRef, DataArray | DataRef>();
  readonly savedGenerators = new Map<Generator, object>();
  private readonly read: (ref: DataRef) => DataArray | DataRef;

  constructor(readonly backend: Backend) {
    this.read = backend.read.bind(backend);
    if (!backend.readsSynchronously) {
      // a device backend reads asynchronously: the values are kept as a copy on the device
      // (a Storage, so the copy is freed with the tracer)
      const [allocate, copy] = [backend.allocate.bind(backend), backend.copyStrided.bind(backend)];
      const copies: Storage[] = [];
      this.read = (ref) => {
        const saved = allocate(ref.size, ref.dtype);
        copy({ ref, offset: 0, strides: [1] }, [ref.size], saved);
        copies.push(new Storage(backend, saved));
        return saved;
      };
    }
  }

  /** Notes the values of outside buffers a kernel is about to touch (the first time). */
  snapshot(args: readonly unknown[]): void {
    this.depth++; // a device backend's copy calls its own (listened) methods: not part of the plan
    try {
      for (const ref of kernelRefs(args)) {
        if (!this.owned.has(ref) && !this.saved.has(ref)) this.saved.set(ref, this.read(ref));
      }
    } finally {
      this.depth--;
    }
  }

  /** Undoes what a failed trace changed outside (parameters, running statistics, generators), so the call had no effect. */
  undo(): void {
    for (const [ref, values] of this.saved) {
      const source = ArrayBuffer.isView(values) ? this.backend.fromValues(values, ref.dtype) : values;
      this.backend.copyStrided({ ref: source, offset: 0, strides: [1] }, [ref.size], ref);
    }
    for (const [generator, state] of this.savedGenerators) Object.assign(generator, state);
  }

  /** Runs `fn` as part of the call being made (nothing it calls on the backend is recorded). */
  nested<T>(fn: () => T): T {
    this.depth++;
    try {
      return fn();
    } finally {
      this.depth--;
    }
  }

  get recording(): boolean {
    return this.depth === 0 && this.suspended === 0;
  }

  kernel(name: string, original: KernelFunction): KernelFunction {
    const tracer = this;
    return function (this: Backend, ...args: unknown[]): unknown {
      // a traced pass's spent gradients stay as they are: the plan is built from those buffers
      if (name === "recycle") return undefined;
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

  /** Host values entering the plan: fresh random draws each call, or constants rewritten each call. */
  private hostValues(values: ArrayLike<number>, fromValues: () => unknown): DataRef {
    const backend = this.backend;
    const ref = fromValues() as DataRef;
    this.owned.add(ref);
    if (this.draws.length === 0) {
      const source = fromValues() as DataRef;
      this.owned.add(source);
      if (backend.needsFree === true) new Storage(backend, source); // freed once the plan is gone, like its other buffers
      this.nodes.push({ kind: "values", ref, source });
      return ref;
    }
    const draws = this.draws;
    this.draws = [];
    const generator = draws[0]!.generator;
    const kind = draws[0]!.kind;
    const ceiling = ref.dtype === "float64" ? 1 : BELOW_ONE_FLOAT32;
    let same = draws.length === values.length && (kind === "uniform" || kind === "normal");
    for (let i = 0; same && i < draws.length; i++) {
      const draw = draws[i]!;
      same = draw.generator === generator && draw.kind === kind && values[i] === (kind === "uniform" ? Math.min(draw.value, ceiling) : draw.value);
    }
    if (!same) {
      throw new TraceError(
        `compile: random values were made on the host in a way a replay cannot repeat (${draws.length} draws of generator.${kind}() for ${values.length} values); compile replays rand() and randn() (dropout uses rand), so draw other random numbers outside the compiled function and pass them in as tensors`,
      );
    }
    this.nodes.push({ kind: "random", ref, draw: kind as "uniform" | "normal", ceiling, generator, values: new Float64Array(values.length) });
    return ref;
  }

  hostRead(): void {
    // an op checking values before using them (class targets, indices, probabilities): a
    // replayed gather/scatter checks its indices again (IndexCheck), the other checks run here only
    if (valueChecks.running > 0) return;
    const call = this.readName ?? "a host read";
    throw new TraceError(
      `compile: ${call} reads tensor data while the compiled function is traced, and a replayed call would reuse the value read now; return the tensor from the function and read it outside (const loss = step(x, y); loss.item()), or call the function without compile`,
    );
  }

  noPendingDraws(where: string): void {
    if (this.draws.length === 0) return;
    const draw = this.draws[0]!;
    this.draws = [];
    throw new TraceError(
      `compile: random numbers were drawn on the host (generator.${draw.kind}()) and used other than as tensor values (seen at ${where}); a replay would reuse them: draw them outside the compiled function and pass them in, or use tensor ops (rand, randn, dropout)`,
    );
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
  const plan: Plan = { backend, inputs, nodes: tracer.nodes, owned: tracer.owned, template, outputs, modules: moduleGuards(tracer.modules, backend), leavesToBeNull: [...tracer.leavesToBeNull] };
  // the plan's buffers outlive the traced tensors that made them (a backend freeing from finalizers)
  backend.retain?.(tracer.owned, plan);
  return plan;
}
