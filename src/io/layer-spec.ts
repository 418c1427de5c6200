/**
 * Architectures as data: a `Sequential` described layer by layer in JSON, so a model directory
 * can rebuild its network, and the same list maps one to one onto `torch.nn.Sequential`.
 */
import { Dropout } from "../nn/dropout.js";
import { Flatten } from "../nn/flatten.js";
import { Identity } from "../nn/identity.js";
import { Linear } from "../nn/linear.js";
import { LogSoftmax, ReLU, Sigmoid, Softmax, Tanh } from "../nn/activations.js";
import { Sequential, type TensorModule } from "../nn/sequential.js";

/** One layer of a `Sequential`, named as its PyTorch counterpart (`linear` is `torch.nn.Linear`). */
export type LayerSpec =
  | { type: "linear"; inFeatures: number; outFeatures: number; bias: boolean }
  | { type: "relu" }
  | { type: "tanh" }
  | { type: "sigmoid" }
  | { type: "dropout"; p: number }
  | { type: "flatten"; startDim: number; endDim: number }
  | { type: "identity" }
  | { type: "softmax"; dim: number }
  | { type: "logSoftmax"; dim: number };

/** The activations {@link mlpLayers} puts between Linear layers. */
export type Activation = "relu" | "tanh" | "sigmoid";
/** Every {@link Activation}, for validating user input. */
export const ACTIVATIONS: readonly Activation[] = ["relu", "tanh", "sigmoid"];

/**
 * The layers of a multilayer perceptron: Linear layers of the given `sizes` (input first,
 * output last) with `activation` (and dropout, when `dropout` > 0) between them.
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * const layers = io.mlpLayers({ sizes: [2, 16, 2], activation: "relu" });
 * console.log(layers.map((l) => l.type)); // ["linear", "relu", "linear"]
 * ```
 */
export function mlpLayers(options: { sizes: readonly number[]; activation?: Activation; dropout?: number }): LayerSpec[] {
  const { sizes } = options;
  if (sizes.length < 2) throw new Error(`mlpLayers: need at least an input and an output size, got [${sizes.join(",")}]`);
  for (const size of sizes) if (!Number.isInteger(size) || size < 1) throw new Error(`mlpLayers: layer sizes must be integers ≥ 1, got [${sizes.join(",")}]`);
  const activation = options.activation ?? "relu";
  if (!ACTIVATIONS.includes(activation)) throw new Error(`mlpLayers: unknown activation ${JSON.stringify(activation)} (expected ${ACTIVATIONS.join(", ")})`);
  const dropout = options.dropout ?? 0;
  if (!(dropout >= 0 && dropout < 1)) throw new Error(`mlpLayers: dropout must be in [0, 1), got ${dropout}`);
  const layers: LayerSpec[] = [];
  for (let i = 0; i + 1 < sizes.length; i++) {
    if (i > 0) {
      layers.push({ type: activation });
      if (dropout > 0) layers.push({ type: "dropout", p: dropout });
    }
    layers.push({ type: "linear", inFeatures: sizes[i]!, outFeatures: sizes[i + 1]!, bias: true });
  }
  return layers;
}

function describeLayer(module: unknown, index: number): LayerSpec {
  if (module instanceof Linear) return { type: "linear", inFeatures: module.inFeatures, outFeatures: module.outFeatures, bias: module.bias !== null };
  if (module instanceof ReLU) return { type: "relu" };
  if (module instanceof Tanh) return { type: "tanh" };
  if (module instanceof Sigmoid) return { type: "sigmoid" };
  if (module instanceof Dropout) return { type: "dropout", p: module.p };
  if (module instanceof Flatten) return { type: "flatten", startDim: module.startDim, endDim: module.endDim };
  if (module instanceof Identity) return { type: "identity" };
  if (module instanceof Softmax) return { type: "softmax", dim: module.dim };
  if (module instanceof LogSoftmax) return { type: "logSoftmax", dim: module.dim };
  const name = (module as object | null)?.constructor?.name ?? String(module);
  throw new Error(`describeSequential: layer ${index} is a ${name}, which a model directory cannot describe (supported: Linear, ReLU, Tanh, Sigmoid, Dropout, Flatten, Identity, Softmax, LogSoftmax)`);
}

/**
 * The layer list of a `Sequential` built from the supported layers.
 *
 * @example
 * ```ts
 * import { nn, io } from "nabla";
 * const model = new nn.Sequential(new nn.Linear(2, 3), new nn.Tanh());
 * console.log(io.describeSequential(model)); // [{ type: "linear", inFeatures: 2, outFeatures: 3, bias: true }, { type: "tanh" }]
 * ```
 */
export function describeSequential(model: Sequential): LayerSpec[] {
  if (!(model instanceof Sequential)) throw new Error(`describeSequential: expected an nn.Sequential, got ${(model as object | null)?.constructor?.name ?? String(model)}`);
  return model.children().map(describeLayer);
}

function buildLayer(spec: LayerSpec, index: number): TensorModule {
  const where = `buildSequential: layer ${index} (${JSON.stringify(spec)})`;
  const integer = (value: unknown, min: number): number => {
    if (!Number.isInteger(value) || (value as number) < min) throw new Error(`${where}: expected an integer ≥ ${min}, got ${JSON.stringify(value)}`);
    return value as number;
  };
  switch (spec?.type) {
    case "linear": return new Linear(integer(spec.inFeatures, 1), integer(spec.outFeatures, 1), { bias: spec.bias !== false });
    case "relu": return new ReLU();
    case "tanh": return new Tanh();
    case "sigmoid": return new Sigmoid();
    case "dropout": return new Dropout(spec.p);
    case "flatten": return new Flatten(integer(spec.startDim, -64), integer(spec.endDim, -64));
    case "identity": return new Identity();
    case "softmax": return new Softmax(integer(spec.dim, -64));
    case "logSoftmax": return new LogSoftmax(integer(spec.dim, -64));
    default: throw new Error(`${where}: unknown layer type ${JSON.stringify((spec as { type?: unknown } | null)?.type)}`);
  }
}

/**
 * Builds a `Sequential` from its layer list (fresh weights; load a state dict into it).
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * const model = io.buildSequential(io.mlpLayers({ sizes: [2, 8, 2] }));
 * console.log(Object.keys(model.stateDict())); // ["0.weight", "0.bias", "2.weight", "2.bias"]
 * ```
 */
export function buildSequential(layers: readonly LayerSpec[]): Sequential {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`buildSequential: expected a non-empty list of layers, got ${JSON.stringify(layers)}`);
  return new Sequential(...layers.map(buildLayer));
}
