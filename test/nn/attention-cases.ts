// The PyTorch attention fixture and how nabla computes each of its cases: shared by
// attention-vs-torch.test.ts and test/webgpu/webgpu-layers-vs-torch.test.ts.
import { readFileSync } from "node:fs";
import { nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/attention.json is written by scripts/fixtures/make_attention_fixtures.py
// (PyTorch, float64): embedding, scaled dot-product attention (PyTorch 2's reference
// definition), nn.MultiheadAttention and nn.TransformerEncoderLayer — outputs and the gradients
// of sum(output · upstream) for the inputs and every parameter. Each runs in float64 and float32.
export interface FixtureTensor {
  shape: number[];
  data: number[];
  dtype?: "bool";
}
export interface Case {
  name: string;
  kind: "embedding" | "sdpa" | "mha" | "encoder" | "stack";
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

