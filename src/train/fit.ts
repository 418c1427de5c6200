import type { Module } from "../nn/module.js";
import type { Tensor } from "../tensor/tensor.js";
import { batchesOf, EpochMeter, evaluate, isLabelled, unpackBatch, type Evaluation, type FitData } from "./evaluate.js";
import type { LossFunction } from "./loss-function.js";

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
  if (!Number.isInteger(options.epochs) || options.epochs < 0) throw new Error(`fit: epochs must be an integer ≥ 0, got ${options.epochs}`);
  const batching = (["batchSize", "shuffle", "seed"] as const).filter((key) => options[key] !== undefined);
  if (!isLabelled(data) && batching.length > 0) {
    throw new Error(`fit: ${batching.join(", ")} apply to { x, y } data; these batches come ready-made (set them on the DataLoader instead)`);
  }
}

/** One pass over the batches: zeroGrad, forward, loss, backward, step. */
function trainEpoch(model: Module<[Tensor], Tensor>, batches: Iterable<Tensor[]>, options: FitOptions, epoch: number): Evaluation {
  const meter = new EpochMeter(options);
  model.train();
  for (const batch of batches) {
    const [x, y] = unpackBatch("fit", batch);
    options.optimizer.zeroGrad();
    const output = model.call(x);
    meter.add("fit", output, y)!.backward();
    options.optimizer.step();
  }
  return meter.result(`fit (epoch ${epoch})`);
}

/**
 * Trains `model` — the loop one would otherwise write by hand: for each epoch and batch,
 * `optimizer.zeroGrad()`, forward, loss, `backward()`, `optimizer.step()`, in training mode;
 * then the validation data in eval mode under `noGrad`. Returns the loss and accuracy of every
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
  for (let epoch = 1; epoch <= options.epochs; epoch++) {
    const train = trainEpoch(model, batches, options, epoch);
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
