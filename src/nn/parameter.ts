import { Tensor } from "../tensor/tensor.js";

/**
 * A tensor that is a learnable parameter of a {@link Module}: a leaf sharing `data`'s values,
 * with `requiresGrad` set. Modules find `Parameter` fields by themselves, so a subclass only
 * assigns them. (A plain leaf tensor with `requiresGrad` counts as a parameter too; marking it
 * a `Parameter` keeps it a parameter even after `requiresGrad_(false)` freezes it.)
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const w = new nn.Parameter(randn([3, 2]));
 * console.log(w.requiresGrad, w.isLeaf); // true true
 * ```
 */
export class Parameter extends Tensor {
  constructor(data: Tensor, requiresGrad = true) {
    const source = data.contiguous();
    super(source.storage, source.shape, source.strides, source.offset);
    this.requiresGrad = requiresGrad;
  }
}

/** @internal Whether a field value is a parameter of its module. */
export function isParameter(value: unknown): value is Tensor {
  return value instanceof Parameter || (value instanceof Tensor && value.isLeaf && value.requiresGrad);
}
