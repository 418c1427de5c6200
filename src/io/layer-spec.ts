/**
 * Architectures as data: a `Sequential` described layer by layer in JSON, so a model directory
 * can rebuild its network, and the same list maps one to one onto `torch.nn.Sequential`.
 */
import { Sequential, type TensorModule } from "../nn/sequential.js";
import { BASIC_LAYER_KINDS, type BasicLayerSpec } from "./basic-layer-kinds.js";
import { CNN_LAYER_KINDS, type CnnLayerSpec } from "./cnn-layer-kinds.js";
import { ACTIVATION_LAYER_KINDS, type ActivationLayerSpec } from "./activation-layer-kinds.js";
import { ATTENTION_LAYER_KINDS, type AttentionLayerSpec, type TransformerEncoderSpec } from "./attention-layer-kinds.js";
import { UPSAMPLE_LAYER_KIND, type UpsampleLayerSpec } from "./upsample-layer-kind.js";
import { LayerFields } from "./layer-fields.js";
import { kind, type LayerKind } from "./layer-kind.js";

/**
 * One layer of a `Sequential`, named as its PyTorch counterpart (`linear` is `torch.nn.Linear`,
 * `conv2d` is `torch.nn.Conv2d`, `batchNorm2d` is `torch.nn.BatchNorm2d` …), with the module's
 * options as fields (camelCase, sizes as one entry per axis).
 */
export type LayerSpec = BasicLayerSpec | CnnLayerSpec | ActivationLayerSpec | AttentionLayerSpec | TransformerEncoderSpec | UpsampleLayerSpec;

const KINDS = new Map<string, LayerKind<{ type: string }>>([...BASIC_LAYER_KINDS, ...CNN_LAYER_KINDS, ...ACTIVATION_LAYER_KINDS, ...ATTENTION_LAYER_KINDS, kind(UPSAMPLE_LAYER_KIND)].map((k) => [k.type, k]));

/** The most layers an architecture may list. */
const MAX_LAYERS = 10_000;
/** The most values one sample may have between two layers (a config asking for more is not a model's). */
const MAX_SAMPLE_SIZE = 1 << 28;

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

function describeLayer(module: TensorModule, index: number): LayerSpec {
  const match = [...KINDS.values()].find((k) => module.constructor === k.module);
  if (match === undefined) {
    const name = (module as object | null)?.constructor?.name ?? String(module);
    throw new Error(`describeSequential: layer ${index} is a ${name}, which a model directory cannot describe (supported: ${[...KINDS.values()].map((k) => k.module.name).join(", ")})`);
  }
  return match.describe(module) as LayerSpec;
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
  return model.children().map((module, index) => describeLayer(module as TensorModule, index));
}

/** The kind of `spec` and its checked, completed fields; `where` names the layer in errors. */
function readLayer(spec: unknown, where: string): { kind: LayerKind<{ type: string }>; spec: LayerSpec } {
  if (typeof spec !== "object" || spec === null || Array.isArray(spec)) throw new Error(`${where}: expected a layer object such as {"type": "relu"}, got ${JSON.stringify(spec)}`);
  const type = (spec as { type?: unknown }).type;
  const found = typeof type === "string" && Object.hasOwn(Object.fromEntries(KINDS), type) ? KINDS.get(type) : undefined;
  if (found === undefined) throw new Error(`${where}: unknown layer type ${JSON.stringify(type)} (known: ${[...KINDS.keys()].join(", ")})`);
  const fields = new LayerFields(spec as Record<string, unknown>, `${where} (${type as string})`);
  const read = found.read(fields);
  fields.done();
  return { kind: found, spec: read as LayerSpec };
}

function readLayers(layers: readonly unknown[], prefix: string): { kind: LayerKind<{ type: string }>; spec: LayerSpec }[] {
  if (!Array.isArray(layers) || layers.length === 0) throw new Error(`${prefix}: expected a non-empty list of layers, got ${JSON.stringify(layers)}`);
  if (layers.length > MAX_LAYERS) throw new Error(`${prefix}: ${layers.length} layers; at most ${MAX_LAYERS} are read`);
  return layers.map((layer, i) => readLayer(layer, `${prefix}[${i}]`));
}

/**
 * Checks a config's architecture against the input shape, layer by layer, without building it:
 * every field (named by its path, "architecture[2].kernelSize"), and each layer's fit to the
 * shape the layers before it make. Returns the layers with their defaults filled in, each
 * layer's state-dict shapes (what model.safetensors must hold) and the output shape of a sample.
 *
 * @example
 * ```ts
 * import { io } from "nabla";
 * const layers = [{ type: "conv2d", inChannels: 1, outChannels: 4, kernelSize: 3 }, { type: "flatten" }];
 * console.log(io.checkArchitecture(layers, [1, 8, 8]).outputShape); // [144]
 * ```
 */
export function checkArchitecture(layers: readonly unknown[], inputShape: readonly number[], prefix = "architecture"): { layers: LayerSpec[]; state: Record<string, number[]>[]; outputShape: number[]; labels: string[] } {
  const read = readLayers(layers, prefix);
  let shape = [...inputShape];
  read.forEach(({ kind, spec }, i) => {
    const before = shape;
    shape = kind.output(spec, before, (why) => {
      throw new Error(`${prefix}[${i}] (${kind.label(spec)}) does not fit its input: ${why}${i === 0 ? ` (inputShape [${inputShape.join(", ")}])` : ` (the sample shape after ${prefix}[${i - 1}])`}`);
    });
    const size = shape.reduce((a, b) => a * b, 1);
    if (size > MAX_SAMPLE_SIZE) throw new Error(`${prefix}[${i}] (${kind.label(spec)}) makes samples of shape [${shape.join(", ")}] (${size} values); at most ${MAX_SAMPLE_SIZE} are allowed`);
  });
  return { layers: read.map((r) => r.spec), state: read.map(({ kind, spec }) => kind.state(spec)), outputShape: shape, labels: read.map(({ kind, spec }) => kind.label(spec)) };
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
  return new Sequential(...readLayers(layers, "buildSequential: layer").map(({ kind, spec }) => kind.build(spec)));
}
