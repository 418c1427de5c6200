/**
 * What the transformer encoder and decoder layers share: their constructor options, the
 * feed-forward block's activation, and the options a built layer reports back.
 */
import type { Tensor } from "../tensor/tensor.js";
import type { Dropout } from "./dropout.js";
import type { InitOptions } from "./init.js";
import type { Linear } from "./linear.js";
import type { Module } from "./module.js";
import type { MultiheadAttention } from "./multihead-attention.js";

/** Options of the transformer encoder and decoder layers, as PyTorch's. */
export interface TransformerEncoderLayerOptions extends InitOptions {
  /** Width of the feed-forward block (default 2048). */
  dimFeedforward?: number;
  /** Dropout probability after attention, inside and after the feed-forward block (default 0.1). */
  dropout?: number;
  /** The feed-forward block's activation: "relu" (default), "gelu" (exact) or a function. */
  activation?: "relu" | "gelu" | ((x: Tensor) => Tensor);
  /** LayerNorm's eps (default 1e-5). */
  layerNormEps?: number;
  /** Inputs are [N, L, E] instead of [L, N, E] (default false). */
  batchFirst?: boolean;
  /** Normalize before each block (pre-norm, as GPT) instead of after the residual sum (default false). */
  normFirst?: boolean;
  /** Biases in the linear layers, attention and layer norms (default true). */
  bias?: boolean;
}

/** What both layers build from their options, with PyTorch's defaults: the attentions' options, the linear layers' and norms' (init: dtype and generator). */
export function layerSettings(options: TransformerEncoderLayerOptions): {
  dropout: number; bias: boolean; init: InitOptions; attention: InitOptions & { dropout: number; bias: boolean; batchFirst: boolean }; dimFeedforward: number; layerNormEps: number; normFirst: boolean;
} {
  const dropout = options.dropout ?? 0.1;
  const bias = options.bias ?? true;
  const init = { ...(options.dtype === undefined ? {} : { dtype: options.dtype }), ...(options.generator === undefined ? {} : { generator: options.generator }) };
  return {
    dropout, bias, init,
    attention: { ...init, dropout, bias, batchFirst: options.batchFirst ?? false },
    dimFeedforward: options.dimFeedforward ?? 2048,
    layerNormEps: options.layerNormEps ?? 1e-5,
    normFirst: options.normFirst ?? false,
  };
}

/**
 * `count` layers built as `layer` was, each with its parameters' values and its train/eval mode:
 * PyTorch's `copy.deepcopy` in the encoder and decoder stacks, so every copy starts alike.
 */
export function layerCopies<L extends Module<never[], unknown> & { readonly dModel: number; readonly nhead: number; options(): TransformerEncoderLayerOptions }>(
  layer: L, count: number, build: (dModel: number, nhead: number, options: TransformerEncoderLayerOptions) => L,
): L[] {
  return Array.from({ length: count }, () => {
    const copy = build(layer.dModel, layer.nhead, layer.options());
    copy.loadStateDict(layer.stateDict());
    return layer.training ? copy.train() : copy.eval();
  });
}

/** The activation a layer was asked for, as a function, and its name ("function" for a user's own, so a config can tell). */
export function feedForwardActivation(op: string, activation: TransformerEncoderLayerOptions["activation"] = "relu"): { activation: (x: Tensor) => Tensor; activationName: "relu" | "gelu" | "function" } {
  if (typeof activation === "function") return { activation, activationName: "function" };
  if (activation === "relu") return { activation: (x) => x.relu(), activationName: "relu" };
  if (activation === "gelu") return { activation: (x) => x.gelu(), activationName: "gelu" };
  throw new Error(`${op}: activation must be "relu", "gelu" or a function, got ${JSON.stringify(activation)}`);
}

/** The parts of a built layer its options are read from. */
interface BuiltLayer {
  readonly dimFeedforward: number;
  readonly dropout: Dropout;
  readonly activation: (x: Tensor) => Tensor;
  readonly activationName: "relu" | "gelu" | "function";
  readonly layerNormEps: number;
  readonly self_attn: MultiheadAttention;
  readonly normFirst: boolean;
  readonly linear1: Linear;
}

/** The options `layer` was built with (its dtype included): another built with them is built alike. */
export function builtOptions(layer: BuiltLayer): Required<Omit<TransformerEncoderLayerOptions, "generator">> {
  return {
    dimFeedforward: layer.dimFeedforward,
    dropout: layer.dropout.p,
    activation: layer.activationName === "function" ? layer.activation : layer.activationName,
    layerNormEps: layer.layerNormEps,
    batchFirst: layer.self_attn.batchFirst,
    normFirst: layer.normFirst,
    bias: layer.linear1.bias !== null,
    dtype: layer.linear1.weight.dtype,
  };
}
