import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { gradcheck, manualSeed, nn, ones, randn, tensor, zeros, type Tensor } from "../../src/index.js";

const F = nn.functional;
const f64 = { dtype: "float64" } as const;
const ids = (values: number[] | number[][], shape?: number[]): Tensor => tensor(values.flat(), { dtype: "int32", shape: shape ?? [values.flat().length] });

describe("Embedding", () => {
  test("looks up rows for int32 indices of any shape", () => {
    const table = tensor([[0, 0], [1, 2], [3, 4]]);
    assert.deepEqual(F.embedding(tensor(2, { dtype: "int32" }), table).toArray(), [3, 4]);
    assert.deepEqual(F.embedding(ids([1, 2, 0, 1], [2, 1, 2]), table).toArray(), [[[[1, 2], [3, 4]]], [[[0, 0], [1, 2]]]]);
    assert.deepEqual(F.embedding([[2]], table).toArray(), [[[3, 4]]]);
  });

  test("initialisation: N(0, 1) with the padding row zeroed", () => {
    manualSeed(3);
    const e = new nn.Embedding(2000, 10, { paddingIdx: -1 });
    assert.equal(e.paddingIdx, 1999);
    assert.deepEqual(e.weight.select(0, 1999).toArray(), new Array(10).fill(0));
    const body = e.weight.narrow(0, 0, 1999);
    assert.ok(Math.abs(body.mean().item()) < 0.03, `mean ${body.mean().item()}`);
    assert.ok(Math.abs(body.std().item() - 1) < 0.03, `std ${body.std().item()}`);
    assert.deepEqual(Object.keys(e.stateDict()), ["weight"]);
    assert.equal(new nn.Embedding(4, 2, { dtype: "float64" }).weight.dtype, "float64");
  });

  test("backward adds repeated rows and leaves the padding row without gradient", () => {
    const e = new nn.Embedding(4, 2, { paddingIdx: 0 });
    e.call(ids([0, 1, 1, 3, 0])).mul(tensor([[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]])).sum().backward();
    assert.deepEqual(e.weight.grad!.toArray(), [[0, 0], [8, 10], [0, 0], [7, 8]]);
  });

  test("gradcheck in float64 (with a padding row)", () => {
    const weight = randn([5, 3], f64).requiresGrad_();
    const indices = ids([[4, 1, 1], [2, 0, 4]], [2, 3]);
    gradcheck((w) => F.embedding(indices, w).square().sum(), [weight]);
    // the padding row gets no gradient by design (finite differences would see one): pad a row
    // the indices do not use, which must leave the other rows' gradients exact
    gradcheck((w) => F.embedding(indices, w, { paddingIdx: 3 }).tanh().sum(), [weight]);
  });

  test("bad input: the out-of-range index and the table size are named", () => {
    const e = new nn.Embedding(65, 4);
    assert.throws(() => e.call(ids([3, 70])), /embedding: index 70 .*position 1.* table of 65 embeddings/);
    assert.throws(() => e.call(ids([-1])), /index -1 .*table of 65 embeddings/);
    assert.throws(() => e.call(tensor([1.5])), /indices must be an int32 tensor, got float32/);
    assert.throws(() => e.call([[2, 1.5]]), /embedding: index 1.5 at flat position 1 is not an integer/);
    assert.throws(() => e.call([true, false]), /indices must be an int32 tensor, got bool/);
    assert.throws(() => new nn.Embedding(4, 2, { paddingIdx: 4 }), /Embedding: paddingIdx 4 .*4 embeddings/);
    assert.throws(() => F.embedding(ids([0]), ones([3])), /embedding: weight must be a 2-d table .*\[3\]/);
  });
});

describe("scaledDotProductAttention", () => {
  test("a bool mask that equals the causal one gives the causal result; an additive one too", () => {
    const [q, k, v] = [randn([2, 3, 5, 4]), randn([2, 3, 5, 4]), randn([2, 3, 5, 6])];
    const causal = F.scaledDotProductAttention(q, k, v, { isCausal: true });
    const allowed = ones([5, 5]).tril().gt(0);
    assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: allowed }), causal.toArray() as number[][], 1e-6);
    const additive = zeros([5, 5]).maskedFill(allowed.logicalNot(), -Infinity);
    assertClose(F.scaledDotProductAttention(q, k, v, { attnMask: additive }), causal.toArray() as number[][], 1e-6);
    assert.deepEqual(causal.shape, [2, 3, 5, 6]);
  });

  test("the first query of a causal attention sees only the first value; dropoutP 1 zeroes everything", () => {
    const q = randn([1, 4, 3]);
    const v = randn([1, 4, 2]);
    const y = F.scaledDotProductAttention(q, randn([1, 4, 3]), v, { isCausal: true });
    assertClose(y.select(1, 0), v.select(1, 0).toArray() as number[][], 1e-6);
    assert.deepEqual(F.scaledDotProductAttention(q, q, v, { dropoutP: 1 }).abs().sum().item(), 0);
  });

  test("gradcheck in float64 with a causal mask, a bool mask and an additive mask", () => {
    const [q, k, v] = [randn([2, 3, 4], f64), randn([2, 5, 4], f64), randn([2, 5, 3], f64)].map((t) => t.requiresGrad_());
    gradcheck((a, b, c) => F.scaledDotProductAttention(a!, b!, c!, { isCausal: true }).square().sum(), [q!, k!, v!]);
    const allowed = tensor([[true, false, true, true, false], [true, true, false, false, false], [false, true, true, true, true]]);
    gradcheck((a, b, c) => F.scaledDotProductAttention(a!, b!, c!, { attnMask: allowed, scale: 0.7 }).square().sum(), [q!, k!, v!]);
    const bias = randn([2, 1, 5], f64);
    gradcheck((a, b, c) => F.scaledDotProductAttention(a!, b!, c!, { attnMask: bias }).tanh().sum(), [q!, k!, v!]);
  });

  test("bad input names the operation and the shapes", () => {
    const q = randn([2, 3, 4]);
    assert.throws(() => F.scaledDotProductAttention(q, randn([2, 5, 3]), randn([2, 5, 3])), /scaledDotProductAttention: query and key must have the same last dim.*query \[2,3,4\], key \[2,5,3\]/);
    assert.throws(() => F.scaledDotProductAttention(q, randn([2, 5, 4]), randn([2, 6, 3])), /key and value must have the same length S.*value \[2,6,3\]/);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { attnMask: ones([4, 3]).gt(0) }), /attnMask \[4,3\] does not broadcast to the attention scores \[2,3,3\]/);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3]).gt(0), isCausal: true }), /either attnMask or isCausal/);
    assert.throws(() => F.scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3], { dtype: "int32" }) }), /bool or floating-point tensor, got int32/);
    assert.throws(() => F.scaledDotProductAttention(randn([4]), q, q), /query must be a floating-point tensor \[\.\.\., length, features\], got float32 of shape \[4\]/);
  });
});

describe("MultiheadAttention", () => {
  test("PyTorch's parameters and initialisation: xavier-uniform in_proj_weight, zero biases", () => {
    manualSeed(0);
    const mha = new nn.MultiheadAttention(32, 4);
    assert.deepEqual(Object.entries(mha.stateDict()).map(([k, v]) => [k, v.shape]), [["in_proj_weight", [96, 32]], ["in_proj_bias", [96]], ["out_proj.weight", [32, 32]], ["out_proj.bias", [32]]]);
    const bound = Math.sqrt(6 / (96 + 32));
    const w = mha.in_proj_weight!;
    assert.ok(w.abs().max().item() <= bound && w.abs().max().item() > 0.95 * bound);
    assert.equal(mha.in_proj_bias!.abs().sum().item(), 0);
    assert.equal(mha.out_proj.bias!.abs().sum().item(), 0);
    assert.ok(mha.out_proj.weight.abs().max().item() <= 1 / Math.sqrt(32));
    const separate = new nn.MultiheadAttention(8, 2, { kdim: 3, vdim: 5, bias: false });
    assert.deepEqual(Object.entries(separate.stateDict()).map(([k, v]) => [k, v.shape]), [["q_proj_weight", [8, 8]], ["k_proj_weight", [8, 3]], ["v_proj_weight", [8, 5]], ["out_proj.weight", [8, 8]]]);
  });

  test("dropout acts on the weights in training mode only", () => {
    const mha = new nn.MultiheadAttention(4, 2, { dropout: 1, batchFirst: true });
    const x = randn([2, 3, 4]);
    const [y, weights] = mha.call(x, x, x);
    assert.equal(y.abs().sum().item(), 0); // out_proj's bias starts at zero
    assert.equal(weights!.abs().sum().item(), 0);
    mha.eval();
    const [, evalWeights] = mha.call(x, x, x);
    assertClose(evalWeights!.sum(-1), [[1, 1, 1], [1, 1, 1]], 1e-6);
  });

  test("isCausal without attnMask applies the causal mask; a padded key gets no weight", () => {
    const mha = new nn.MultiheadAttention(6, 3, { batchFirst: true });
    const x = randn([2, 4, 6]);
    const [, weights] = mha.call(x, x, x, { isCausal: true, averageAttnWeights: false });
    assert.deepEqual(weights!.shape, [2, 3, 4, 4]);
    assert.equal(weights!.triu(1).abs().sum().item(), 0);
    const padding = tensor([[false, false, false, true], [false, false, false, false]]);
    const [, padded] = mha.call(x, x, x, { keyPaddingMask: padding });
    assert.equal(padded!.select(0, 0).select(-1, 3).abs().sum().item(), 0);
  });

  test("gradcheck in float64 through the inputs and the projections, with both masks", () => {
    const mha = new nn.MultiheadAttention(4, 2, { dtype: "float64" });
    const [q, k, v] = [randn([3, 2, 4], f64), randn([5, 2, 4], f64), randn([5, 2, 4], f64)].map((t) => t.requiresGrad_());
    const attnMask = tensor([[false, true, false, false, false], [false, false, false, true, true], [true, false, false, false, false]]);
    const keyPaddingMask = tensor([[false, false, false, false, true], [false, false, false, false, false]]);
    gradcheck((a, b, c) => {
      const [y, w] = mha.call(a!, b!, c!, { attnMask, keyPaddingMask });
      return y.square().sum().add(w!.square().sum());
    }, [q!, k!, v!]);
    const probe = new nn.MultiheadAttention(4, 2, { dtype: "float64" });
    gradcheck((w, b) => {
      Object.assign(probe, { in_proj_weight: w, in_proj_bias: b });
      return probe.call(q!, q!, q!, { isCausal: true })[0].tanh().sum();
    }, [mha.in_proj_weight!.detach().requiresGrad_(), randn([12], f64).requiresGrad_()]);
  });

  test("bad input names the layer and the shapes", () => {
    assert.throws(() => new nn.MultiheadAttention(10, 3), /MultiheadAttention\(10, 3\): embedDim \(10\) must be divisible by numHeads \(3\)/);
    const mha = new nn.MultiheadAttention(8, 2, { batchFirst: true });
    const x = randn([2, 5, 8]);
    assert.throws(() => mha.call(randn([2, 5, 6]), x, x), /MultiheadAttention\(8, 2\): query must be \[batch, length, features\] with 8 features.*query \[2,5,6\]/);
    assert.throws(() => mha.call(x, randn([3, 5, 8]), randn([3, 5, 8])), /must share the batch size.*key \[3,5,8\]/);
    assert.throws(() => mha.call(x, x, x, { attnMask: ones([5, 4]).gt(0) }), /MultiheadAttention\(8, 2\): attnMask \[5,4\] does not broadcast to the attention scores \[2,2,5,5\]/);
    assert.throws(() => mha.call(x, x, x, { attnMask: ones([3, 5, 5]).gt(0) }), /attnMask \[3,5,5\] must be \[5, 5\] or \[4, 5, 5\]/);
    assert.throws(() => mha.call(x, x, x, { keyPaddingMask: ones([2, 4]).gt(0) }), /MultiheadAttention\(8, 2\): keyPaddingMask \[2,4\] must be \[2, 5\] for query \[2,5,8\]/);
  });
});

describe("TransformerEncoderLayer", () => {
  test("PyTorch's submodule names, and gradcheck in float64 (pre-norm, gelu, causal)", () => {
    const layer = new nn.TransformerEncoderLayer(4, 2, { dimFeedforward: 6, dropout: 0, activation: "gelu", normFirst: true, batchFirst: true, dtype: "float64" });
    assert.deepEqual(layer.namedChildren().map(([n]) => n), ["self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"]);
    assert.equal(layer.parameters().length, 12);
    const x = randn([2, 3, 4], f64).requiresGrad_();
    gradcheck((a) => layer.call(a, { isCausal: true }).square().sum(), [x]);
    assert.throws(() => new nn.TransformerEncoderLayer(4, 2, { activation: "swish" as "relu" }), /TransformerEncoderLayer: activation must be "relu", "gelu" or a function, got "swish"/);
  });
});
