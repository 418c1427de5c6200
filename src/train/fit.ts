import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchesOf, EpochMeter, evaluate, isLabelled, unpackBatch, type Evaluation, type FitData } from "./evaluate.js";
import { computeLoss, type LossFunction } from "./loss-function.js";
import { Optimizer } from "../optim/optimizer.js";
import { compile } from "../compile/compile.js";
import { TraceError } from "../compile/tracer.js";

/** What `fit` needs of an optimizer (every `optim` class has it). */
export interface Steppable {
  /** Clears the gradients of the parameters it updates. */
  zeroGrad(): void;
  /** Updates the parameters from their gradients. */
  step(): void;
}

/** Options of `fit`: what to train with (epochs, optimizer, loss) and how to batch, validate and report. */
export interface FitOptions {
  /** Passes over the training data. */
  epochs: number;
  /** Updates the model's parameters after every batch, e.g. `new optim.SGD(model.parameters(), { lr: 0.1 })`. */
  optimizer: Steppable;
  /** Loss with "mean" reduction, e.g. `new nn.CrossEntropyLoss()` or `nn.functional.crossEntropy`. */
  loss: LossFunction;
  /** Batch size for `{ x, y }` data (default: the whole set, i.e. full-batch gradient descent). */
  batchSize?: number;
  /** Reshuffle `{ x, y }` data every epoch (default true when batching, false for full batches). */
  shuffle?: boolean;
  /** Seed of that shuffle (default: the generator `manualSeed` sets). */
  seed?: number;
  /** Data evaluated after every epoch, in eval mode and without a graph. */
  validation?: FitData;
  /** Called after every epoch; return `false` to stop training early. */
  onEpoch?: (record: EpochRecord) => void | boolean;
  /** Track accuracy (default true, except for `MSELoss`), or a function computing it per batch. */
  accuracy?: boolean | ((output: Tensor, target: Tensor) => number);
  /** Cut for a single output per sample (default 0.5, or 0 for `BCEWithLogitsLoss`). */
  threshold?: number;
  /**
   * Run each training step through `compile()` (default true): traced once per batch shape,
   * then replayed, with the same results as eager steps. Used only with an `optim` optimizer
   * whose `step()` is the base class's; a step compile cannot trace (a host read in the
   * model, say) runs eagerly from then on. `false` runs every step eagerly.
   */
  compile?: boolean;
}

/** One epoch's numbers: training loss/accuracy averaged over its batches, then validation's. */
export interface EpochRecord {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
}

/** Per-epoch numbers, index 0 for the first epoch (validation arrays stay empty without validation data). */
export interface History {
  loss: number[];
  accuracy: number[];
  valLoss: number[];
  valAccuracy: number[];
}

function checkOptions(data: FitData, options: FitOptions): void {
  if (typeof options !== "object" || options === null) throw new Error(`fit: pass options { epochs, optimizer, loss }`);
  const optimizer = options.optimizer as Partial<Steppable> | undefined;
  if (typeof optimizer?.step !== "function" || typeof optimizer.zeroGrad !== "function") {
    throw new Error(`fit: options.optimizer is ${optimizer === undefined ? "missing" : "not an optimizer (it needs step() and zeroGrad())"}; pass e.g. new optim.SGD(model.parameters(), { lr: 0.1 })`);
  }
  const loss = options.loss as unknown;
  if (typeof loss !== "function" && typeof (loss as { call?: unknown } | undefined)?.call !== "function") {
    throw new Error(`fit: options.loss is ${loss === undefined ? "missing" : "not a loss (a function or a module with call())"}; pass e.g. new nn.CrossEntropyLoss()`);
  }
  if (isLabelled(data) && (data.x.shape[0] ?? 1) === 0) throw new Error(`fit: the data has no samples (x has shape [${data.x.shape.join(", ")}])`);
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new Error(`fit: epochs must be an integer ≥ 0, got ${options.epochs}`);
  const batching = (["batchSize", "shuffle", "seed"] as const).filter((key) => options[key] !== undefined);
  if (!isLabelled(data) && batching.length > 0) {
    throw new Error(`fit: ${batching.join(", ")} apply to { x, y } data; these batches come ready-made (set them on the DataLoader instead)`);
  }
}

/** The first non-finite element of `x` as "NaN at [i, j]", or null: data that cannot be right. */
function firstNonFinite(x: Tensor): string | null {
  const values = x.toTypedArray();
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) continue;
    const index: number[] = [];
    for (let rest = i, d = x.ndim - 1; d >= 0; d--) (index.unshift(rest % x.shape[d]!), (rest = Math.floor(rest / x.shape[d]!)));
    return `${values[i]} at [${index.join(", ")}]`;
  }
  return null;
}

/**
 * A loss this many times the first batch's (the untrained model's) means training diverged:
 * every optimizer is reported alike (a non-finite loss already was), not only the ones whose
 * loss overflows.
 */
const DIVERGENCE_FACTOR = 10;

/** A NaN in the data is not a learning-rate problem: an error saying so, or null. */
function badData(x: Tensor, y: Tensor): Error | null {
  const bad = firstNonFinite(x) ?? firstNonFinite(y);
  return bad === null ? null : new Error(`fit: the ${firstNonFinite(x) !== null ? "input" : "target"} batch holds ${bad}; data with NaN or infinite values cannot be trained on`);
}

/** A training step: zeroGrad, forward, loss, backward, step; returns the output and the loss. */
type TrainStep = (x: Tensor, y: Tensor) => { output: Tensor; loss: Tensor };

/**
 * The compiled training step, or null where compile does not apply: `compile: false`, or an
 * optimizer whose step() compile would not replay as a call (not an `optim` optimizer).
 */
function compiledStep(model: Module<[Tensor], Tensor>, options: FitOptions): TrainStep | null {
  const optimizer = options.optimizer;
  if (options.compile === false || !(optimizer instanceof Optimizer) || optimizer.step !== Optimizer.prototype.step || optimizer.zeroGrad !== Optimizer.prototype.zeroGrad) return null;
  return compile((x: Tensor, y: Tensor) => {
    optimizer.zeroGrad();
    const output = model.call(x);
    const loss = computeLoss("fit", options.loss, output, y);
    loss.backward();
    optimizer.step();
    return { output, loss };
  });
}

/** One pass over the batches: zeroGrad, forward, loss, backward, step. Sets `start.loss` from the very first batch. */
function trainEpoch(model: Module<[Tensor], Tensor>, batches: Iterable<Tensor[]>, options: FitOptions, epoch: number, start: { loss?: number }, stepper: { step: TrainStep | null }): Evaluation {
  const meter = new EpochMeter(options);
  model.train();
  for (const batch of batches) {
    const [x, y] = unpackBatch("fit", batch);
    if (stepper.step !== null) {
      let result: { output: Tensor; loss: Tensor } | null = null;
      try {
        result = stepper.step(x, y);
        meter.add("fit", result.output, y, result.loss);
      } catch (error) {
        if (!(error instanceof TraceError)) throw badData(x, y) ?? error;
        stepper.step = null; // a step compile cannot trace (it reads a value): eager from now on, this batch included
        result = null;
      }
      if (result !== null) {
        start.loss ??= result.loss.item();
        continue;
      }
    }
    options.optimizer.zeroGrad();
    const output = model.call(x);
    let loss: Tensor;
    try {
      loss = meter.add("fit", output, y)!;
    } catch (error) {
      throw badData(x, y) ?? error;
    }
    start.loss ??= loss.item();
    loss.backward();
    options.optimizer.step();
  }
  const result = meter.result(`fit (epoch ${epoch})`);
  if (result.loss !== undefined && start.loss !== undefined && result.loss > DIVERGENCE_FACTOR * Math.max(start.loss, 0.01)) {
    throw new Error(`fit: training diverged: the loss rose from ${start.loss.toPrecision(4)} (first batch) to ${result.loss.toPrecision(4)} in epoch ${epoch}; a smaller learning rate, or standardized inputs, usually help`);
  }
  return result;
}

/**
 * Trains `model` — the loop one would otherwise write by hand: for each epoch and batch,
 * `optimizer.zeroGrad()`, forward, loss, `backward()`, `optimizer.step()`, in training mode,
 * compiled with `compile()` unless `compile: false`; then the validation data in eval mode
 * under `noGrad`. Returns the loss and accuracy of every
 * epoch; the model is left in training mode.
 *
 * @example
 * ```ts
 * import { fit, nn, optim, data } from "nabla";
 * const blobs = data.makeBlobs({ nSamples: 200, centers: [[-2, 0], [2, 0]], clusterStd: 0.5, seed: 0 });
 * const model = new nn.Sequential(new nn.Linear(2, 2));
 * const history = fit(model, blobs, { epochs: 20, loss: new nn.CrossEntropyLoss(), optimizer: new optim.SGD(model.parameters(), { lr: 0.5 }) });
 * console.log(history.accuracy.at(-1)); // 1
 * ```
 */
export function fit(model: Module<[Tensor], Tensor>, data: FitData, options: FitOptions): History {
  checkOptions(data, options);
  const history: History = { loss: [], accuracy: [], valLoss: [], valAccuracy: [] };
  const shuffle = options.shuffle ?? options.batchSize !== undefined;
  const batches = batchesOf("fit", data, options.batchSize, shuffle, options.seed);
  const start: { loss?: number } = {};
  const stepper = { step: compiledStep(model, options) };
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const train = trainEpoch(model, batches, options, epoch, start, stepper);
    const record: EpochRecord = { epoch, loss: train.loss! };
    history.loss.push(train.loss!);
    if (train.accuracy !== undefined) history.accuracy.push((record.accuracy = train.accuracy));
    if (options.validation !== undefined) {
      const validation = evaluate(model, options.validation, options);
      history.valLoss.push((record.valLoss = validation.loss!));
      if (validation.accuracy !== undefined) history.valAccuracy.push((record.valAccuracy = validation.accuracy));
    }
    if (options.onEpoch?.(record) === false) break;
  }
  model.train();
  return history;
}
