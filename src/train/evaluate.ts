import { noGrad } from "../autograd/grad-mode.js";
import { DataLoader } from "../data/data-loader.js";
import type { LabelledData } from "../data/labelled-data.js";
import { TensorDataset } from "../data/tensor-dataset.js";
import type { Module } from "../nn/module.js";
import { Tensor } from "../tensor/tensor.js";
import { accuracy } from "./accuracy.js";
import { accuracyDefaults, computeLoss, type LossFunction } from "./loss-function.js";

/** Training or evaluation data: `{ x, y }` tensors, or batches `[x, y]` (e.g. a `data.DataLoader`). */
export type FitData = LabelledData | Iterable<Tensor[]>;

/** Options of `evaluate`: the loss to average and how to batch and score the data. */
export interface EvaluateOptions {
  /** Loss to average over the data (omit to measure accuracy only). */
  loss?: LossFunction;
  /** Batch size for `{ x, y }` data (default: all at once); batches passed in are used as they are. */
  batchSize?: number;
  /** Report accuracy (default true, except for `MSELoss`), or a function computing it per batch. */
  accuracy?: boolean | ((output: Tensor, target: Tensor) => number);
  /** Cut for a single output per sample (default 0.5, or 0 for `BCEWithLogitsLoss`). */
  threshold?: number;
}

/** What `evaluate` measured (and one epoch of `fit`): mean loss and accuracy over the data. */
export interface Evaluation {
  /** Mean loss per sample (when a loss was given). */
  loss?: number;
  /** Fraction classified correctly (when accuracy is on). */
  accuracy?: number;
}

/** @internal The batches of `data`: `{ x, y }` as one batch unless a smaller `batchSize` is asked for. */
export function batchesOf(op: string, data: FitData, batchSize?: number, shuffle = false, seed?: number): Iterable<Tensor[]> {
  if (!isLabelled(data)) return data;
  const n = data.x.shape[0] ?? 0;
  if (batchSize === undefined || (batchSize >= n && !shuffle)) return [[data.x, data.y]];
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`${op}: batchSize must be an integer ≥ 1, got ${batchSize}`);
  return new DataLoader(new TensorDataset(data.x, data.y), { batchSize, shuffle, ...(seed === undefined ? {} : { seed }) });
}

/** @internal Whether `data` is `{ x, y }` tensors rather than batches. */
export function isLabelled(data: FitData): data is LabelledData {
  return (data as LabelledData).x instanceof Tensor && (data as LabelledData).y instanceof Tensor;
}

/** @internal The input and target of one batch. */
export function unpackBatch(op: string, batch: Tensor[]): [Tensor, Tensor] {
  if (!Array.isArray(batch) || batch.length < 2 || !(batch[0] instanceof Tensor) || !(batch[1] instanceof Tensor)) {
    throw new Error(`${op}: each batch must be [input, target] tensors (as a DataLoader over TensorDataset(x, y) yields)`);
  }
  return [batch[0], batch[1]];
}

/**
 * Runs `model` over `data` in evaluation mode without recording a graph, returning the mean loss
 * and the accuracy; the model's mode is restored afterwards.
 *
 * @example
 * ```ts
 * import { evaluate, nn, data } from "nabla";
 * const moons = data.makeMoons({ nSamples: 100, seed: 0 });
 * const model = new nn.Sequential(new nn.Linear(2, 2));
 * const result = evaluate(model, moons, { loss: new nn.CrossEntropyLoss() });
 * console.log(Object.keys(result)); // ["loss", "accuracy"]
 * ```
 */
export function evaluate(model: Module<[Tensor], Tensor>, data: FitData, options: EvaluateOptions = {}): Evaluation {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const meter = new EpochMeter(options);
      for (const batch of batchesOf("evaluate", data, options.batchSize)) {
        const [x, y] = unpackBatch("evaluate", batch);
        meter.add("evaluate", model.call(x), y);
      }
      return meter.result("evaluate");
    });
  } finally {
    model.train(wasTraining);
  }
}

/** @internal Sums loss and correct predictions over batches, weighted by batch size. */
export class EpochMeter {
  private samples = 0;
  private lossSum = 0;
  private correct = 0;
  private readonly accuracyFunction: ((output: Tensor, target: Tensor) => number) | null;

  constructor(private readonly options: EvaluateOptions) {
    const defaults = options.loss === undefined ? { enabled: true, threshold: 0.5 } : accuracyDefaults(options.loss);
    const threshold = options.threshold ?? defaults.threshold;
    const wanted = options.accuracy ?? defaults.enabled;
    this.accuracyFunction = typeof wanted === "function" ? wanted : wanted ? (output, target) => accuracy(output, target, { threshold }) : null;
  }

  /**
   * Adds one batch; returns its loss tensor (still in the graph when recording) if a loss is set.
   * `computed`: the batch's loss already computed (by a compiled training step).
   */
  add(op: string, output: Tensor, target: Tensor, computed?: Tensor): Tensor | null {
    const n = output.shape[0] ?? 1;
    const loss = computed ?? (this.options.loss === undefined ? null : computeLoss(op, this.options.loss, output, target));
    if (loss !== null) {
      const value = loss.item();
      if (!Number.isFinite(value)) throw new Error(`${op}: the loss is ${value} on batch of ${n} samples (after ${this.samples} samples); a smaller learning rate, or standardized inputs, usually help`);
      this.lossSum += value * n;
    }
    if (this.accuracyFunction !== null) this.correct += this.accuracyFunction(output.detach(), target) * n;
    this.samples += n;
    return loss;
  }

  result(op: string): Evaluation {
    if (this.samples === 0) throw new Error(`${op}: the data yielded no batches (an iterator or generator is used up after one pass; pass a DataLoader or an array of batches)`);
    const out: Evaluation = {};
    if (this.options.loss !== undefined) out.loss = this.lossSum / this.samples;
    if (this.accuracyFunction !== null) out.accuracy = this.correct / this.samples;
    return out;
  }
}
