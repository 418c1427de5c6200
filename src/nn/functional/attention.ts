import { tensor } from "../../tensor/creation.js";
import { isFloatingPoint, type DType } from "../../tensor/dtype.js";
import type { Generator } from "../../tensor/random.js";
import { formatShape } from "../../tensor/shape.js";
import { Tensor } from "../../tensor/tensor.js";
import { dropout } from "./dropout.js";
import { causalSoftmax } from "../../ops/softmax.js";
import { internalTo } from "../../autograd/internal-to.js";

/** Options of {@link scaledDotProductAttention}, as PyTorch 2's `F.scaled_dot_product_attention`. */
export interface ScaledDotProductAttentionOptions {
  /**
   * A mask broadcasting to [..., L, S]: bool, where **true means "may attend"** (false
   * positions get −∞ before the softmax), or floating point, added to the scores.
   */
  attnMask?: Tensor | null;
  /** Let query i attend only to keys j ≤ i (the top-left triangle of [L, S]); not with `attnMask`. */
  isCausal?: boolean;
  /** Dropout probability on the attention weights (default 0; applied whenever > 0, as PyTorch). */
  dropoutP?: number;
  /** Multiplies the scores (default 1/√E, E the query's last dim). */
  scale?: number | null;
  /** Draw the dropout mask from this generator instead of the default one. */
  generator?: Generator;
}

/** @internal What {@link attend} combines into the scores before the softmax. */
export interface AttendOptions {
  /** Bool masks broadcasting to the scores [..., L, S]: true = blocked (−∞). */
  blocked: Tensor[];
  /** Float masks broadcasting to the scores, added. */
  added: Tensor[];
  causal: boolean;
  scale: number;
  dropoutP: number;
  generator?: Generator;
}

/**
 * @internal softmax(q kᵀ · scale + masks) v for q [..., L, E], k [..., S, E], v [..., S, Ev]:
 * the output [..., L, Ev] and the attention weights [..., L, S] (after dropout, as PyTorch
 * returns them). Masks were checked by the caller.
 */
export function attend(q: Tensor, k: Tensor, v: Tensor, options: AttendOptions): { output: Tensor; weights: Tensor } {
  const L = q.shape[q.ndim - 2]!;
  const S = k.shape[k.ndim - 2]!;
  // scaling q ([L, E]) costs less than scaling the scores ([L, S]) when E < S
  let scores = (options.scale === 1 ? q : q.mul(options.scale)).matmul(k.transpose(-2, -1));
  let weights: Tensor;
  if (options.causal && options.blocked.length === 0 && options.added.length === 0) {
    // the causal mask inside the softmax kernel: no mask tensor, no pass adding it
    weights = causalSoftmax(scores);
  } else {
    for (const mask of options.blocked) scores = scores.maskedFill(mask, -Infinity);
    // an additive 0/−∞ mask: a broadcast add runs as one kernel on every backend, where maskedFill's select does not
    if (options.causal) scores = scores.add(causalBias(L, S, scores.dtype));
    for (const mask of options.added) scores = scores.add(mask);
    weights = scores.softmax(-1);
  }
  if (options.dropoutP > 0) weights = dropout(weights, options.dropoutP, true, options.generator);
  return { output: weights.matmul(v), weights };
}

/** @internal The [L, S] additive causal mask: 0 where key j ≤ query i, −∞ after. */
export function causalBias(L: number, S: number, dtype: DType): Tensor {
  const data = new Float64Array(L * S);
  for (let i = 0; i < L; i++) data.fill(-Infinity, i * S + Math.min(i + 1, S), (i + 1) * S);
  return tensor(data, { shape: [L, S], dtype });
}

/** @internal Checks that `mask` broadcasts to `target` and is bool or floating point; `what` names it in errors. */
export function checkMask(op: string, what: string, mask: Tensor, target: readonly number[], expected: string): void {
  if (!(mask instanceof Tensor)) throw new Error(`${op}: ${what} must be a Tensor, got ${typeof mask}`);
  if (mask.dtype !== "bool" && !isFloatingPoint(mask.dtype)) {
    throw new Error(`${op}: ${what} must be a bool or floating-point tensor, got ${mask.dtype} of shape ${formatShape(mask.shape)}`);
  }
  const fits = mask.ndim <= target.length && mask.shape.every((d, i) => d === 1 || d === target[target.length - mask.ndim + i]);
  if (!fits) throw new Error(`${op}: ${what} ${formatShape(mask.shape)} does not broadcast to the attention scores ${formatShape(target)} (expected ${expected})`);
}

/**
 * Attention as PyTorch 2 defines `F.scaled_dot_product_attention`: softmax(q kᵀ · scale + mask) v
 * for query [..., L, E], key [..., S, E] and value [..., S, Ev], giving [..., L, Ev]; the
 * leading (batch, head) dims broadcast. `attnMask` is bool (true = may attend) or an additive
 * float mask; `isCausal` blocks every key after the query's position. A query row with every
 * key blocked gives NaN, as in PyTorch.
 *
 * @example
 * ```ts
 * import { nn, tensor } from "nabla";
 * const q = tensor([[[1, 0], [0, 1]]]);
 * const v = tensor([[[10, 0], [0, 10]]]);
 * const y = nn.functional.scaledDotProductAttention(q, q, v, { isCausal: true });
 * console.log(y.toArray()[0]![0]); // [10, 0]
 * ```
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = "scaledDotProductAttention";
  for (const [name, t] of [["query", query], ["key", key], ["value", value]] as const) {
    if (!(t instanceof Tensor)) throw new Error(`${op}: ${name} must be a Tensor, got ${typeof t}`);
    if (t.ndim < 2 || !isFloatingPoint(t.dtype)) throw new Error(`${op}: ${name} must be a floating-point tensor [..., length, features], got ${t.dtype} of shape ${formatShape(t.shape)}`);
  }
  const shapes = `query ${formatShape(query.shape)}, key ${formatShape(key.shape)}, value ${formatShape(value.shape)}`;
  if (query.shape[query.ndim - 1] !== key.shape[key.ndim - 1]) throw new Error(`${op}: query and key must have the same last dim (E): ${shapes}`);
  if (key.shape[key.ndim - 2] !== value.shape[value.ndim - 2]) throw new Error(`${op}: key and value must have the same length S (dim -2): ${shapes}`);
  const { attnMask = null, isCausal = false, dropoutP = 0, scale = null } = options;
  if (!(dropoutP >= 0 && dropoutP <= 1)) throw new Error(`${op}: dropoutP must be between 0 and 1, got ${dropoutP}`);
  if (isCausal && attnMask !== null) throw new Error(`${op}: give either attnMask or isCausal, not both (PyTorch's rule)`);
  const L = query.shape[query.ndim - 2]!;
  const S = key.shape[key.ndim - 2]!;
  const blocked: Tensor[] = [];
  const added: Tensor[] = [];
  if (attnMask !== null) {
    const batch = query.shape.length >= key.shape.length ? query.shape.slice(0, -2) : key.shape.slice(0, -2);
    checkMask(op, "attnMask", attnMask, [...batch, L, S], `[..., ${L}, ${S}], true where a query may attend`);
    if (attnMask.dtype === "bool") blocked.push(attnMask.logicalNot());
    else added.push(attnMask.to(query.dtype));
  }
  const effectiveScale = scale ?? 1 / Math.sqrt(query.shape[query.ndim - 1]!);
  const attendOptions: AttendOptions = { blocked, added, causal: isCausal, scale: effectiveScale, dropoutP, ...(options.generator === undefined ? {} : { generator: options.generator }) };
  // the masks, scaled queries, scores and weights are this function's own: recycled once backward is done with them
  return internalTo(
    () => attend(query, key, value, attendOptions).output,
    (output) => [output],
  );
}
