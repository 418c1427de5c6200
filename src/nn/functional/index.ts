/** nabla.nn.functional: the stateless functions behind the layers and losses. */
export { linear } from "./linear.js";
export { dropout } from "./dropout.js";
export { relu, sigmoid, tanh, softmax, logSoftmax, leakyRelu, elu, gelu, silu, softplus, hardtanh, logSigmoid } from "./activations.js";
export { crossEntropy, nllLoss } from "./cross-entropy.js";
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./binary-cross-entropy.js";
export { mseLoss } from "./mse-loss.js";
export type { Reduction, LossOptions } from "./reduction.js";
export type { ClassTarget } from "./targets.js";
