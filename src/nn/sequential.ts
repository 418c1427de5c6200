import type { Tensor } from "../tensor/tensor.js";
import { Module } from "./module.js";

/** A module from tensor to tensor: what {@link Sequential} chains. */
export type TensorModule = Module<[Tensor], Tensor>;

/**
 * Chains modules: the output of each is the input of the next. Children are named "0", "1", …,
 * so parameters get PyTorch's names ("0.weight", "2.bias" …).
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 16), new nn.ReLU(), new nn.Linear(16, 2));
 * console.log(Object.keys(model.stateDict())); // ["0.weight", "0.bias", "2.weight", "2.bias"]
 * console.log(model.call(zeros([5, 2])).shape); // [5, 2]
 * ```
 */
export class Sequential extends Module {
  [index: number]: TensorModule;

  constructor(...modules: TensorModule[]) {
    super();
    modules.forEach((module, i) => {
      if (!(module instanceof Module)) throw new Error(`Sequential: argument ${i} is not a Module`);
      this[i] = module;
    });
  }

  /** The number of modules in the chain. */
  get length(): number {
    return this.children().length;
  }

  /** Appends a module at the end; returns this. */
  append(module: TensorModule): this {
    this[this.length] = module;
    return this;
  }

  forward(x: Tensor): Tensor {
    let out = x;
    for (const module of this.children() as TensorModule[]) out = module.forward(out);
    return out;
  }
}
