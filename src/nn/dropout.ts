import type { Generator } from "../tensor/random.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout } from "./functional/dropout.js";
import { Module } from "./module.js";

/**
 * Inverted dropout: in training mode each element is zeroed with probability `p` and the
 * survivors scaled by 1/(1 − p), so the expected output equals the input; in eval mode it is the
 * identity. Masks come from the seeded default generator (or `generator`).
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const drop = new nn.Dropout(0.5);
 * console.log(drop.call(ones([6])).toArray()); // e.g. [2, 0, 2, 2, 0, 0]
 * drop.eval();
 * console.log(drop.call(ones([3])).toArray()); // [1, 1, 1]
 * ```
 */
export class Dropout extends Module {
  constructor(
    readonly p = 0.5,
    private readonly generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`Dropout: probability has to be between 0 and 1, but got ${p}`);
  }
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}
