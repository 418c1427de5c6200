import type { Generator } from "../tensor/random.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout, dropout1d, dropout2d } from "./functional/dropout.js";
import { Module } from "./module.js";

/**
 * What every dropout layer shares (PyTorch's `_DropoutNd`): the probability `p`, checked to lie
 * in [0, 1], an optional generator for the masks, and the `p=…` in its printed form.
 */
export abstract class DropoutNd extends Module {
  constructor(
    readonly p = 0.5,
    protected readonly generator?: Generator,
  ) {
    super();
    if (!(p >= 0 && p <= 1)) throw new Error(`${new.target.name}: probability has to be between 0 and 1, but got ${p}`);
  }
  override extraRepr(): string {
    return `p=${this.p}`;
  }
}

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
export class Dropout extends DropoutNd {
  forward(x: Tensor): Tensor {
    return dropout(x, this.p, this.training, this.generator);
  }
}

/**
 * Channel-wise dropout over [N, C, L] or [C, L] (PyTorch's `nn.Dropout1d`): in training mode each
 * channel is zeroed as a whole with probability `p` and the kept ones scaled by 1/(1 − p); in
 * eval mode it is the identity.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const drop = new nn.Dropout1d(0.5);
 * console.log(drop.call(ones([1, 3, 2])).toArray()); // e.g. [[[2, 2], [0, 0], [2, 2]]]
 * console.log(drop.eval().call(ones([3, 2])).toArray()); // [[1, 1], [1, 1], [1, 1]]
 * ```
 */
export class Dropout1d extends DropoutNd {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 && x.ndim !== 3) throw new Error(`Dropout1d(p=${this.p}): expected a 2D [C, L] or 3D [N, C, L] input, got ${formatShape(x.shape)}`);
    return dropout1d(x, this.p, this.training, this.generator);
  }
}

/**
 * Channel-wise dropout over [N, C, H, W] (PyTorch's `nn.Dropout2d`): in training mode each
 * feature map is zeroed as a whole with probability `p` and the kept ones scaled by 1/(1 − p);
 * in eval mode it is the identity. A 3-D input is taken as [N, C, L], as PyTorch does today.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const drop = new nn.Dropout2d(0.2);
 * console.log(drop.call(ones([4, 8, 3, 3])).shape, drop.toString()); // [4, 8, 3, 3] Dropout2d(p=0.2)
 * ```
 */
export class Dropout2d extends DropoutNd {
  forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) throw new Error(`Dropout2d(p=${this.p}): expected a 4D [N, C, H, W] (or 3D [N, C, L]) input, got ${formatShape(x.shape)}`);
    return dropout2d(x, this.p, this.training, this.generator);
  }
}
