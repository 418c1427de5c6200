/** nabla.nn: modules, layers, losses and their functional forms, with PyTorch's semantics. */
export { Module } from "./module.js";
export type { LoadStateDictOptions, LoadStateDictResult } from "./module.js";
export { Parameter } from "./parameter.js";
export { Linear } from "./linear.js";
export type { LinearOptions } from "./linear.js";
export { Sequential } from "./sequential.js";
export type { TensorModule } from "./sequential.js";
export { ReLU, Tanh, Sigmoid, Softmax, LogSoftmax } from "./activations.js";
export { Dropout } from "./dropout.js";
export { Flatten } from "./flatten.js";
export { Identity } from "./identity.js";
export { CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss, MSELoss } from "./loss.js";
/** The stateless functions behind the layers and losses (PyTorch's `torch.nn.functional`). */
export * as functional from "./functional/index.js";
/** Weight initialisation (PyTorch's `torch.nn.init`), drawing from the seeded default generator unless given another. */
export * as init from "./init.js";
export type { InitOptions } from "./init.js";
export type { Reduction, LossOptions, ClassTarget } from "./functional/index.js";
