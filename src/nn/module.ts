import { noGrad } from "../autograd/grad-mode.js";
import type { DType } from "../tensor/dtype.js";
import { formatShape, shapesEqual } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { isParameter, Parameter } from "./parameter.js";

/** Options of {@link Module.loadStateDict}, as PyTorch's `strict` argument. */
export interface LoadStateDictOptions {
  /** Require the keys to match the module's `stateDict()` keys exactly (default true). */
  strict?: boolean;
}

/** Options of {@link Module.registerBuffer}. */
export interface RegisterBufferOptions {
  /** Save and load it with the state dict (default true); a non-persistent buffer is only moved. */
  persistent?: boolean;
  /**
   * Its name in `stateDict()` and `namedBuffers()` when it differs from the field name: the
   * PyTorch spelling, such as "running_mean" for the field `runningMean` (default: the field name).
   */
  stateKey?: string;
}

/** A module's own buffers: field name → how it is saved. Kept off the instance so no field walk sees it. */
const BUFFERS = new WeakMap<object, Map<string, { persistent: boolean; stateKey: string }>>();

/** What {@link Module.loadStateDict} did not match (both empty after a strict load), as PyTorch's `missing_keys` and `unexpected_keys`. */
export interface LoadStateDictResult {
  /** The module's `stateDict()` keys (parameters and persistent buffers) the state dict had no entry for. */
  missingKeys: string[];
  /** The state dict's keys that name no parameter or persistent buffer of the module. */
  unexpectedKeys: string[];
}

/**
 * Base class of every layer and model, with PyTorch's semantics. A subclass assigns its
 * parameters ({@link Parameter}s or leaf tensors with `requiresGrad`) and submodules as plain
 * fields and implements `forward`; `parameters()`, `namedParameters()`, `stateDict()`,
 * `train()`/`eval()` and `zeroGrad()` find them by walking the fields in declaration order,
 * with no registration.
 *
 * Fields holding arrays of modules are found too (named `field.0`, `field.1` …).
 *
 * Run a module with `module.forward(x)` or its alias `module.call(x)` (there are no hooks, so
 * the two are the same). `zeroGrad()` sets gradients to null (PyTorch 2's default).
 *
 * @example
 * ```ts
 * import { nn, tensor, type Tensor } from "nabla";
 * class TwoLayer extends nn.Module {
 *   hidden = new nn.Linear(2, 4);
 *   out = new nn.Linear(4, 1);
 *   forward(x: Tensor): Tensor {
 *     return this.out.call(this.hidden.call(x).relu());
 *   }
 * }
 * const model = new TwoLayer();
 * console.log([...model.namedParameters()].map(([name]) => name));
 * // ["hidden.weight", "hidden.bias", "out.weight", "out.bias"]
 * console.log(model.call(tensor([[1, 2]])).shape); // [1, 1]
 * ```
 */
export abstract class Module<Input extends unknown[] = [Tensor], Output = Tensor> {
  /** Whether the module is in training mode (dropout active); set by `train()` and `eval()`. */
  training = true;

  /** The computation; call it directly or through {@link Module.call}. */
  abstract forward(...inputs: Input): Output;

  /** Runs `forward` (PyTorch's `module(x)`). */
  call(...inputs: Input): Output {
    return this.forward(...inputs);
  }

  /**
   * Direct submodules with their field names, in declaration order. A field holding an array of
   * modules contributes each as `field.i` (PyTorch's `ModuleList` naming).
   */
  namedChildren(): [string, Module<unknown[], unknown>][] {
    const out: [string, Module<unknown[], unknown>][] = [];
    for (const [name, value] of Object.entries(this)) {
      if (value instanceof Module) out.push([name, value]);
      else if (Array.isArray(value) && value.length > 0 && value.every((item) => item instanceof Module)) {
        value.forEach((item: Module<unknown[], unknown>, i) => out.push([`${name}.${i}`, item]));
      }
    }
    return out;
  }

  /** Direct submodules in declaration order. */
  children(): Module<unknown[], unknown>[] {
    // a push loop, not map: Sequential walks this every forward, and an optimized map returns a
    // holey array (see backend/strides.ts) that deoptimizes it once warm
    const out: Module<unknown[], unknown>[] = [];
    for (const [, child] of this.namedChildren()) out.push(child);
    return out;
  }

  /** This module and every descendant with dotted names ("" for this one), each once. */
  namedModules(prefix = "", seen = new Set<Module<unknown[], unknown>>()): [string, Module<unknown[], unknown>][] {
    if (seen.has(this)) return [];
    seen.add(this);
    const out: [string, Module<unknown[], unknown>][] = [[prefix, this]];
    for (const [name, child] of this.namedChildren()) out.push(...child.namedModules(prefix === "" ? name : `${prefix}.${name}`, seen));
    return out;
  }

  /** This module and every descendant. */
  modules(): Module<unknown[], unknown>[] {
    return this.namedModules().map(([, module]) => module);
  }

  /** Parameters with dotted names ("0.weight", "encoder.fc.bias" …) in declaration order, each once. */
  namedParameters(): [string, Tensor][] {
    const out: [string, Tensor][] = [];
    const seen = new Set<Tensor>();
    for (const [path, module] of this.namedModules()) {
      for (const [name, value] of Object.entries(module)) {
        if (!isParameter(value) || seen.has(value)) continue;
        seen.add(value);
        out.push([path === "" ? name : `${path}.${name}`, value]);
      }
    }
    return out;
  }

  /** Every parameter, in the order of {@link Module.namedParameters} (hand them to an optimizer). */
  parameters(): Tensor[] {
    return this.namedParameters().map(([, parameter]) => parameter);
  }

  /**
   * Registers a buffer: a tensor of state that is not trained (batch norm's running
   * statistics), stored in the field `name`. Buffers are saved and loaded by `stateDict()` /
   * `loadStateDict()` (under `options.stateKey`, PyTorch's spelling, if given) and converted by
   * `to()`, but `parameters()` never lists them. `tensor` may be null (no buffer yet).
   *
   * @example
   * ```ts
   * import { nn, zeros, type Tensor } from "nabla";
   * class Counter extends nn.Module {
   *   declare total: Tensor;
   *   constructor() {
   *     super();
   *     this.registerBuffer("total", zeros([1]));
   *   }
   *   forward(x: Tensor): Tensor {
   *     this.total.add_(x.sum());
   *     return x;
   *   }
   * }
   * const counter = new Counter();
   * console.log(Object.keys(counter.stateDict()), counter.parameters().length); // ["total"] 0
   * ```
   */
  registerBuffer(name: string, tensor: Tensor | null, options: RegisterBufferOptions = {}): void {
    const owner = this.constructor.name;
    if (name === "" || name.includes(".")) throw new Error(`registerBuffer: ${owner}: buffer name "${name}" must be non-empty and contain no "."`);
    if (tensor !== null && !(tensor instanceof Tensor)) throw new Error(`registerBuffer: ${owner}.${name} must be a Tensor or null`);
    const fields = this as unknown as Record<string, unknown>;
    const current = fields[name];
    const buffers = BUFFERS.get(this) ?? new Map<string, { persistent: boolean; stateKey: string }>();
    if (!buffers.has(name) && (current instanceof Module || isParameter(current))) {
      throw new Error(`registerBuffer: ${owner}.${name} already holds a ${current instanceof Module ? "submodule" : "parameter"}`);
    }
    if (tensor !== null && tensor.requiresGrad) throw new Error(`registerBuffer: ${owner}.${name}: a buffer is not trained; pass a tensor without requiresGrad`);
    buffers.set(name, { persistent: options.persistent ?? true, stateKey: options.stateKey ?? name });
    BUFFERS.set(this, buffers);
    fields[name] = tensor;
  }

  /** This module's own buffers as [field, state key, tensor or null, persistent]. */
  private ownBuffers(): [string, string, Tensor | null, boolean][] {
    const fields = this as unknown as Record<string, unknown>;
    return [...(BUFFERS.get(this) ?? [])].map(([field, { stateKey, persistent }]) => [field, stateKey, (fields[field] as Tensor | null) ?? null, persistent]);
  }

  /** Buffers (non-null) with dotted state-dict names ("1.running_mean" …), in module order, each once. */
  namedBuffers(): [string, Tensor][] {
    return this.namedBufferSlots().filter(([, , tensor]) => tensor !== null).map(([name, , tensor]) => [name, tensor!]);
  }

  /** Every buffer, in the order of {@link Module.namedBuffers}. */
  buffers(): Tensor[] {
    return this.namedBuffers().map(([, tensor]) => tensor);
  }

  /** Every buffer slot: dotted state name, owning module and field, tensor (or null), persistent. */
  private namedBufferSlots(): [string, { module: Module<unknown[], unknown>; field: string }, Tensor | null, boolean][] {
    const out: [string, { module: Module<unknown[], unknown>; field: string }, Tensor | null, boolean][] = [];
    for (const [path, module] of this.namedModules()) {
      for (const [field, key, tensor, persistent] of module.ownBuffers()) out.push([path === "" ? key : `${path}.${key}`, { module, field }, tensor, persistent]);
    }
    return out;
  }

  /** Sets training mode on this module and every descendant; returns this. */
  train(mode = true): this {
    for (const module of this.modules()) module.training = mode;
    return this;
  }

  /** Evaluation mode (`train(false)`): dropout becomes the identity. Returns this. */
  eval(): this {
    return this.train(false);
  }

  /** Clears every parameter's gradient (to null, or to zeros with `setToNone: false`). */
  zeroGrad(setToNone = true): void {
    for (const parameter of this.parameters()) {
      parameter.grad = setToNone || parameter.grad === null ? null : noGrad(() => parameter.grad!.mul(0));
    }
  }

  /**
   * The parameters and persistent buffers by dotted name (PyTorch's keys and order: each
   * module's parameters, then its buffers), detached but sharing storage with the module.
   */
  stateDict(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const [name, tensor] of this.stateEntries()) out[name] = tensor.detach();
    return out;
  }

  /** Parameters and persistent, non-null buffers, module by module. */
  private stateEntries(): [string, Tensor][] {
    const parameters = this.namedParameters();
    const buffers = this.namedBufferSlots().filter(([, , tensor, persistent]) => persistent && tensor !== null);
    if (buffers.length === 0) return parameters;
    const owners = new Map(this.namedModules().map(([path], i) => [path, i]));
    const moduleOf = (name: string): number => {
      // the longest dotted prefix that names a module (parameter names have no dots of their own)
      const cut = name.lastIndexOf(".");
      return owners.get(cut < 0 ? "" : name.slice(0, cut)) ?? 0;
    };
    const entries = [
      ...parameters.map(([name, t], i) => ({ name, t, order: [moduleOf(name), 0, i] })),
      ...buffers.map(([name, , t], i) => ({ name, t: t!, order: [moduleOf(name), 1, i] })),
    ];
    entries.sort((a, b) => a.order[0]! - b.order[0]! || a.order[1]! - b.order[1]! || a.order[2]! - b.order[2]!);
    return entries.map(({ name, t }) => [name, t]);
  }

  /**
   * Copies values from `stateDict` into the parameters of the same names. A shape mismatch is
   * always an error; with `strict` (the default) so is a missing or unexpected key.
   */
  loadStateDict(stateDict: Record<string, Tensor>, options: LoadStateDictOptions = {}): LoadStateDictResult {
    const strict = options.strict ?? true;
    const own = new Map(this.stateEntries());
    const missingKeys = [...own.keys()].filter((key) => !(key in stateDict));
    const unexpectedKeys = Object.keys(stateDict).filter((key) => !own.has(key));
    const problems: string[] = [];
    for (const [key, parameter] of own) {
      const value = stateDict[key];
      if (value === undefined) continue;
      if (!(value instanceof Tensor)) problems.push(`value for ${key} is not a Tensor`);
      else if (!shapesEqual(value.shape, parameter.shape)) {
        problems.push(`size mismatch for ${key}: copying a ${isParameter(parameter) ? "param" : "buffer"} with shape ${formatShape(value.shape)} from the state dict, the shape in the current model is ${formatShape(parameter.shape)}`);
      }
    }
    if (strict) {
      for (const key of missingKeys) problems.push(`missing key ${key} (shape ${formatShape(own.get(key)!.shape)} in the model)`);
      for (const key of unexpectedKeys) problems.push(`unexpected key ${key} (shape ${formatShape(stateDict[key]?.shape ?? [])} in the state dict)`);
    }
    if (problems.length > 0) throw new Error(`loadStateDict: error(s) in loading the state dict for ${this.constructor.name}:\n  ${problems.join("\n  ")}`);
    noGrad(() => {
      for (const [key, target] of own) if (stateDict[key] !== undefined) target.copy_(stateDict[key]!.to(target.dtype));
    });
    return { missingKeys, unexpectedKeys };
  }

  /**
   * Converts every parameter and floating-point buffer to `dtype` (replacing the tensors;
   * build optimizers after). Integer buffers (a step count) keep their dtype, as in PyTorch. Returns this.
   */
  to(dtype: DType): this {
    for (const module of this.modules()) {
      const fields = module as unknown as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (isParameter(value) && value.dtype !== dtype) fields[name] = new Parameter(value.detach().to(dtype), value.requiresGrad);
      }
      for (const [field, , tensor] of module.ownBuffers()) {
        if (tensor !== null && tensor.isFloatingPoint && tensor.dtype !== dtype) fields[field] = tensor.to(dtype);
      }
    }
    return this;
  }

  /** A one-line description of this module's settings, shown by `toString()`. */
  extraRepr(): string {
    return "";
  }

  /** A PyTorch-style tree of the modules. */
  toString(): string {
    const children = this.namedChildren();
    const head = `${this.constructor.name}(${this.extraRepr()}`;
    if (children.length === 0) return `${head})`;
    const lines = children.map(([name, child]) => `  (${name}): ${child.toString().split("\n").join("\n  ")}`);
    return `${head}\n${lines.join("\n")}\n)`;
  }
}
