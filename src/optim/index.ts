/** nabla.optim: optimizers and learning-rate schedulers with PyTorch's update rules. */
export { Optimizer } from "./optimizer.js";
export type { BaseOptions, ParamGroup, ParamsInput } from "./optimizer.js";
export { SGD, sgdUpdate } from "./sgd.js";
export type { SGDOptions, SGDState } from "./sgd.js";
