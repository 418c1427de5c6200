/** A model directory as the CLI uses it: the network, its config, and how to feed and read it. */
import { io, tensor, type nn, type Tensor } from "../index.js";
import { LOSSES, objectiveFor, type LossName, type Objective } from "./objective.js";
import { fail } from "./user-error.js";

export interface SavedModel {
  dir: string;
  model: nn.Sequential;
  config: io.ModelConfig;
  objective: Objective;
  classNames: string[];
  /** Number of input features (the product of the input shape). */
  features: number;
  /** Rows of features [n, features] as the model takes them: standardised as in training, shaped [n, ...inputShape]. */
  prepare(x: Tensor): Tensor;
  /** "2-16-16-2 relu" or the layer types. */
  summary: string;
}

const MLP_LAYERS = new Set(["linear", "relu", "tanh", "sigmoid", "dropout"]);

/** "2-16-16-2 relu" for an MLP, else the layers in short: "conv2d(16) relu maxPool2d … linear(10)". */
export function architectureSummary(architecture: readonly io.LayerSpec[]): string {
  if (architecture.every((layer) => MLP_LAYERS.has(layer.type))) {
    const linear = architecture.filter((layer): layer is Extract<io.LayerSpec, { type: "linear" }> => layer.type === "linear");
    const sizes = linear.length > 0 ? [linear[0]!.inFeatures, ...linear.map((layer) => layer.outFeatures)] : [];
    const activation = architecture.find((layer) => layer.type === "relu" || layer.type === "tanh" || layer.type === "sigmoid")?.type ?? "";
    return `${sizes.join("-")} ${activation}`.trim();
  }
  return architecture.map((layer) => {
    if (layer.type === "linear") return `linear(${layer.outFeatures})`;
    if ("outChannels" in layer) return `${layer.type}(${layer.outChannels})`;
    return layer.type;
  }).join(" ");
}

export async function loadSavedModel(dir: string): Promise<SavedModel> {
  const { model, config } = await io.load(dir);
  const linear = config.architecture.filter((layer) => layer.type === "linear");
  const outputs = linear.at(-1)?.type === "linear" ? linear.at(-1)!.outFeatures : 0;
  const recorded = config.training?.loss;
  const loss: LossName = typeof recorded === "string" && (LOSSES as readonly string[]).includes(recorded) ? (recorded as LossName) : "cross-entropy";
  const classCount = config.classNames?.length ?? (loss === "bce" ? 2 : outputs);
  if (classCount < 2) fail(`${dir}: the model has ${outputs} output(s) and no class names; eval and predict need a classifier`);
  const classNames = config.classNames ?? Array.from({ length: classCount }, (_, k) => String(k));
  const mean = config.normalization === undefined ? null : tensor(config.normalization.mean);
  const std = config.normalization === undefined ? null : tensor(config.normalization.std);
  return {
    dir,
    model,
    config,
    objective: objectiveFor(loss, classCount),
    classNames,
    features: config.inputShape.reduce((a, b) => a * b, 1),
    prepare: (x) => {
      const standardized = mean === null || std === null ? x : x.sub(mean).div(std);
      return standardized.reshape([x.shape[0]!, ...config.inputShape]);
    },
    summary: architectureSummary(config.architecture),
  };
}

/** eval and predict refuse a CSV whose feature columns are not the ones the model was trained on, in the same words. */
export function refuseColumns(columns: readonly string[], trainedOn: readonly string[]): never {
  return fail(`the data's columns are ${columns.join(", ")} but the model was trained on ${trainedOn.join(", ")}`);
}
