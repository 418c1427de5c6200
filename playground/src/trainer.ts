/**
 * Mini-batch training of the playground network with nabla: the loss fits the problem
 * (sigmoid + binary cross-entropy for two classes, softmax + cross-entropy for K), plus an
 * optional L1/L2 penalty on the weights, minimised by SGD, SGD with momentum, or Adam.
 */
import { Generator, Tensor, compile, nn, noGrad, optim, tensor } from "nabla";
import { featureMatrix } from "./features.js";
import { Network } from "./network.js";
import type { FeatureName, OptimizerName, Point, RegularizationName } from "./state.js";

export interface TrainerConfig {
  features: readonly FeatureName[];
  hidden: readonly number[];
  activation: Network["config"]["activation"];
  classes: number;
  optimizer: OptimizerName;
  learningRate: number;
  batchSize: number;
  regularization: RegularizationName;
  regularizationRate: number;
  seed: number;
}

/** Features and labels of a set of points, ready for the network. */
export interface LabelledSet {
  points: readonly Point[];
  x: Tensor;
  labels: Float32Array;
}

export interface Metrics {
  loss: number;
  accuracy: number;
}

/** Turns points into a feature tensor [n, features] and their labels. */
export function labelledSet(points: readonly Point[], features: readonly FeatureName[]): LabelledSet {
  const coordinates = new Float32Array(points.length * 2);
  points.forEach((p, i) => {
    coordinates[2 * i] = p.x;
    coordinates[2 * i + 1] = p.y;
  });
  const x = tensor(featureMatrix(features, coordinates), { shape: [points.length, features.length] });
  return { points, x, labels: Float32Array.from(points, (p) => p.label) };
}

/**
 * Everything training changes, as plain arrays a Web Worker can post: the parameters (in
 * `network.parameters()` order), the optimizer's per-parameter state (Adam's moments, SGD's
 * momentum), the counters and the epoch's shuffled order.
 */
export interface TrainerSnapshot {
  parameters: Float32Array[];
  optimizerState: (Record<string, Float32Array | number | boolean | null> | null)[];
  steps: number;
  seen: number;
  order: number[];
  cursor: number;
}

type Optimizer = optim.Adam | optim.SGD;

function makeOptimizer(name: OptimizerName, parameters: Tensor[], lr: number): Optimizer {
  if (name === "adam") return new optim.Adam(parameters, { lr });
  return new optim.SGD(parameters, { lr, momentum: name === "momentum" ? 0.9 : 0 });
}

/** The data loss of `logits` against integer `labels` for a problem with `classes` classes. */
export function dataLoss(logits: Tensor, labels: Float32Array | Tensor, classes: number): Tensor {
  const target = labels instanceof Tensor ? labels : tensor(labels);
  if (classes === 2) return nn.functional.binaryCrossEntropyWithLogits(logits.reshape([target.size]), target);
  return nn.functional.crossEntropy(logits, target);
}

/** Class probabilities [n, K] from logits (two classes: [1 − p, p] from the one logit). */
export function probabilities(logits: Tensor, classes: number): Float32Array {
  const n = logits.shape[0]!;
  const out = new Float32Array(n * classes);
  const values = (classes === 2 ? logits.sigmoid() : logits.softmax(1)).toTypedArray();
  for (let i = 0; i < n; i++) {
    if (classes === 2) {
      out[2 * i] = 1 - values[i]!;
      out[2 * i + 1] = values[i]!;
    } else for (let k = 0; k < classes; k++) out[i * classes + k] = values[i * classes + k]!;
  }
  return out;
}

export class Trainer {
  readonly network: Network;
  private readonly optimizer: Optimizer;
  private readonly shuffler: Generator;
  private order: number[] = [];
  private cursor = 0;
  /** Training examples seen, so `epoch` can be fractional while an epoch is under way. */
  private seen = 0;
  steps = 0;

  constructor(readonly config: TrainerConfig, private train: LabelledSet) {
    this.network = new Network({ inputs: config.features.length, hidden: config.hidden, activation: config.activation, classes: config.classes, seed: config.seed });
    this.optimizer = makeOptimizer(config.optimizer, this.network.parameters(), config.learningRate);
    this.shuffler = new Generator(config.seed + 1);
  }

  get epoch(): number {
    return this.train.points.length === 0 ? 0 : this.seen / this.train.points.length;
  }

  /** Swaps in new training data (a point was added) without resetting the network. */
  setTrainingData(train: LabelledSet): void {
    this.train = train;
    this.order = [];
    this.cursor = 0;
  }

  /** The state training has reached (see {@link TrainerSnapshot}). */
  snapshot(): TrainerSnapshot {
    const parameters = this.network.parameters();
    const state = this.optimizer.state as Map<Tensor, object>;
    const optimizerState = parameters.map((parameter) => {
      const entry = state.get(parameter);
      if (entry === undefined) return null;
      const fields = Object.entries(entry).map(([key, value]) => [key, value instanceof Tensor ? Float32Array.from(value.toTypedArray()) : (value as number | boolean | null)]);
      return Object.fromEntries(fields) as Record<string, Float32Array | number | boolean | null>;
    });
    const values = parameters.map((parameter) => Float32Array.from(parameter.toTypedArray()));
    return { parameters: values, optimizerState, steps: this.steps, seen: this.seen, order: [...this.order], cursor: this.cursor };
  }

  /**
   * Continues from a snapshot of a trainer with the same configuration. Values are copied into
   * the existing tensors (a compiled step replays kernels on them); `parametersOnly` takes the
   * parameters and counters (enough to draw), not the optimizer's state or the batch order.
   */
  restore(snapshot: TrainerSnapshot, { parametersOnly = false } = {}): void {
    const parameters = this.network.parameters();
    noGrad(() => parameters.forEach((parameter, i) => parameter.copy_(tensor(snapshot.parameters[i]!, { shape: parameter.shape }))));
    this.steps = snapshot.steps;
    this.seen = snapshot.seen;
    if (parametersOnly) return;
    this.order = [...snapshot.order];
    this.cursor = snapshot.cursor;
    // a different stream of permutations from here on, not the first epochs' again
    this.shuffler.seed(this.config.seed + 1 + snapshot.steps);
    const state = this.optimizer.state as unknown as Map<Tensor, Record<string, unknown>>;
    parameters.forEach((parameter, i) => {
      const saved = snapshot.optimizerState[i];
      if (saved === null || saved === undefined) {
        state.delete(parameter);
        return;
      }
      const entry = state.get(parameter) ?? {};
      for (const [key, value] of Object.entries(saved)) {
        const current = entry[key];
        if (!(value instanceof Float32Array)) entry[key] = value;
        else if (current instanceof Tensor) noGrad(() => current.copy_(tensor(value, { shape: current.shape })));
        else entry[key] = tensor(value, { shape: parameter.shape });
      }
      state.set(parameter, entry);
    });
  }

  /** One optimisation step on the next mini-batch; returns its loss. */
  step(): number {
    const n = this.train.points.length;
    if (n === 0) return NaN;
    const batch = Math.min(this.config.batchSize, n);
    if (this.cursor + batch > this.order.length) {
      this.order = this.shuffler.permutation(n);
      this.cursor = 0;
    }
    const indices = this.order.slice(this.cursor, this.cursor + batch);
    this.cursor += batch;
    const width = this.config.features.length;
    const source = this.train.x.toTypedArray();
    const rows = new Float32Array(batch * width);
    const labels = new Float32Array(batch);
    indices.forEach((row, i) => {
      rows.set(source.subarray(row * width, (row + 1) * width), i * width);
      labels[i] = this.train.labels[row]!;
    });
    const loss = this.trainStep(tensor(rows, { shape: [batch, width] }), tensor(labels));
    this.seen += batch;
    this.steps++;
    return loss.item();
  }

  /** Forward, loss, backward, step on one batch: compiled, so the recorded kernels replay from the second batch of a size on. */
  private readonly trainStep = compile((x: Tensor, labels: Tensor): Tensor => {
    const loss = this.totalLoss(this.network.forward(x), labels);
    this.optimizer.zeroGrad();
    loss.backward();
    this.optimizer.step();
    return loss;
  });

  private totalLoss(logits: Tensor, labels: Tensor): Tensor {
    const loss = dataLoss(logits, labels, this.config.classes);
    const { regularization, regularizationRate } = this.config;
    if (regularization === "none" || regularizationRate === 0) return loss;
    const penalty = this.network
      .weights()
      .map((w) => (regularization === "l1" ? w.abs() : w.square()).sum())
      .reduce((a, b) => a.add(b));
    return loss.add(penalty.mul(regularizationRate));
  }

  /** Data loss (without the penalty) and accuracy on a set. */
  evaluate(set: LabelledSet): Metrics {
    if (set.points.length === 0) return { loss: NaN, accuracy: NaN };
    return noGrad(() => {
      const logits = this.network.forward(set.x);
      const loss = dataLoss(logits, set.labels, this.config.classes).item();
      const classes = this.config.classes;
      const p = probabilities(logits, classes);
      let correct = 0;
      for (let i = 0; i < set.points.length; i++) {
        let best = 0;
        for (let k = 1; k < classes; k++) if (p[i * classes + k]! > p[i * classes + best]!) best = k;
        if (best === set.labels[i]) correct++;
      }
      return { loss, accuracy: correct / set.points.length };
    });
  }
}
