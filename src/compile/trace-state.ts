/**
 * What a trace has recorded so far (the plan's nodes and buffers, the modules called, the leaves
 * whose gradients it clears, the host random draws not yet used), and what it saved to put back
 * if it fails: the base of the Tracer in tracer.ts, which patches the library's methods
 * to fill it in.
 */
import type { Backend, DataArray, DataRef } from "../backend/backend.js";
import type { Tensor } from "../tensor/tensor.js";
import { Storage } from "../tensor/storage.js";
import type { Generator } from "../tensor/random.js";
import type { Module } from "../nn/module.js";
import { kernelRefs } from "./memory-plan.js";
import type { PlanNode } from "./plan.js";
import { TraceError } from "./trace-error.js";
import { valueChecks } from "../ops/operand.js";

/** The largest float32 below 1, where `rand` clamps a float32 draw (src/tensor/creation.ts). */
const BELOW_ONE_FLOAT32 = 1 - 2 ** -24;

interface Draw {
  readonly generator: Generator;
  readonly kind: string;
  readonly value: number;
}

/** The record of one trace in progress, and the values to put back if it fails. */
export abstract class TraceState {
  readonly nodes: PlanNode[] = [];
  /** Buffers made while tracing (the plan's own); every other buffer it touches belongs to a tensor outside. */
  readonly owned = new Set<DataRef>();
  /** Buffers autograd gave back during the trace (spent gradients), which the tracer kept for the plan. */
  readonly spent: DataRef[] = [];
  /** Kernels nested in a recorded kernel (the wasm backend calling its own methods) are part of it. */
  depth = 0;
  /** Inside a host call (optimizer.step …): its kernels are not recorded, it is replayed as a call. */
  suspended = 0;
  protected drawDepth = 0;
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

  /** Host values entering the plan: fresh random draws each call, or constants rewritten each call. */
  protected hostValues(values: ArrayLike<number>, fromValues: () => unknown): DataRef {
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
}
