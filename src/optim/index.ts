/** nabla.optim: optimizers and learning-rate schedulers with PyTorch's update rules. */
export { Optimizer } from "./optimizer.js";
export type { BaseOptions, ParamGroup, ParamsInput } from "./optimizer.js";
export { SGD, sgdUpdate } from "./sgd.js";
export type { SGDOptions, SGDState } from "./sgd.js";
export { Adam, AdamW, adamUpdate } from "./adam.js";
export type { AdamOptions, AdamState } from "./adam.js";
export { RMSprop, rmspropUpdate } from "./rmsprop.js";
export type { RMSpropOptions, RMSpropState } from "./rmsprop.js";
export { LRScheduler } from "./lr-scheduler.js";
export { StepLR } from "./step-lr.js";
export type { StepLROptions } from "./step-lr.js";
export { CosineAnnealingLR } from "./cosine-annealing-lr.js";
export type { CosineAnnealingLROptions } from "./cosine-annealing-lr.js";
