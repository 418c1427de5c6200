// A transformer encoder block in a config.json (transformerEncoderLayer is
// torch.nn.TransformerEncoderLayer, its fields the constructor's arguments, camelCase), so a
// Sequential of Embedding → TransformerEncoderLayer … → Linear is a model directory like any other.
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
    if (layer.activationName === "function") {
      throw new Error("TransformerEncoderLayer: a config.json can name only the \"relu\" and \"gelu\" activations, not a function");
    }
    return {
      type: "transformerEncoderLayer",
      dModel: layer.dModel,
      nhead: layer.nhead,
      dimFeedforward: layer.dimFeedforward,
      dropout: layer.dropout.p,
      activation: layer.activationName,
      layerNormEps: layer.layerNormEps,
      batchFirst: layer.self_attn.batchFirst,
      normFirst: layer.normFirst,
      bias: layer.linear1.bias !== null,
    };
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

export const ATTENTION_LAYER_KINDS = [kind(transformerEncoderLayer)];
