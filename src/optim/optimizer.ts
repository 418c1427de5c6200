import { noGrad } from "../autograd/grad-mode.js";
import { Tensor } from "../tensor/tensor.js";

/** Hyper-parameters every optimizer has. */
export interface BaseOptions {
  lr: number;
}

/**
 * A set of parameters sharing hyper-parameters (schedulers change `lr` here; the first one
 * records the starting lr as `initialLr`, PyTorch's `initial_lr`).
 */
export type ParamGroup<Options extends BaseOptions> = Options & { params: Tensor[]; initialLr?: number };

/** Parameters, or PyTorch-style groups `{ params, ...overrides }`. */
export type ParamsInput<Options extends BaseOptions> = Iterable<Tensor> | readonly ({ params: Iterable<Tensor> } & Partial<Options>)[];

function isGroupList<Options extends BaseOptions>(params: ParamsInput<Options>): params is readonly ({ params: Iterable<Tensor> } & Partial<Options>)[] {
  return Array.isArray(params) && params.length > 0 && !(params[0] instanceof Tensor);
}

/**
 * Base of the optimizers: holds parameter groups and per-parameter state (a `Map` from parameter
 * to its buffers), and applies a subclass's update rule to every parameter that has a gradient,
 * in place and outside the graph. Subclass it with `validate` and `update` for a new rule.
 *
 * @example
 * ```ts
 * import { nn, optim, tensor } from "nabla";
 * const model = new nn.Linear(2, 1);
 * const optimizer: optim.Optimizer<optim.BaseOptions, unknown> = new optim.SGD(model.parameters(), { lr: 0.1 });
 * optimizer.zeroGrad();
 * model.call(tensor([[1, 2]])).sum().backward();
 * optimizer.step();
 * console.log(optimizer.paramGroups[0]!.lr); // 0.1
 * ```
 */
export abstract class Optimizer<Options extends BaseOptions, State> {
  readonly paramGroups: ParamGroup<Options>[];
  /** Per-parameter buffers (momentum, moment estimates …), created on the first step. */
  readonly state = new Map<Tensor, State>();

  constructor(
    params: ParamsInput<Options>,
    readonly defaults: Options,
  ) {
    const name = this.constructor.name;
    const groups = isGroupList(params) ? params : [{ params }];
    this.paramGroups = groups.map((group, g) => {
      const inner = (group as { params?: unknown } | null)?.params;
      if (typeof inner !== "object" || inner === null || typeof (inner as Iterable<unknown>)[Symbol.iterator] !== "function") {
        const what = Array.isArray(group) ? `the array [${String(group).slice(0, 60)}]` : typeof group === "object" && group !== null ? "an object without a params list" : String(group);
        throw new Error(`${name}: parameter ${g} is ${what}, not a Tensor: pass model.parameters(), a list of tensors, or a list of { params: [...] } groups`);
      }
      const list = [...group.params];
      list.forEach((p, i) => {
        if (!(p instanceof Tensor)) throw new Error(`${name}: parameter ${i} of group ${g} is not a Tensor`);
        if (!p.isLeaf) throw new Error(`${name}: can't optimize a non-leaf Tensor (parameter ${i} of group ${g})`);
      });
      const merged = { ...defaults, ...group, params: list } as ParamGroup<Options>;
      this.validate(merged);
      return merged;
    });
    const all = this.paramGroups.flatMap((group) => group.params);
    if (all.length === 0) throw new Error(`${name}: optimizer got an empty parameter list`);
    if (new Set(all).size !== all.length) throw new Error(`${name}: some parameters appear in more than one parameter group`);
  }

  /** Throws PyTorch's message for an invalid hyper-parameter. */
  protected abstract validate(options: Options): void;

  /** Updates one parameter in place from its gradient and state (called inside noGrad). */
  protected abstract update(parameter: Tensor, grad: Tensor, group: ParamGroup<Options>): void;

  /** Clears every parameter's gradient (to null, or to zeros with `setToNone: false`). */
  zeroGrad(setToNone = true): void {
    // indexed loops: a compiled step replays this on every call, at first in V8's lower tiers, where for-of allocates
    const groups = this.paramGroups;
    for (let g = 0; g < groups.length; g++) {
      const params = groups[g]!.params;
      for (let i = 0; i < params.length; i++) {
        const p = params[i]!;
        p.grad = setToNone || p.grad === null ? null : noGrad(() => p.grad!.mul(0));
      }
    }
  }

  /** One optimisation step over every parameter that has a gradient. */
  step(): void {
    noGrad(() => {
      for (const group of this.paramGroups) {
        for (const p of group.params) if (p.grad !== null) this.update(p, p.grad, group);
      }
    });
    // a GPU backend counts steps to say in which one its device was lost
    this.paramGroups[0]!.params[0]!.storage.backend.stepIssued?.();
  }
}

/** @internal PyTorch's checks shared by the optimizers: "Invalid learning rate: -1" … */
export function checkNonNegative(label: string, value: number): void {
  if (!(value >= 0)) throw new Error(`Invalid ${label}: ${value}`);
}
