/** Training helpers: `fit` runs the usual loop, `evaluate` and `accuracy` measure a model. */
export { fit } from "./fit.js";
export type { FitOptions, EpochRecord, History, Steppable } from "./fit.js";
export { evaluate } from "./evaluate.js";
export type { EvaluateOptions, Evaluation, FitData } from "./evaluate.js";
export { accuracy } from "./accuracy.js";
export type { AccuracyOptions } from "./accuracy.js";
export type { LossFunction } from "./loss-function.js";
