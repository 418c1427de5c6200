/**
 * A traced call of a compiled function: the kernel calls it made, in order, over the buffers
 * they touched, with the few host-side steps that must run again on every call (an optimizer's
 * step, zeroGrad, a scheduler's step, fresh random draws, `.grad` assignments). The plan knows
 * nothing of how it is executed: {@link replayPlan} here runs it on the backend it was traced
 * on, call by call; a device backend can submit the same list as one command buffer.
 */
import type { Backend, DataRef } from "../backend/backend.js";
import type { Module } from "../nn/module.js";
import { isParameter } from "../nn/parameter.js";
import type { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import type { Storage } from "../tensor/storage.js";

/** A backend method as recorded: called again with the same arguments on replay. */
export type KernelFunction = (this: Backend, ...args: unknown[]) => unknown;

/** One step of a plan. */
export type PlanNode =
  /** A kernel call; `indexCheck` validates an index buffer first (gather, scatter) as the eager op's host check would. */
  | { readonly kind: "kernel"; readonly name: string; readonly run: KernelFunction; readonly args: readonly unknown[]; readonly indexCheck?: IndexCheck }
  /** Host values written into a buffer (a number operand made a tensor, `tensor([...])` inside the function). */
  | { readonly kind: "values"; readonly ref: DataRef; readonly source: DataRef }
  /** Fresh random draws (`rand`/`randn`, behind dropout) from the generator, which advances as in eager mode. */
  | { readonly kind: "random"; readonly ref: DataRef; readonly draw: "uniform" | "normal"; readonly ceiling: number; readonly generator: Generator; readonly values: Float64Array }
  /** A call the plan cannot hold as kernels, made again as it was: optimizer.step(), zeroGrad(), scheduler.step(). */
  | { readonly kind: "host"; readonly name: string; readonly run: () => void; readonly target: unknown }
  /** The `.grad` each leaf got from a backward(): the same tensors, whose buffers the replayed kernels refill. */
  | { readonly kind: "grads"; readonly leaves: readonly Tensor[]; readonly grads: readonly Tensor[] };

/** Where a gather/scatter node's index lives and the size of the axis it indexes. */
export interface IndexCheck {
  readonly op: string;
  readonly index: DataRef;
  readonly axisSize: number;
}

/** A returned tensor as a view of a plan buffer. */
export interface OutputView {
  readonly ref: DataRef;
  readonly shape: readonly number[];
  readonly strides: readonly number[];
  readonly offset: number;
}

/** A module's direct parameters as traced: replaced, added, removed or frozen ones fail the guard. */
export interface ModuleGuard {
  readonly module: Module<unknown[], unknown>;
  readonly training: boolean;
  readonly names: readonly string[];
  readonly tensors: readonly Tensor[];
  readonly storages: readonly Storage[];
  readonly requiresGrad: readonly boolean[];
  /** The module's own enumerable keys when traced, in order, and their values then. */
  readonly keys: readonly string[];
  readonly values: readonly unknown[];
}

export interface Plan {
  readonly backend: Backend;
  /** For each argument, the plan buffer its data is copied into (null for a plain value). */
  readonly inputs: readonly (DataRef | null)[];
  readonly nodes: readonly PlanNode[];
  /** The buffers the plan made (inputs' copies, intermediates, gradients); the others belong to tensors outside (parameters). */
  readonly owned: ReadonlySet<DataRef>;
  /**
   * The trace's spent gradients (owned buffers autograd gave back, which nothing outside the
   * plan can reach) on a backend that takes buffers back for reuse (Backend.recycle); empty
   * where the backend frees them itself (tracer.ts, releaseSpent).
   */
  readonly spent: readonly DataRef[];
  /** The returned value with each tensor replaced by its index in `outputs`. */
  readonly template: unknown;
  readonly outputs: readonly OutputView[];
  /** The modules the function called, with what made the plan valid for them. */
  readonly modules: readonly ModuleGuard[];
  /**
   * Leaves whose `.grad` backward() writes without the function clearing it first: eager mode
   * would accumulate into a `.grad` left from the previous call, which a plan does not do.
   */
  readonly leavesToBeNull: readonly Tensor[];
}

/** Whether the modules still look as they did when `plan` was traced (else: trace again). */
export function guardsHold(plan: Plan): boolean {
  // (indexed loops: checked on every call, at first in V8's lower tiers, where for-of allocates)
  for (let m = 0; m < plan.modules.length; m++) {
    const guard = plan.modules[m]!;
    if (guard.module.training !== guard.training) return false;
    const fields = guard.module as unknown as Record<string, unknown>;
    for (let i = 0; i < guard.names.length; i++) {
      const tensor = guard.tensors[i]!;
      if (fields[guard.names[i]!] !== tensor || tensor.storage !== guard.storages[i] || tensor.requiresGrad !== guard.requiresGrad[i]) return false;
    }
    // No field may have become a parameter. With the keys as traced, only a field whose value
    // changed can have (Object.keys is one builtin call, where counting the parameters visits
    // every field in a loop, which a compiled step's first few hundred calls interpret).
    const keys = Object.keys(fields);
    if (!sameKeys(keys, guard.keys)) {
      if (parameterCount(fields) !== guard.names.length) return false;
      continue;
    }
    for (let i = 0; i < keys.length; i++) {
      const value = fields[keys[i]!];
      if (value !== guard.values[i] && isParameter(value)) return false;
    }
  }
  return true;
}

function sameKeys(keys: readonly string[], traced: readonly string[]): boolean {
  if (keys.length !== traced.length) return false;
  for (let i = 0; i < keys.length; i++) if (keys[i] !== traced[i]) return false;
  return true;
}

function parameterCount(fields: Record<string, unknown>): number {
  let count = 0;
  for (const key in fields) if (isParameter(fields[key])) count++;
  return count;
}

/** Throws if a leaf would have to accumulate into a `.grad` left over from an earlier call. */
export function checkLeavesClear(plan: Plan): void {
  for (let i = 0; i < plan.leavesToBeNull.length; i++) {
    const leaf = plan.leavesToBeNull[i]!;
    if (leaf.grad === null) continue;
    throw new Error(
      `compile: a tensor of shape [${leaf.shape.join(", ")}] still has a .grad from an earlier call, and the compiled function's backward() would accumulate into it, which a replayed plan cannot do; call optimizer.zeroGrad() (or model.zeroGrad()) inside the compiled function before backward(), or before each call`,
    );
  }
}

/** Runs `plan` once: copies the inputs in, runs every node, and returns the outputs as fresh tensors. */
export function replayPlan(plan: Plan, args: readonly unknown[], makeOutput: (view: OutputView) => Tensor): unknown {
  const backend = plan.backend;
  bindInputs(plan, args);
  const nodes = plan.nodes;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    switch (node.kind) {
      case "kernel":
        if (node.indexCheck !== undefined) checkIndex(backend, node.indexCheck);
        node.run.apply(backend, node.args as unknown[]);
        break;
      case "values":
        backend.copyStrided({ ref: node.source, offset: 0, strides: [1] }, [node.ref.size], node.ref);
        break;
      case "random":
        drawInto(backend, node);
        break;
      case "host":
        node.run();
        break;
      case "grads":
        for (let j = 0; j < node.leaves.length; j++) node.leaves[j]!.grad = node.grads[j]!;
        break;
    }
  }
  const outputs = plan.outputs.map(makeOutput);
  return fillTemplate(plan.template, outputs);
}

/** Copies each tensor argument into the buffer the plan reads it from (its traced input). */
export function bindInputs(plan: Plan, args: readonly unknown[]): void {
  const backend = plan.backend;
  for (let i = 0; i < plan.inputs.length; i++) {
    const ref = plan.inputs[i];
    if (ref === null || ref === undefined) continue;
    bindInput(backend, ref, args[i] as Tensor);
  }
}

/** Copies one tensor argument into its plan buffer. */
export function bindInput(backend: Backend, ref: DataRef, input: Tensor): void {
  backend.copyStrided(input.stridedRef(), input.shape, ref);
}

/** New draws for a random node, in the order and kind eager mode makes them. */
function drawInto(backend: Backend, node: Extract<PlanNode, { kind: "random" }>): void {
  const values = node.values;
  const generator = node.generator;
  if (node.draw === "uniform") for (let i = 0; i < values.length; i++) values[i] = Math.min(generator.uniform(), node.ceiling);
  else for (let i = 0; i < values.length; i++) values[i] = generator.normal();
  const fresh = backend.fromValues(values, node.ref.dtype);
  backend.copyStrided({ ref: fresh, offset: 0, strides: [1] }, [node.ref.size], node.ref);
}

/** The host check eager gather/scatter callers make (class targets, indices): every index an integer in [0, axisSize). */
function checkIndex(backend: Backend, check: IndexCheck): void {
  if (!backend.readsSynchronously) return; // a device backend's kernel checks its indices and reports at the next read
  const values = backend.read(check.index);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (!(v >= 0 && v < check.axisSize && Number.isInteger(v))) {
      throw new Error(`compile: ${check.op}: index ${v} at position ${i} is out of range for a dimension of size ${check.axisSize} (in a replayed call; a class target or index outside [0, ${check.axisSize}))`);
    }
  }
}

/** The returned value rebuilt with fresh tensors in place of the indices. */
export function fillTemplate(template: unknown, outputs: readonly Tensor[]): unknown {
  if (template instanceof OutputSlot) return outputs[template.index];
  if (Array.isArray(template)) return template.map((item) => fillTemplate(item, outputs));
  if (isPlainObject(template)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template)) out[key] = fillTemplate(value, outputs);
    return out;
  }
  return template;
}

/** Where output tensor `index` goes in a returned value. */
export class OutputSlot {
  constructor(readonly index: number) {}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
