// The PyTorch attention fixture and how nabla computes each of its cases: shared by
// attention-vs-torch.test.ts and test/webgpu/webgpu-layers-vs-torch.test.ts.
import { readFileSync } from "node:fs";
import { nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/attention.json is written by scripts/fixtures/make_attention_fixtures.py
// (PyTorch, float64): embedding, scaled dot-product attention (PyTorch 2's reference
// definition), nn.MultiheadAttention, the transformer encoder and decoder layers and stacks,
// and nn.Transformer — outputs and the gradients
// of sum(output · upstream) for the inputs and every parameter. Each runs in float64 and float32.
export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: "bool";
}
export interface Case {
  name: string;
  kind: "embedding" | "sdpa" | "mha" | "encoder" | "stack" | "decoder" | "decoderStack" | "transformer";
  args: Record<string, unknown>;
  inputs: Record<string, FixtureTensor>;
  state?: Record<string, FixtureTensor>;
  outputs: FixtureTensor[];
  upstreams: FixtureTensor[];
  grads: Record<string, FixtureTensor>;
}
export const fixture = JSON.parse(readFileSync(new URL("../fixtures/attention.json", import.meta.url), "utf8")) as { cases: Case[] };

const F = nn.functional;
export function rebuild(t: FixtureTensor, dtype: DType): Tensor {
  if (t.dtype === "bool") return tensor(t.data.map((v) => v !== 0), { shape: t.shape });
  return tensor(t.data, { shape: t.shape, dtype });
}
export const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();
const snakeToCamel = (s: string): string => s.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

export interface Run {
  outputs: Tensor[];
  /** The tensors whose gradients the fixture holds, by its names. */
  leaves: Record<string, Tensor>;
}

function loadState(module: nn.Module<never[], unknown>, state: Record<string, FixtureTensor>, dtype: DType): void {
  module.to(dtype);
  // loaded in the case's dtype (rounding the fixture's doubles once, as a float64 copy would): webgpu has no float64
  module.loadStateDict(Object.fromEntries(Object.entries(state).map(([k, v]) => [k, rebuild(v, dtype)])));
}

export function run(c: Case, dtype: DType): Run {
  const leaf = (name: string): Tensor => rebuild(c.inputs[name]!, dtype).requiresGrad_();
  const mask = (name: string): Tensor | null => {
    const t = c.inputs[name];
    return t === undefined ? null : rebuild(t, dtype);
  };
  if (c.kind === "embedding") {
    const weight = leaf("weight");
    const indices = rebuild(c.inputs.indices!, "int32");
    return { outputs: [F.embedding(indices, weight, { paddingIdx: c.args.paddingIdx as number | null })], leaves: { weight } };
  }
  if (c.kind === "sdpa") {
    const [query, key, value] = [leaf("query"), leaf("key"), leaf("value")];
    const out = F.scaledDotProductAttention(query, key, value, { ...c.args, attnMask: mask("attnMask") });
    return { outputs: [out], leaves: { query, key, value } };
  }
  const ctor = Object.fromEntries(Object.entries(c.args.ctor as Record<string, unknown>).map(([k, v]) => [snakeToCamel(k), v]));
  if (c.kind === "mha") {
    const { embedDim, numHeads, ...options } = ctor as { embedDim: number; numHeads: number };
    const mha = new nn.MultiheadAttention(embedDim, numHeads, options);
    loadState(mha, c.state!, dtype);
    const selfAttention = c.args.selfAttention === true;
    const query = leaf("query");
    const [key, value] = selfAttention ? [query, query] : [leaf("key"), leaf("value")];
    const forward = Object.fromEntries(Object.entries(c.args.forward as Record<string, unknown>).map(([k, v]) => [snakeToCamel(k), v]));
    const [out, weights] = mha.call(query, key, value, { ...forward, keyPaddingMask: mask("key_padding_mask"), attnMask: mask("attn_mask") });
    const leaves: Record<string, Tensor> = selfAttention ? { query } : { query, key, value };
    for (const [name, p] of mha.namedParameters()) leaves[`param:${name}`] = p;
    return { outputs: weights === null ? [out] : [out, weights], leaves };
  }
  if (c.kind === "decoder" || c.kind === "decoderStack" || c.kind === "transformer") return runTwoInputs(c, ctor, dtype, leaf, mask);
  const { dModel, nhead, ...options } = ctor as { dModel: number; nhead: number };
  const layer = new nn.TransformerEncoderLayer(dModel, nhead, options);
  // a stack: copies of the layer (then PyTorch's weights, each layer its own) and an optional final norm
  const module = c.kind === "stack" ? new nn.TransformerEncoder(layer, c.args.numLayers as number, { norm: c.args.norm === true ? new nn.LayerNorm(dModel) : null }) : layer;
  loadState(module as nn.Module<never[], unknown>, c.state!, dtype);
  const src = leaf("src");
  const out = module.call(src, { srcKeyPaddingMask: mask("src_key_padding_mask"), srcMask: mask(c.kind === "stack" ? "mask" : "src_mask") });
  const leaves: Record<string, Tensor> = { src };
  for (const [name, p] of module.namedParameters()) leaves[`param:${name}`] = p;
  return { outputs: [out], leaves };
}


/** A decoder layer or stack (a target and a memory) or nn.Transformer (a source and a target). */
function runTwoInputs(c: Case, ctor: Record<string, unknown>, dtype: DType, leaf: (name: string) => Tensor, mask: (name: string) => Tensor | null): Run {
  const masks = {
    tgtMask: mask("tgt_mask"), memoryMask: mask("memory_mask"), tgtKeyPaddingMask: mask("tgt_key_padding_mask"), memoryKeyPaddingMask: mask("memory_key_padding_mask"),
    srcMask: mask("src_mask"), srcKeyPaddingMask: mask("src_key_padding_mask"),
  };
  let module: nn.Module<never[], unknown>;
  let out: Tensor;
  let leaves: Record<string, Tensor>;
  if (c.kind === "transformer") {
    const transformer = new nn.Transformer(ctor);
    module = transformer as nn.Module<never[], unknown>;
    loadState(module, c.state!, dtype);
    leaves = { src: leaf("src"), tgt: leaf("tgt") };
    out = transformer.call(leaves.src!, leaves.tgt!, masks);
  } else {
    const { dModel, nhead, ...options } = ctor as { dModel: number; nhead: number };
    const layer = new nn.TransformerDecoderLayer(dModel, nhead, options);
    const decoder = c.kind === "decoderStack" ? new nn.TransformerDecoder(layer, c.args.numLayers as number, { norm: c.args.norm === true ? new nn.LayerNorm(dModel) : null }) : layer;
    module = decoder as nn.Module<never[], unknown>;
    loadState(module, c.state!, dtype);
    leaves = { tgt: leaf("tgt"), memory: leaf("memory") };
    out = decoder.call(leaves.tgt!, leaves.memory!, masks);
  }
  for (const [name, p] of module.namedParameters()) leaves[`param:${name}`] = p;
  return { outputs: [out], leaves };
}
