/** What `config.json` of a model directory holds, and its validation on load. */
import { checkArchitecture, type LayerSpec } from "./layer-spec.js";

/** The `format` field of every nabla config.json. */
export const MODEL_FORMAT = "nabla-model";
/** The config.json version this nabla writes (and the newest it reads). */
export const MODEL_FORMAT_VERSION = 1;

/** Per-feature standardisation applied to inputs before the model: (x − mean) / std. */
export interface Normalization {
  mean: number[];
  std: number[];
}

/** The contents of `config.json`. */
export interface ModelConfig {
  format: typeof MODEL_FORMAT;
  version: number;
  /** The network, layer by layer (a `Sequential`). */
  architecture: LayerSpec[];
  /** Shape of one input sample, e.g. [2] for points in the plane or [784] for 28×28 images. */
  inputShape: number[];
  /** Names of the output classes, index = class; absent for regression. */
  classNames?: string[];
  /** Names of the input features (e.g. CSV columns), in order. */
  featureNames?: string[];
  /** For CSV data: the label column the model was trained against. */
  labelColumn?: string;
  normalization?: Normalization;
  /** How the model was trained (optimizer, learning rate, epochs, data …), for the record. */
  training?: Record<string, unknown>;
}

/** The part of a config the caller provides to `io.save` (the architecture can come from the model). */
export type ModelConfigInput = Omit<ModelConfig, "format" | "version" | "architecture" | "inputShape"> & {
  architecture?: LayerSpec[];
  inputShape?: number[];
};

function isNumberArray(value: unknown): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number" && Number.isFinite(v));
}

function isStringArray(value: unknown): value is string[] {
  return Array.isArray(value) && value.every((v) => typeof v === "string");
}

/**
 * Checks parsed `config.json` contents, naming `source` and the field at fault.
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * io.checkModelConfig({ format: "nabla-model", version: 1, architecture: [{ type: "relu" }], inputShape: [2] }, "config.json");
 * ```
 */
export function checkModelConfig(value: unknown, source: string): ModelConfig {
  const fail = (why: string): never => {
    throw new Error(`${source}: ${why}`);
  };
  if (typeof value !== "object" || value === null || Array.isArray(value)) return fail("expected a JSON object");
  const config = value as Record<string, unknown>;
  if (config.format !== MODEL_FORMAT) fail(`"format" must be "${MODEL_FORMAT}", got ${JSON.stringify(config.format)} (not a nabla model config)`);
  if (typeof config.version !== "number" || config.version > MODEL_FORMAT_VERSION) fail(`unsupported "version" ${JSON.stringify(config.version)} (this nabla reads up to ${MODEL_FORMAT_VERSION})`);
  if (!Array.isArray(config.architecture) || config.architecture.length === 0) fail(`"architecture" must be a non-empty list of layers`);
  if (!isNumberArray(config.inputShape) || !config.inputShape.every((d) => Number.isInteger(d) && d >= 1)) fail(`"inputShape" must be a list of positive integers, got ${JSON.stringify(config.inputShape)}`);
  if ((config.inputShape as number[]).length > 8 || (config.inputShape as number[]).reduce((a, b) => a * b, 1) > 1 << 28) fail(`"inputShape" ${JSON.stringify(config.inputShape)} is larger than a model's input (at most 8 dims, 2^28 values)`);
  try {
    // each layer's fields and its fit to the shape the layers before it make, before anything is built
    config.architecture = checkArchitecture(config.architecture as unknown[], config.inputShape as number[]).layers;
  } catch (error) {
    fail((error as Error).message);
  }
  if (config.classNames !== undefined && !isStringArray(config.classNames)) fail(`"classNames" must be a list of strings`);
  if (config.featureNames !== undefined && !isStringArray(config.featureNames)) fail(`"featureNames" must be a list of strings`);
  if (config.normalization !== undefined) {
    const n = config.normalization as Partial<Normalization> | null;
    if (typeof n !== "object" || n === null || !isNumberArray(n.mean) || !isNumberArray(n.std) || n.mean.length !== n.std.length) {
      fail(`"normalization" must be { "mean": [...], "std": [...] } of equal lengths`);
    }
    // a stranger's config: a std of 0 or a length that is not the feature count would turn
    // every prediction into ±inf/NaN or a broadcasting error far from the cause
    const features = (config.inputShape as number[]).reduce((a, b) => a * b, 1);
    if (n!.mean!.length !== features) fail(`"normalization" has ${n!.mean!.length} means and stds, but "inputShape" [${(config.inputShape as number[]).join(", ")}] has ${features} features`);
    const bad = n!.std!.findIndex((v) => !(v > 0));
    if (bad >= 0) fail(`"normalization.std" must be positive, got ${n!.std![bad]} at index ${bad}`);
  }
  return config as unknown as ModelConfig;
}
