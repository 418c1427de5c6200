/** The training loop behind `nabla train`: PyTorch-style, with progress after every batch. */
import { compile, data, io, manualSeed, nn, noGrad, optim, type Tensor } from "../index.js";
import type { LoadedData } from "./data-source.js";
import { objectiveFor, predictClasses, type LossName, type Objective } from "./objective.js";
import type { EpochLine, Progress } from "./progress.js";
import { fail } from "./user-error.js";

export const OPTIMIZERS = ["sgd", "adam", "adamw", "rmsprop"] as const;
export type OptimizerName = (typeof OPTIMIZERS)[number];
/** `--model`: a multilayer perceptron (--layers, --hidden, --activation) or the convolutional net of workload W5. */
export const PRESETS = ["mlp", "cnn"] as const;
export type PresetName = (typeof PRESETS)[number];

export interface TrainSettings {
  model: PresetName;
  /** Full layer sizes (--layers) or hidden sizes only (--hidden). */
  layers?: number[];
  hidden: number[];
  activation: io.Activation;
  dropout: number;
  loss: LossName;
  optimizer: OptimizerName;
  lr?: number;
  momentum?: number;
  weightDecay?: number;
  epochs: number;
  batchSize: number;
  valSplit: number;
  seed: number;
  standardize: boolean;
  /** Run each training step through compile() (--no-compile: eager steps); default true. */
  compile?: boolean;
}

export interface SetMetrics {
  loss: number;
  accuracy: number;
}

export interface TrainResult {
  model: nn.Sequential;
  objective: Objective;
  /** MLP layer sizes (empty for the CNN). */
  sizes: number[];
  /** "784-128-10 relu", or the CNN's layers in short. */
  summary: string;
  /** One sample's shape as the model takes it ([784], [1, 28, 28]). */
  inputShape: number[];
  history: EpochLine[];
  train: SetMetrics;
  validation?: SetMetrics;
  normalization?: io.Normalization;
  seconds: number;
  parameters: number;
  /** The resolved optimizer settings, for config.json. */
  optimizer: Record<string, string | number>;
}

function layerSizes(dataset: LoadedData, settings: TrainSettings, outputs: number): number[] {
  const features = dataset.inputShape.reduce((a, b) => a * b, 1);
  if (settings.layers === undefined) return [features, ...settings.hidden, outputs];
  const sizes = settings.layers;
  if (sizes.length < 2) fail(`--layers needs at least an input and an output size, got ${sizes.join("-")}`);
  if (sizes[0] !== features) fail(`--layers starts with ${sizes[0]} inputs but the data has ${features} features`);
  if (sizes.at(-1) !== outputs) fail(`--layers ends with ${sizes.at(-1)} outputs but --loss ${settings.loss} on ${dataset.classNames.length} classes needs ${outputs}`);
  return sizes;
}

/**
 * The CNN preset: workload W5's network (two 5×5 convolutions with ReLU and 2×2 max pooling, then
 * a hidden layer of 128) for images [C, H, W] of at least 4×4.
 */
export function cnnLayers(imageShape: readonly number[], outputs: number): io.LayerSpec[] {
  const [channels, height, width] = imageShape as [number, number, number];
  const conv = (inChannels: number, outChannels: number): io.LayerSpec => ({ type: "conv2d", inChannels, outChannels, kernelSize: [5, 5], stride: [1, 1], padding: [2, 2], dilation: [1, 1], groups: 1, bias: true, paddingMode: "zeros" });
  const pool: io.LayerSpec = { type: "maxPool2d", kernelSize: [2, 2], stride: [2, 2], padding: [0, 0], dilation: [1, 1], ceilMode: false };
  const flat = 32 * Math.floor(Math.floor(height / 2) / 2) * Math.floor(Math.floor(width / 2) / 2);
  return [
    conv(channels, 16), { type: "relu" }, pool, conv(16, 32), { type: "relu" }, pool, { type: "flatten", startDim: 1, endDim: -1 },
    { type: "linear", inFeatures: flat, outFeatures: 128, bias: true }, { type: "relu" }, { type: "linear", inFeatures: 128, outFeatures: outputs, bias: true },
  ];
}

interface Architecture {
  layers: io.LayerSpec[];
  inputShape: number[];
  sizes: number[];
  summary: string;
}

function architectureFor(dataset: LoadedData, settings: TrainSettings, outputs: number): Architecture {
  if (settings.model === "mlp") {
    const sizes = layerSizes(dataset, settings, outputs);
    return { layers: io.mlpLayers({ sizes, activation: settings.activation, dropout: settings.dropout }), inputShape: [sizes[0]!], sizes, summary: `${sizes.join("-")} ${settings.activation}` };
  }
  const image = dataset.imageShape;
  if (image === undefined) fail(`--model cnn needs images (an IDX directory such as --data fashion-mnist:DIR); ${dataset.description.split(" (")[0]} has ${dataset.inputShape.join("×")} features per sample`);
  if (image[1]! < 4 || image[2]! < 4) fail(`--model cnn needs images of at least 4×4 pixels, got ${image.slice(1).join("×")}`);
  return { layers: cnnLayers(image, outputs), inputShape: image, sizes: [], summary: `cnn conv5×5 ${image[0]}→16→32, maxpool, ${outputs === 1 ? "128→1" : `128→${outputs}`}` };
}

function createOptimizer(parameters: Tensor[], settings: TrainSettings): { optimizer: { zeroGrad(): void; step(): void }; resolved: Record<string, string | number> } {
  const name = settings.optimizer;
  if (settings.momentum !== undefined && name !== "sgd" && name !== "rmsprop") fail(`--momentum applies to sgd and rmsprop, not ${name}`);
  // the CNN learns best with smaller steps (W5 trains with SGD lr 0.05, momentum 0.9)
  const lr = settings.lr ?? (settings.model === "cnn" ? (name === "sgd" ? 0.05 : 0.001) : name === "sgd" ? 0.1 : 0.01);
  const weightDecay = settings.weightDecay ?? (name === "adamw" ? 0.01 : 0);
  const momentum = settings.momentum ?? (name === "sgd" ? 0.9 : 0);
  const optimizer =
    name === "sgd" ? new optim.SGD(parameters, { lr, momentum, weightDecay })
    : name === "adam" ? new optim.Adam(parameters, { lr, weightDecay })
    : name === "adamw" ? new optim.AdamW(parameters, { lr, weightDecay })
    : new optim.RMSprop(parameters, { lr, momentum, weightDecay });
  const resolved: Record<string, string | number> = { name, lr, weightDecay };
  if (name === "sgd" || name === "rmsprop") resolved.momentum = momentum;
  return { optimizer, resolved };
}

/** Samples per forward pass when measuring a whole set (a CNN's activations on 60,000 images would not fit at once). */
const MEASURE_BATCH = 1000;

/** Loss and accuracy of `model` on a whole set, in eval mode without a graph, in batches. */
export function measure(model: nn.Sequential, objective: Objective, x: Tensor, labels: Tensor): SetMetrics {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const n = x.shape[0]!;
      let [lossSum, correct] = [0, 0];
      for (let start = 0; start < n; start += MEASURE_BATCH) {
        const size = Math.min(MEASURE_BATCH, n - start);
        const rows = labels.narrow(0, start, size);
        const outputs = model.call(x.narrow(0, start, size));
        lossSum += objective.lossOf(outputs, objective.target(rows)).item() * size;
        correct += countCorrect(objective, outputs, rows);
      }
      return { loss: lossSum / n, accuracy: correct / n };
    });
  } finally {
    model.train(wasTraining);
  }
}

function countCorrect(objective: Objective, outputs: Tensor, labels: Tensor): number {
  const { classes } = predictClasses(objective, outputs.detach());
  const truth = labels.toTypedArray();
  return classes.filter((c, i) => c === truth[i]).length;
}

interface PreparedData {
  xTrain: Tensor;
  yTrain: Tensor;
  xVal?: Tensor;
  yVal?: Tensor;
  normalization?: io.Normalization;
}

/** `x` [n, features] as the model takes it: [n, ...inputShape]. */
function shaped(x: Tensor, inputShape: readonly number[]): Tensor {
  return x.reshape([x.shape[0]!, ...inputShape]);
}

/** Holds out the validation share, then standardises both parts with the training statistics. */
function prepareData(dataset: LoadedData, settings: TrainSettings): PreparedData {
  let prepared: PreparedData = { xTrain: dataset.x, yTrain: dataset.y };
  if (settings.valSplit > 0) {
    const n = dataset.x.shape[0]!;
    if (Math.ceil(settings.valSplit * n) >= n) fail(`--val-split ${settings.valSplit} of ${n} samples leaves nothing to train on`);
    const parts = data.trainTestSplit(dataset.x, dataset.y, { testSize: settings.valSplit, seed: settings.seed });
    prepared = { xTrain: parts.xTrain, yTrain: parts.yTrain, xVal: parts.xTest, yVal: parts.yTest };
  }
  if (!settings.standardize) return prepared;
  const { x, mean, std } = data.standardize(prepared.xTrain);
  prepared.xTrain = x;
  if (prepared.xVal !== undefined) prepared.xVal = data.standardize(prepared.xVal, { mean, std }).x;
  prepared.normalization = { mean: Array.from(mean.toTypedArray()), std: Array.from(std.toTypedArray()) };
  return prepared;
}

/** One training step: zeroGrad, forward, loss, backward, step; returns the outputs and the loss. */
type TrainStep = (x: Tensor, target: Tensor) => { outputs: Tensor; loss: Tensor };

interface EpochContext {
  model: nn.Sequential;
  objective: Objective;
  step: TrainStep;
  loader: Iterable<Tensor[]>;
  display: Progress;
}

/** The training step, traced once per batch shape and replayed unless `--no-compile`. */
function trainStep(model: nn.Sequential, objective: Objective, optimizer: { zeroGrad(): void; step(): void }, useCompile: boolean): TrainStep {
  const step: TrainStep = (x, target) => {
    optimizer.zeroGrad();
    const outputs = model.call(x);
    const loss = objective.lossOf(outputs, target);
    loss.backward();
    optimizer.step();
    return { outputs, loss };
  };
  return useCompile ? compile(step) : step;
}

/** One pass over the batches: zeroGrad, forward, loss, backward, step; returns mean loss and accuracy. */
function trainEpoch(epoch: number, { model, objective, step, loader, display }: EpochContext): EpochLine {
  model.train();
  let [lossSum, correct, seen, batch] = [0, 0, 0, 0];
  for (const [x, target, labels] of loader) {
    const { outputs, loss } = step(x!, target!);
    const value = loss.item();
    if (!Number.isFinite(value)) fail(`training diverged: the loss is ${value} in epoch ${epoch}, batch ${batch + 1}; try a smaller --lr`);
    const n = x!.shape[0]!;
    [lossSum, correct, seen, batch] = [lossSum + value * n, correct + countCorrect(objective, outputs, labels!), seen + n, batch + 1];
    display.batch(epoch, batch, lossSum / seen, correct / seen);
  }
  return { epoch, loss: lossSum / seen, accuracy: correct / seen };
}

/** Refuses data with NaN or infinite features: training on it cannot be right (issue 11). */
function checkFinite(dataset: LoadedData): void {
  const values = dataset.x.toTypedArray();
  const width = values.length / Math.max(1, dataset.x.shape[0]!);
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(values[i]!)) continue;
    const feature = i % width;
    const name = dataset.featureNames?.[feature];
    fail(`${dataset.description}: sample ${Math.floor(i / width) + 1}, feature ${name === undefined ? feature + 1 : `"${name}"`} is ${values[i]}; data with NaN or infinite values cannot be trained on`);
  }
}

/** A training loss this many times the untrained model's means training diverged (any optimizer). */
const DIVERGENCE_FACTOR = 10;

/** Names the first parameter holding NaN or ±inf, or null: such weights are never saved. */
function nonFiniteParameter(model: nn.Sequential): string | null {
  for (const [name, p] of Object.entries(model.stateDict())) if (!p.toTypedArray().every(Number.isFinite)) return name;
  return null;
}

/** Trains an MLP or the CNN on `dataset` as `settings` say, reporting to `progress`. */
export function trainModel(dataset: LoadedData, settings: TrainSettings, progress: (batches: number) => Progress): TrainResult {
  checkFinite(dataset);
  manualSeed(settings.seed);
  const objective = objectiveFor(settings.loss, dataset.classNames.length);
  const architecture = architectureFor(dataset, settings, objective.outputs);
  const prepared = prepareData(dataset, settings);
  const { yTrain, yVal, normalization } = prepared;
  const xTrain = shaped(prepared.xTrain, architecture.inputShape);
  const xVal = prepared.xVal === undefined ? undefined : shaped(prepared.xVal, architecture.inputShape);
  const model = io.buildSequential(architecture.layers);
  const { optimizer, resolved } = createOptimizer(model.parameters(), settings);
  const step = trainStep(model, objective, optimizer, settings.compile !== false);
  const loader = new data.DataLoader(new data.TensorDataset(xTrain, objective.target(yTrain), yTrain), { batchSize: settings.batchSize, shuffle: true, seed: settings.seed });
  const display = progress(Math.ceil(xTrain.shape[0]! / settings.batchSize));
  const history: EpochLine[] = [];
  const untrained = measure(model, objective, xTrain, yTrain).loss;
  const started = performance.now();
  try {
    for (let epoch = 1; epoch <= settings.epochs; epoch++) {
      const line = trainEpoch(epoch, { model, objective, step, loader, display });
      if (line.loss > DIVERGENCE_FACTOR * Math.max(untrained, 0.01)) {
        fail(`training diverged: the loss rose from ${untrained.toPrecision(4)} (untrained) to ${line.loss.toPrecision(4)} in epoch ${epoch}; try a smaller --lr`);
      }
      if (xVal !== undefined) ({ loss: line.valLoss, accuracy: line.valAccuracy } = measure(model, objective, xVal, yVal!));
      history.push(line);
      display.epochEnd(line);
    }
  } finally {
    display.stop();
  }
  const result: TrainResult = {
    model: model.eval(), objective, sizes: architecture.sizes, summary: architecture.summary, inputShape: architecture.inputShape, history, seconds: (performance.now() - started) / 1000, optimizer: resolved,
    train: measure(model, objective, xTrain, yTrain),
    parameters: model.parameters().reduce((total, p) => total + p.size, 0),
  };
  const broken = nonFiniteParameter(model);
  if (broken !== null) fail(`training diverged: parameter ${broken} holds NaN or infinite values; nothing is saved (try a smaller --lr)`);
  if (xVal !== undefined) result.validation = measure(model, objective, xVal, yVal!);
  if (normalization !== undefined) result.normalization = normalization;
  return result;
}
