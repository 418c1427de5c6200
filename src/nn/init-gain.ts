/** The scale factors of the initialisers: a nonlinearity's gain and a weight's fan in and fan out (PyTorch's). */
import { formatShape, sizeOf } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";

/** A nonlinearity named as in PyTorch's `calculate_gain` (snake_case) or in nabla's camelCase. */
export type Nonlinearity =
  | "linear" | "conv1d" | "conv2d" | "conv3d" | "conv_transpose1d" | "conv_transpose2d" | "conv_transpose3d"
  | "convTranspose1d" | "convTranspose2d" | "convTranspose3d" | "sigmoid" | "tanh" | "relu" | "leaky_relu" | "leakyRelu" | "selu";

/**
 * The recommended gain for a nonlinearity (PyTorch's `calculate_gain`): 1 for linear, conv and
 * sigmoid, 5/3 for tanh, √2 for relu, √(2/(1 + slope²)) for leaky relu (`param`, default slope
 * 0.01), 3/4 for selu.
 *
 * @example
 * ```ts
 * import { nn } from "nabla";
 * console.log(nn.init.calculateGain("relu"), nn.init.calculateGain("tanh")); // 1.4142135623730951 1.6666666666666667
 * ```
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case "linear": case "conv1d": case "conv2d": case "conv3d": case "sigmoid":
    case "conv_transpose1d": case "conv_transpose2d": case "conv_transpose3d": case "convTranspose1d": case "convTranspose2d": case "convTranspose3d":
      return 1;
    case "tanh":
      return 5 / 3;
    case "relu":
      return Math.SQRT2;
    case "leaky_relu": case "leakyRelu": {
      const slope = param ?? 0.01;
      if (typeof slope !== "number" || !Number.isFinite(slope)) throw new Error(`calculateGain: negative slope ${String(param)} is not a valid number`);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case "selu":
      return 3 / 4;
    default:
      throw new Error(`calculateGain: unsupported nonlinearity ${JSON.stringify(nonlinearity)}`);
  }
}

/**
 * [fanIn, fanOut] of a weight as PyTorch computes them: a [out, in, …kernel] tensor has
 * fanIn = in·∏kernel and fanOut = out·∏kernel. So a grouped convolution's weight [out, in/groups,
 * kh, kw] gives in/groups·kh·kw, and a transposed convolution's [in, out/groups, kh, kw] gives
 * out/groups·kh·kw as fanIn — dim 1 whatever it means.
 *
 * @example
 * ```ts
 * import { nn, zeros } from "nabla";
 * console.log(nn.init.calculateFanInAndFanOut(zeros([16, 3, 5, 5]))); // [75, 400]
 * ```
 */
export function calculateFanInAndFanOut(weight: Tensor, op = "calculateFanInAndFanOut"): [number, number] {
  if (weight.ndim < 2) throw new Error(`${op}: fan in and fan out can not be computed for a tensor with fewer than 2 dimensions, got ${formatShape(weight.shape)}`);
  const receptiveField = sizeOf(weight.shape.slice(2));
  return [weight.shape[1]! * receptiveField, weight.shape[0]! * receptiveField];
}
