import { zeros } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import { Tensor } from "../tensor/tensor.js";
import { attend, checkMask } from "./functional/attention.js";
import { linear } from "./functional/linear.js";
import { xavierUniform_, type InitOptions } from "./init.js";
import { Linear } from "./linear.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";

/** Options of {@link MultiheadAttention}, as PyTorch's. */
export interface MultiheadAttentionOptions extends InitOptions {
  /** Dropout probability on the attention weights in training mode (default 0). */
  dropout?: number;
  /** Learn `in_proj_bias` and `out_proj.bias` (default true). */
  bias?: boolean;
  /** Inputs and output are [N, L, E] instead of [L, N, E] (default false, as PyTorch). */
  batchFirst?: boolean;
  /** Features of the key (default embedDim); differing sizes give separate `q/k/v_proj_weight`. */
  kdim?: number;
  /** Features of the value (default embedDim). */
  vdim?: number;
}

/** Options of {@link MultiheadAttention.forward}, as PyTorch's keyword arguments. */
export interface MultiheadAttentionForwardOptions {
  /** [N, S] (or [S] unbatched): bool, **true = a padding key to ignore**, or float, added. */
  keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true). */
  needWeights?: boolean;
  /** [L, S] or [N·numHeads, L, S]: bool, **true = may not attend**, or float, added. */
  attnMask?: Tensor | null;
  /** Average the returned weights over the heads (default true) instead of [N, numHeads, L, S]. */
  averageAttnWeights?: boolean;
  /** Apply a causal mask: used when no `attnMask` is given (PyTorch treats it as a hint that `attnMask` is causal). */
  isCausal?: boolean;
}

/**
 * Multi-head attention (PyTorch's `nn.MultiheadAttention`): the query, key and value are
 * projected by `in_proj_weight` [3·E, E] and `in_proj_bias` [3·E] (xavier-uniform and zeros),
 * split into `numHeads` heads of E / numHeads features, attended with scaled dot products, and
 * recombined by `out_proj` (a Linear whose bias starts at zero). The parameters carry
 * PyTorch's names, so state dicts move between the two unchanged. `forward` returns
 * `[output, weights]`: output like the query, weights [N, L, S] averaged over the heads (or
 * null without `needWeights`). Note the masks' sense: here, as in PyTorch, a bool mask is
 * true where attention is **not** allowed (the opposite of `scaledDotProductAttention`).
 *
 * @example
 * ```ts
 * import { nn, randn } from "nabla";
 * const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
 * const x = randn([3, 5, 8]);
 * const [y, weights] = mha.call(x, x, x, { isCausal: true });
 * console.log(y.shape, weights!.shape); // [3, 5, 8] [3, 5, 5]
 * console.log(Object.keys(mha.stateDict())); // ["in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"]
 * ```
 */
export class MultiheadAttention extends Module<[Tensor, Tensor, Tensor, MultiheadAttentionForwardOptions?], [Tensor, Tensor | null]> {
  // parameter fields are spelled as PyTorch's attributes, which are the state-dict keys
  /** [3·E, E] when kdim = vdim = E, else null (then q/k/v_proj_weight hold the projections). */
  readonly in_proj_weight: Parameter | null;
  readonly q_proj_weight: Parameter | null;
  readonly k_proj_weight: Parameter | null;
  readonly v_proj_weight: Parameter | null;
  readonly in_proj_bias: Parameter | null;
  readonly out_proj: Linear;
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;

  constructor(
    readonly embedDim: number,
    readonly numHeads: number,
    options: MultiheadAttentionOptions = {},
  ) {
    super();
    const name = `MultiheadAttention(${embedDim}, ${numHeads})`;
    if (!Number.isInteger(embedDim) || embedDim < 1) throw new Error(`${name}: embedDim must be a positive integer`);
    if (!Number.isInteger(numHeads) || numHeads < 1 || embedDim % numHeads !== 0) throw new Error(`${name}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    this.headDim = embedDim / numHeads;
    this.dropout = options.dropout ?? 0;
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`${name}: dropout must be between 0 and 1, got ${this.dropout}`);
    this.batchFirst = options.batchFirst ?? false;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    for (const [what, value] of [["kdim", this.kdim], ["vdim", this.vdim]] as const) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`${name}: ${what} must be a positive integer, got ${value}`);
    }
    const dtype = options.dtype ?? "float32";
    // PyTorch's _reset_parameters: xavier_uniform_ on the projections
    const sampling = options.generator === undefined ? {} : { generator: options.generator };
    const xavier = (rows: number, columns: number): Parameter => new Parameter(xavierUniform_(zeros([rows, columns], { dtype }), sampling));
    const packed = this.kdim === embedDim && this.vdim === embedDim;
    this.in_proj_weight = packed ? xavier(3 * embedDim, embedDim) : null;
    this.q_proj_weight = packed ? null : xavier(embedDim, embedDim);
    this.k_proj_weight = packed ? null : xavier(embedDim, this.kdim);
    this.v_proj_weight = packed ? null : xavier(embedDim, this.vdim);
    const bias = options.bias ?? true;
    this.in_proj_bias = bias ? new Parameter(zeros([3 * embedDim], { dtype })) : null;
    this.out_proj = new Linear(embedDim, embedDim, { ...options, bias });
    if (this.out_proj.bias !== null) this.out_proj.bias.detach().fill_(0);
  }

  forward(query: Tensor, key: Tensor, value: Tensor, options: MultiheadAttentionForwardOptions = {}): [Tensor, Tensor | null] {
    const E = this.embedDim;
    const H = this.numHeads;
    const name = `MultiheadAttention(${E}, ${H})`;
    const inputs = [["query", query, E], ["key", key, this.kdim], ["value", value, this.vdim]] as const;
    for (const [what, t] of inputs) if (!(t instanceof Tensor)) throw new Error(`${name}: ${what} must be a Tensor, got ${typeof t}`);
    const unbatched = query.ndim === 2;
    const layout = unbatched ? "[length, features]" : this.batchFirst ? "[batch, length, features]" : "[length, batch, features]";
    const shapes = `query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}`;
    for (const [what, t, features] of inputs) {
      if (t.ndim !== (unbatched ? 2 : 3) || t.shape[t.ndim - 1] !== features) {
        throw new Error(`${name}: ${what} must be ${layout} with ${features} features (${query.ndim === 3 || unbatched ? "" : "batched inputs are 3-d, unbatched 2-d; "}batchFirst=${this.batchFirst}), got ${shapes}`);
      }
    }
    // everything below works batch-first: [N, L, E]
    const toBatchFirst = (t: Tensor): Tensor => (unbatched ? t.unsqueeze(0) : this.batchFirst ? t : t.transpose(0, 1));
    const [q, k, v] = [toBatchFirst(query), toBatchFirst(key), toBatchFirst(value)] as [Tensor, Tensor, Tensor];
    const [N, L] = q.shape as [number, number];
    const S = k.shape[1]!;
    if (q.shape[0] !== k.shape[0] || k.shape[0] !== v.shape[0] || v.shape[1] !== S) {
      throw new Error(`${name}: query, key and value must share the batch size, and key and value the length (${layout}, batchFirst=${this.batchFirst}), got ${shapes}`);
    }
    const [qp, kp, vp] = this.project(query, key, value, q, k, v);
    // [N, len, E] → [N, H, len, E/H]
    const heads = (t: Tensor, len: number): Tensor => t.reshape([N, len, H, this.headDim]).transpose(1, 2);
    const blocked: Tensor[] = [];
    const added: Tensor[] = [];
    const { attnMask = null, keyPaddingMask = null, isCausal = false } = options;
    const scores = [N, H, L, S];
    if (attnMask !== null) {
      const expected = unbatched ? `[${L}, ${S}] or [${H}, ${L}, ${S}]` : `[${L}, ${S}] or [${N * H}, ${L}, ${S}]`;
      const shapeOk = attnMask instanceof Tensor && (attnMask.ndim === 2 || (attnMask.ndim === 3 && attnMask.shape[0] === N * H));
      if (!shapeOk) throw new Error(`${name}: attnMask ${attnMask instanceof Tensor ? formatShape(attnMask.shape) : typeof attnMask} must be ${expected} for ${shapes}`);
      const mask = attnMask.ndim === 3 ? attnMask.reshape([N, H, ...attnMask.shape.slice(1)]) : attnMask;
      checkMask(name, "attnMask", mask, scores, expected);
      if (mask.dtype === "bool") blocked.push(mask);
      else added.push(mask.to(q.dtype));
    }
    if (keyPaddingMask !== null) {
      const expected = unbatched ? `[${S}]` : `[${N}, ${S}]`;
      const shapeOk = keyPaddingMask instanceof Tensor && keyPaddingMask.ndim === (unbatched ? 1 : 2) && keyPaddingMask.size === N * S && keyPaddingMask.shape[keyPaddingMask.ndim - 1] === S;
      if (!shapeOk) throw new Error(`${name}: keyPaddingMask ${keyPaddingMask instanceof Tensor ? formatShape(keyPaddingMask.shape) : typeof keyPaddingMask} must be ${expected} for ${shapes}`);
      const mask = keyPaddingMask.reshape([N, 1, 1, S]);
      checkMask(name, "keyPaddingMask", mask, scores, expected);
      if (mask.dtype === "bool") blocked.push(mask);
      else added.push(mask.to(q.dtype));
    }
    const { output, weights } = attend(heads(qp, L), heads(kp, S), heads(vp, S), {
      blocked,
      added,
      causal: isCausal && attnMask === null,
      scale: 1 / Math.sqrt(this.headDim),
      dropoutP: this.training ? this.dropout : 0,
    });
    let y = this.out_proj.call(output.transpose(1, 2).reshape([N, L, E]));
    y = unbatched ? y.squeeze(0) : this.batchFirst ? y : y.transpose(0, 1);
    if (options.needWeights === false) return [y, null];
    let w = options.averageAttnWeights === false ? weights : weights.mean(1);
    if (unbatched) w = w.squeeze(0);
    return [y, w];
  }

  /** The query, key and value projections, batch-first; one matmul when it is self-attention. */
  private project(query: Tensor, key: Tensor, value: Tensor, q: Tensor, k: Tensor, v: Tensor): [Tensor, Tensor, Tensor] {
    const E = this.embedDim;
    const b = this.in_proj_bias;
    const biasPart = (i: number): Tensor | null => (b === null ? null : b.narrow(0, i * E, E));
    if (this.in_proj_weight === null) {
      return [linear(q, this.q_proj_weight!, biasPart(0)), linear(k, this.k_proj_weight!, biasPart(1)), linear(v, this.v_proj_weight!, biasPart(2))];
    }
    const w = this.in_proj_weight;
    if (query === key && key === value) return linear(q, w, b).chunk(3, -1) as [Tensor, Tensor, Tensor];
    const weightPart = (i: number): Tensor => w.narrow(0, i * E, E);
    return [linear(q, weightPart(0), biasPart(0)), linear(k, weightPart(1), biasPart(1)), linear(v, weightPart(2), biasPart(2))];
  }

  override extraRepr(): string {
    return `embedDim=${this.embedDim}, numHeads=${this.numHeads}, dropout=${this.dropout}, batchFirst=${this.batchFirst}`;
  }
}
