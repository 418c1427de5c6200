/** nabla.nn.functional: the stateless functions behind the layers and losses. */
export { linear } from "./linear.js";
export { dropout, dropout1d, dropout2d } from "./dropout.js";
// PyTorch's F.pad and F.one_hot; also exported at the top level
export { pad } from "../../ops/pad.js";
export { oneHot } from "../../ops/one-hot.js";
export { relu, sigmoid, tanh, softmax, logSoftmax, leakyRelu, elu, gelu, silu, softplus, hardtanh, logSigmoid } from "./activations.js";
export { crossEntropy, nllLoss } from "./cross-entropy.js";
export type { CrossEntropyOptions, NLLLossOptions } from "./cross-entropy.js";
export { binaryCrossEntropy, binaryCrossEntropyWithLogits } from "./binary-cross-entropy.js";
export type { BinaryCrossEntropyOptions, BinaryCrossEntropyWithLogitsOptions } from "./binary-cross-entropy.js";
export { mseLoss } from "./mse-loss.js";
export { l1Loss } from "./l1-loss.js";
export { smoothL1Loss } from "./smooth-l1-loss.js";
export type { SmoothL1LossOptions } from "./smooth-l1-loss.js";
export { huberLoss } from "./huber-loss.js";
export type { HuberLossOptions } from "./huber-loss.js";
export { klDiv } from "./kl-div.js";
export type { KLDivOptions } from "./kl-div.js";
export type { Reduction, LossOptions } from "./reduction.js";
export type { ClassTarget } from "./targets.js";
export { conv1d, conv2d, convTranspose2d } from "./conv.js";
export type { Conv1dOptions, Conv2dOptions, ConvTranspose2dOptions } from "./conv.js";
export { maxPool2d, maxPool2dWithIndices, maxPool1d, avgPool2d, avgPool1d, adaptiveAvgPool2d } from "./pooling.js";
export type { MaxPool2dOptions, MaxPool1dOptions, AvgPool2dOptions, AvgPool1dOptions } from "./pooling.js";
export { batchNorm, layerNorm, groupNorm } from "./normalization.js";
export type { BatchNormOptions, LayerNormOptions, GroupNormOptions } from "./normalization.js";
export type { Size2 } from "./window-args.js";
