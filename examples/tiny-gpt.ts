// TinyGPT, the W6 benchmark model (../shared/bench/make_w5_w6.py holds its PyTorch definition):
// token and position embeddings, pre-norm transformer blocks of causal multi-head
// self-attention and an exact-GELU MLP, a final LayerNorm and an untied lm_head without bias.
// The fields carry the PyTorch names (wte, h.0.attn.c_attn …), so PyTorch's state dict loads
// with `model.loadStateDict` unchanged. Used by examples/char-transformer.ts, the W6 test and
// the benchmark.
import { arange, nn, type DType, type Tensor } from "../src/index.js";

/** The sizes of a TinyGPT; W6 is { vocab: 65, block: 64, embd: 64, heads: 4, layers: 2 }. */
export interface GPTConfig {
  /** Token ids are 0 … vocab − 1. */
  vocab: number;
  /** The longest context (number of positions). */
  block: number;
  /** Width of the residual stream. */
  embd: number;
  heads: number;
  layers: number;
}

export const W6_CONFIG: GPTConfig = { vocab: 65, block: 64, embd: 64, heads: 4, layers: 2 };

/** Causal self-attention with one packed projection to q, k, v (`c_attn`) and an output projection (`c_proj`). */
class CausalSelfAttention extends nn.Module {
  readonly c_attn: nn.Linear;
  readonly c_proj: nn.Linear;
  constructor(readonly embd: number, readonly heads: number, dtype: DType) {
    super();
    this.c_attn = new nn.Linear(embd, 3 * embd, { dtype });
    this.c_proj = new nn.Linear(embd, embd, { dtype });
  }
  forward(x: Tensor): Tensor {
    const [B, T, C] = x.shape as [number, number, number];
    // [B, T, 3C] → three [B, heads, T, C / heads]
    const [q, k, v] = this.c_attn.call(x).split(C, 2).map((t) => t.reshape([B, T, this.heads, C / this.heads]).transpose(1, 2)) as [Tensor, Tensor, Tensor];
    const y = nn.functional.scaledDotProductAttention(q, k, v, { isCausal: true });
    return this.c_proj.call(y.transpose(1, 2).reshape([B, T, C]));
  }
}

class MLP extends nn.Module {
  readonly c_fc: nn.Linear;
  readonly c_proj: nn.Linear;
  constructor(embd: number, dtype: DType) {
    super();
    this.c_fc = new nn.Linear(embd, 4 * embd, { dtype });
    this.c_proj = new nn.Linear(4 * embd, embd, { dtype });
  }
  forward(x: Tensor): Tensor {
    return this.c_proj.call(nn.functional.gelu(this.c_fc.call(x)));
  }
}

/** x + attn(ln_1(x)), then x + mlp(ln_2(x)). */
class Block extends nn.Module {
  readonly ln_1: nn.LayerNorm;
  readonly attn: CausalSelfAttention;
  readonly ln_2: nn.LayerNorm;
  readonly mlp: MLP;
  constructor(config: GPTConfig, dtype: DType) {
    super();
    this.ln_1 = new nn.LayerNorm(config.embd, { dtype });
    this.attn = new CausalSelfAttention(config.embd, config.heads, dtype);
    this.ln_2 = new nn.LayerNorm(config.embd, { dtype });
    this.mlp = new MLP(config.embd, dtype);
  }
  forward(x: Tensor): Tensor {
    const h = x.add(this.attn.call(this.ln_1.call(x)));
    return h.add(this.mlp.call(this.ln_2.call(h)));
  }
}

/**
 * A GPT-style character model: int32 token ids [B, T] (T ≤ block) in, logits [B, T, vocab] out.
 * Weights start with PyTorch's default initialisations of the same layers.
 */
export class TinyGPT extends nn.Module {
  readonly wte: nn.Embedding;
  readonly wpe: nn.Embedding;
  readonly h: Block[];
  readonly ln_f: nn.LayerNorm;
  readonly lm_head: nn.Linear;
  constructor(readonly config: GPTConfig = W6_CONFIG, dtype: DType = "float32") {
    super();
    this.wte = new nn.Embedding(config.vocab, config.embd, { dtype });
    this.wpe = new nn.Embedding(config.block, config.embd, { dtype });
    this.h = Array.from({ length: config.layers }, () => new Block(config, dtype));
    this.ln_f = new nn.LayerNorm(config.embd, { dtype });
    this.lm_head = new nn.Linear(config.embd, config.vocab, { bias: false, dtype });
  }
  forward(idx: Tensor): Tensor {
    const T = idx.shape[1]!;
    if (idx.ndim !== 2 || T > this.config.block) throw new Error(`TinyGPT: expected token ids [batch, length ≤ ${this.config.block}], got [${idx.shape.join(", ")}]`);
    let x = this.wte.call(idx).add(this.wpe.call(arange(T)));
    for (const block of this.h) x = block.call(x);
    return this.lm_head.call(this.ln_f.call(x));
  }
}

/**
 * The W6 batch of step `step` (0-based) from the token stream: sequence j starts at
 * ((16·step + j)·997) mod (200000 − 65); x holds 64 tokens from there, y the next 64.
 */
export function w6Batch(tokens: Uint8Array, step: number, batch = 16, block = 64): { x: Int32Array; y: Int32Array } {
  const x = new Int32Array(batch * block);
  const y = new Int32Array(batch * block);
  for (let j = 0; j < batch; j++) {
    const start = ((batch * step + j) * 997) % (200_000 - 65);
    for (let t = 0; t < block; t++) {
      x[j * block + t] = tokens[start + t]!;
      y[j * block + t] = tokens[start + t + 1]!;
    }
  }
  return { x, y };
}
