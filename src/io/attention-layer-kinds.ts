// A transformer encoder block in a config.json (transformerEncoderLayer is
// torch.nn.TransformerEncoderLayer, its fields the constructor's arguments, camelCase), so a
// Sequential of Embedding → TransformerEncoderLayer … → Linear is a model directory like any other;
// transformerEncoder is torch.nn.TransformerEncoder: the layer's fields, numLayers and an optional
// final LayerNorm (finalNorm, with its own eps: PyTorch's norm=nn.LayerNorm(d_model)).
import { LayerNorm } from "../nn/layer-norm.js";
import { TransformerEncoder } from "../nn/transformer-encoder.js";
import { TransformerEncoderLayer } from "../nn/transformer-encoder-layer.js";
import { kind, type LayerKind } from "./layer-kind.js";

/** The attention layers of a {@link LayerSpec}. */
export type AttentionLayerSpec = {
  type: "transformerEncoderLayer";
  dModel: number;
  nhead: number;
  dimFeedforward: number;
  dropout: number;
  activation: "relu" | "gelu";
  layerNormEps: number;
  batchFirst: boolean;
  normFirst: boolean;
  bias: boolean;
};

/** More heads than this is not a model's (each head needs at least one feature anyway). */
const MAX_HEADS = 1 << 12;

const transformerEncoderLayer: LayerKind<AttentionLayerSpec> = {
  type: "transformerEncoderLayer",
  module: TransformerEncoderLayer,
  read: (f) => {
    const dModel = f.int("dModel", 1);
    const nhead = f.int("nhead", 1, undefined, MAX_HEADS);
    if (dModel % nhead !== 0) f.fail("nhead", `${nhead} heads do not divide dModel ${dModel}`);
    return {
      type: "transformerEncoderLayer",
      dModel,
      nhead,
      dimFeedforward: f.int("dimFeedforward", 1, 2048),
      dropout: f.number("dropout", 0.1, 0, 1, true),
      activation: f.oneOf("activation", ["relu", "gelu"] as const, "relu"),
      layerNormEps: f.positive("layerNormEps", 1e-5),
      batchFirst: f.bool("batchFirst", false),
      normFirst: f.bool("normFirst", false),
      bias: f.bool("bias", true),
    };
  },
  build: (s) =>
    new TransformerEncoderLayer(s.dModel, s.nhead, {
      dimFeedforward: s.dimFeedforward,
      dropout: s.dropout,
      activation: s.activation,
      layerNormEps: s.layerNormEps,
      batchFirst: s.batchFirst,
      normFirst: s.normFirst,
      bias: s.bias,
    }),
  describe: (m) => {
    const layer = m as TransformerEncoderLayer;
    const { dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias } = layer.options();
    if (typeof activation === "function") {
      throw new Error("TransformerEncoderLayer: a config.json can name only the \"relu\" and \"gelu\" activations, not a function");
    }
    return { type: "transformerEncoderLayer", dModel: layer.dModel, nhead: layer.nhead, dimFeedforward, dropout, activation, layerNormEps, batchFirst, normFirst, bias };
  },
  state: (s) => {
    const e = s.dModel;
    const ff = s.dimFeedforward;
    const weights: Record<string, number[]> = {
      "self_attn.in_proj_weight": [3 * e, e],
      "self_attn.out_proj.weight": [e, e],
      "linear1.weight": [ff, e],
      "linear2.weight": [e, ff],
      "norm1.weight": [e],
      "norm2.weight": [e],
    };
    if (!s.bias) return weights;
    return {
      ...weights,
      "self_attn.in_proj_bias": [3 * e],
      "self_attn.out_proj.bias": [e],
      "linear1.bias": [ff],
      "linear2.bias": [e],
      "norm1.bias": [e],
      "norm2.bias": [e],
    };
  },
  // a sample is a sequence [L, E] (batchFirst) or one position's [N, E] rows (PyTorch's [L, N, E]
  // with the Sequential's batch dim as L), or a single vector; the block keeps its shape
  output: (s, input, fail) => {
    if (input.length < 1 || input.length > 2 || input[input.length - 1] !== s.dModel) {
      fail(`needs a sample of shape [${s.batchFirst ? "L" : "N"}, ${s.dModel}] or [${s.dModel}], got [${input.join(", ")}]`);
    }
    return [...input];
  },
  label: (s) => `TransformerEncoderLayer(${s.dModel}, ${s.nhead}, dimFeedforward=${s.dimFeedforward})`,
};

/** A stack of encoder layers in a {@link LayerSpec}. */
export type TransformerEncoderSpec = Omit<AttentionLayerSpec, "type"> & { type: "transformerEncoder"; numLayers: number; finalNorm: boolean; finalNormEps: number };

/** More layers than this is not a model's. */
const MAX_LAYERS = 1 << 10;

const layerSpec = (s: TransformerEncoderSpec): AttentionLayerSpec => {
  const { numLayers: _layers, finalNorm: _norm, finalNormEps: _eps, ...fields } = s;
  return { ...fields, type: "transformerEncoderLayer" };
};

const transformerEncoder: LayerKind<TransformerEncoderSpec> = {
  type: "transformerEncoder",
  module: TransformerEncoder,
  read: (f) => ({
    ...transformerEncoderLayer.read(f),
    type: "transformerEncoder",
    numLayers: f.int("numLayers", 1, undefined, MAX_LAYERS),
    finalNorm: f.bool("finalNorm", false),
    finalNormEps: f.positive("finalNormEps", 1e-5),
  }),
  build: (s) => new TransformerEncoder(transformerEncoderLayer.build(layerSpec(s)) as TransformerEncoderLayer, s.numLayers, { norm: s.finalNorm ? new LayerNorm(s.dModel, { eps: s.finalNormEps }) : null }),
  describe: (m) => {
    const encoder = m as TransformerEncoder;
    const layer = transformerEncoderLayer.describe(encoder.layers.at(0));
    for (const other of encoder.layers) {
      if (JSON.stringify(transformerEncoderLayer.describe(other)) !== JSON.stringify(layer)) throw new Error("TransformerEncoder: a config.json describes its layers as one, and these were built differently");
    }
    const norm = encoder.norm;
    if (norm !== null && !(norm instanceof LayerNorm && norm.elementwiseAffine && norm.bias !== null && norm.normalizedShape.length === 1 && norm.normalizedShape[0] === layer.dModel)) {
      throw new Error(`TransformerEncoder: a config.json can name a final norm only as LayerNorm(${layer.dModel}) with weight and bias`);
    }
    return { ...layer, type: "transformerEncoder", numLayers: encoder.numLayers, finalNorm: norm !== null, finalNormEps: norm?.eps ?? 1e-5 };
  },
  state: (s) => {
    const entries: Record<string, number[]> = {};
    const one = transformerEncoderLayer.state(layerSpec(s));
    for (let i = 0; i < s.numLayers; i++) for (const [name, shape] of Object.entries(one)) entries[`layers.${i}.${name}`] = shape;
    if (s.finalNorm) Object.assign(entries, { "norm.weight": [s.dModel], "norm.bias": [s.dModel] });
    return entries;
  },
  output: (s, input, fail) => transformerEncoderLayer.output(layerSpec(s), input, fail),
  label: (s) => `TransformerEncoder(${transformerEncoderLayer.label(layerSpec(s))}, numLayers=${s.numLayers})`,
};

export const ATTENTION_LAYER_KINDS = [kind(transformerEncoderLayer), kind(transformerEncoder)];
