import { Module } from "./module.js";
import { checkModule, type AnyModule } from "./module-list.js";

/**
 * Holds submodules by name (PyTorch's `nn.ModuleDict`), in insertion order: they are children
 * named by their keys, so parameters are saved under PyTorch's keys ("encoder.weight" …) and
 * found by `parameters()`, `to()`, `train()`/`eval()`. It has no `forward` of its own.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const heads = new nn.ModuleDict({ class: new nn.Linear(4, 3), box: new nn.Linear(4, 2, { bias: false }) });
 * console.log(Object.keys(heads.stateDict())); // ["class.weight", "class.bias", "box.weight"]
 * console.log(heads.get("box").call(ones([1, 4])).shape, [...heads.keys()]); // [1, 2] ["class", "box"]
 * ```
 */
export class ModuleDict<M extends AnyModule = AnyModule> extends Module<[], never> implements Iterable<string> {
  // an ES private field: invisible to Module's walk over the fields, which uses namedChildren below
  #modules = new Map<string, M>();

  constructor(modules: Record<string, M> | Iterable<readonly [string, M]> = {}) {
    super();
    this.update(modules);
  }

  /** The number of modules. */
  get length(): number {
    return this.#modules.size;
  }

  /** The module under `key`, or a clear error naming the keys there are. */
  get(key: string): M {
    const module = this.#modules.get(key);
    if (module === undefined) throw new Error(`ModuleDict: no module named ${JSON.stringify(key)} (keys: ${[...this.#modules.keys()].map((k) => JSON.stringify(k)).join(", ") || "none"})`);
    return module;
  }

  /** Whether there is a module under `key`. */
  has(key: string): boolean {
    return this.#modules.has(key);
  }

  /** Puts `module` under `key` (replacing one there, keeping its place); returns this. */
  set(key: string, module: M): this {
    if (typeof key !== "string" || key === "" || key.includes(".")) throw new Error(`ModuleDict: key ${JSON.stringify(key)} must be a non-empty string without "."`);
    this.#modules.set(key, checkModule(`ModuleDict.set(${JSON.stringify(key)})`, module));
    return this;
  }

  /** Adds every [key, module] of `modules` (an object or pairs); returns this. */
  update(modules: Record<string, M> | Iterable<readonly [string, M]>): this {
    const pairs = Symbol.iterator in modules ? (modules as Iterable<readonly [string, M]>) : Object.entries(modules);
    for (const [key, module] of pairs) this.set(key, module);
    return this;
  }

  /** Removes and returns the module under `key`. */
  pop(key: string): M {
    const module = this.get(key);
    this.#modules.delete(key);
    return module;
  }

  /** Removes every module. */
  clear(): void {
    this.#modules.clear();
  }

  /** The names, in insertion order. */
  keys(): IterableIterator<string> {
    return this.#modules.keys();
  }

  /** The modules, in insertion order. */
  values(): IterableIterator<M> {
    return this.#modules.values();
  }

  /** [key, module] pairs in insertion order (PyTorch's `items()`). */
  items(): IterableIterator<[string, M]> {
    return this.#modules.entries();
  }

  /** Iterates over the keys, as PyTorch's ModuleDict does. */
  [Symbol.iterator](): Iterator<string> {
    return this.#modules.keys();
  }

  /** Children in insertion order (a plain object would put integer-like keys first). */
  override namedChildren(): [string, AnyModule][] {
    return [...this.#modules];
  }

  /** A ModuleDict is a container: calling it is an error, as in PyTorch. */
  forward(): never {
    throw new Error("ModuleDict: a ModuleDict has no forward; call its modules in the owner's forward (this.heads.get(\"name\").call(x))");
  }
}
