import { Module } from "./module.js";

/** Any module, whatever it takes and returns: what the containers hold. */
export type AnyModule = Module<unknown[], unknown>;

/**
 * Holds submodules in a list (PyTorch's `nn.ModuleList`): they are registered as children "0",
 * "1", …, so their parameters are found, moved by `to()`, switched by `train()`/`eval()` and
 * saved under PyTorch's keys ("0.weight", "layers.1.bias" …). It has no `forward` of its own:
 * iterate over it in the owner's `forward`.
 *
 * @example
 * ```ts
 * import { nn, ones, type Tensor } from "nabla";
 * class Stack extends nn.Module {
 *   layers = new nn.ModuleList([new nn.Linear(2, 4), new nn.Linear(4, 1)]);
 *   forward(x: Tensor): Tensor {
 *     for (const layer of this.layers) x = layer.call(x).tanh();
 *     return x;
 *   }
 * }
 * const stack = new Stack();
 * console.log(Object.keys(stack.stateDict())); // ["layers.0.weight", "layers.0.bias", "layers.1.weight", "layers.1.bias"]
 * console.log(stack.call(ones([3, 2])).shape, stack.layers.length); // [3, 1] 2
 * ```
 */
export class ModuleList<M extends AnyModule = AnyModule> extends Module<[], never> implements Iterable<M> {
  [index: number]: M;

  constructor(modules: Iterable<M> = []) {
    super();
    this.extend(modules);
  }

  /** The number of modules. */
  get length(): number {
    let n = 0;
    while (this[n] !== undefined) n++;
    return n;
  }

  /** The module at `index` (negative counts from the end), or a clear error if there is none. */
  at(index: number): M {
    const n = this.length;
    const i = index < 0 ? index + n : index;
    if (!Number.isInteger(index) || i < 0 || i >= n) throw new Error(`ModuleList: index ${index} is out of range for a list of ${n} modules`);
    return this[i]!;
  }

  /** Appends `module` at the end; returns this. */
  append(module: M): this {
    this[this.length] = checkModule("ModuleList.append", module);
    return this;
  }

  /** Appends every module of `modules`; returns this. */
  extend(modules: Iterable<M>): this {
    for (const module of modules) this.append(module);
    return this;
  }

  /** Inserts `module` before `index` (PyTorch's `insert`; negative counts from the end); returns this. */
  insert(index: number, module: M): this {
    checkModule("ModuleList.insert", module);
    const n = this.length;
    if (!Number.isInteger(index)) throw new Error(`ModuleList.insert: index must be an integer, got ${index}`);
    const at = Math.min(Math.max(index < 0 ? index + n : index, 0), n);
    for (let i = n; i > at; i--) this[i] = this[i - 1]!;
    this[at] = module;
    return this;
  }

  /** Removes and returns the module at `index` (default the last), renumbering the rest. */
  pop(index = -1): M {
    const module = this.at(index);
    const n = this.length;
    const i = index < 0 ? index + n : index;
    for (let j = i; j < n - 1; j++) this[j] = this[j + 1]!;
    delete this[n - 1];
    return module;
  }

  /** The modules in order (`for (const layer of list)`). */
  *[Symbol.iterator](): Iterator<M> {
    for (let i = 0; this[i] !== undefined; i++) yield this[i]!;
  }

  /** A ModuleList is a container: calling it is an error, as in PyTorch. */
  forward(): never {
    throw new Error("ModuleList: a ModuleList has no forward; call its modules in the owner's forward (for (const layer of this.layers) …)");
  }
}

/** @internal Refuses anything but a Module, naming the operation. */
export function checkModule<M>(op: string, module: M): M {
  if (!(module instanceof Module)) throw new Error(`${op}: expected a Module, got ${module === null ? "null" : typeof module}`);
  return module;
}
