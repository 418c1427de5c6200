import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { compile, manualSeed, nn, optim, randn, tensor, type Tensor } from "../../src/index.js";
import { fixture } from "./attention-cases.js";

// Values and gradients against PyTorch's nn.TransformerDecoderLayer, nn.TransformerDecoder and
// nn.Transformer are in attention-vs-torch.test.ts (the "decoder" and "transformer" cases of
// test/fixtures/attention.json); here what those cannot show.

test("nn.Transformer's state dict has PyTorch's keys in PyTorch's order", () => {
  const c = fixture.cases.find((x) => x.kind === "transformer")!;
  const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 2, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0 });
  assert.deepEqual(Object.keys(model.stateDict()), Object.keys(c.state!));
});

test("nn.Transformer starts every weight matrix Xavier-uniform (PyTorch's _reset_parameters), its norms at ones and zeros", () => {
  manualSeed(5);
  const model = new nn.Transformer({ dModel: 32, nhead: 4, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 64 });
  const state = model.stateDict();
  // in_proj_weight [96, 32]: bound √(6 / (32 + 96)); linear1 [64, 32]: √(6 / 96)
  for (const [name, fanSum] of [["encoder.layers.0.self_attn.in_proj_weight", 128], ["decoder.layers.0.linear1.weight", 96], ["decoder.layers.0.multihead_attn.out_proj.weight", 64]] as const) {
    const w = state[name]!;
    const bound = Math.sqrt(6 / fanSum);
    const largest = w.abs().max().item();
    assert.ok(largest <= bound && largest > 0.9 * bound, `${name}: |w| ≤ ${bound}, got a largest of ${largest}`);
  }
  assert.deepEqual(state["encoder.norm.weight"]!.toArray(), new Array(32).fill(1));
  assert.deepEqual(state["decoder.layers.0.linear2.bias"]!.abs().max().item() > 0, true); // biases keep the layers' own initialisation
});

test("Transformer.generateSquareSubsequentMask: 0 on and below the diagonal, −∞ above, as PyTorch's", () => {
  assert.deepEqual(nn.Transformer.generateSquareSubsequentMask(3).toArray(), [[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]]);
  assert.equal(nn.Transformer.generateSquareSubsequentMask(2, { dtype: "float64" }).dtype, "float64");
  assert.throws(() => nn.Transformer.generateSquareSubsequentMask(0), /Transformer.generateSquareSubsequentMask: size must be a positive integer, got 0/);
});

test("a causal target (tgtIsCausal, or the subsequent mask) makes each output position independent of later target positions", () => {
  manualSeed(6);
  const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 2, dimFeedforward: 16, dropout: 0, batchFirst: true });
  const src = randn([1, 4, 8]);
  const tgt = randn([1, 3, 8]);
  const changed = tgt.clone();
  changed.index(0, 2).copy_(randn([8]));
  const mask = nn.Transformer.generateSquareSubsequentMask(3);
  for (const options of [{ tgtMask: mask }, { tgtIsCausal: true }]) {
    const [a, b] = [model.call(src, tgt, options), model.call(src, changed, options)];
    assert.ok(a.index(0, "0:2").sub(b.index(0, "0:2")).abs().max().item() < 1e-6, "positions 0 and 1 do not see position 2");
    assert.ok(a.index(0, 2).sub(b.index(0, 2)).abs().max().item() > 1e-3, "position 2 does");
  }
  assert.deepEqual(model.call(src, tgt, { tgtMask: mask }).toArray(), model.call(src, tgt, { tgtIsCausal: true }).toArray());
});

test("TransformerDecoder's layers start as copies of the given layer, and run in order over the same memory", () => {
  const layer = new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.25, activation: "gelu", normFirst: true, batchFirst: true, bias: false, layerNormEps: 1e-6 });
  layer.eval();
  const decoder = new nn.TransformerDecoder(layer, 2);
  for (const copy of decoder.layers) {
    assert.equal(copy.training, false);
    assert.deepEqual([copy.dimFeedforward, copy.dropout.p, copy.activationName, copy.normFirst, copy.multihead_attn.batchFirst, copy.linear1.bias, copy.layerNormEps], [16, 0.25, "gelu", true, true, null, 1e-6]);
    assert.deepEqual(copy.norm3.weight!.toArray(), layer.norm3.weight!.toArray());
    assert.notEqual(copy.norm3.weight!.storage, layer.norm3.weight!.storage);
  }
  const [tgt, memory] = [randn([2, 3, 8]), randn([2, 5, 8])];
  const once = decoder.layers.at(1).call(decoder.layers.at(0).call(tgt, memory), memory);
  assert.deepEqual(decoder.call(tgt, memory).toArray(), once.toArray());
});

test("the decoder and nn.Transformer name what is wrong", () => {
  const layer = new nn.TransformerDecoderLayer(8, 2);
  assert.throws(() => new nn.TransformerDecoder(layer, 0), /^Error: TransformerDecoder: numLayers must be a positive integer, got 0$/);
  assert.throws(() => new nn.TransformerDecoder(new nn.TransformerEncoderLayer(8, 2) as never, 2), /^Error: TransformerDecoder: decoderLayer must be an nn.TransformerDecoderLayer$/);
  assert.throws(() => new nn.TransformerDecoderLayer(8, 2, { activation: "swish" as "relu" }), /TransformerDecoderLayer: activation must be "relu", "gelu" or a function, got "swish"/);
  const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16 });
  assert.throws(() => model.call(randn([4, 2, 8]), randn([3, 1, 8])), /Transformer: src and tgt must both be batched \(3-D, batchFirst=false\) with the same batch size, or both unbatched, got src \[4, 2, 8\] and tgt \[3, 1, 8\]/);
  assert.throws(() => model.call(randn([4, 2, 6]), randn([3, 2, 6])), /Transformer: src and tgt must have dModel = 8 features/);
  assert.throws(() => layer.call(randn([3, 2, 8]), randn([5, 2, 7])), /MultiheadAttention\(8, 2\): key must be/);
});

test("a custom encoder and decoder take the stacks' place", () => {
  const encoder = new nn.TransformerEncoder(new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 8 }), 1);
  const decoder = new nn.TransformerDecoder(new nn.TransformerDecoderLayer(8, 2, { dimFeedforward: 8 }), 3);
  const model = new nn.Transformer({ dModel: 8, nhead: 2, customEncoder: encoder, customDecoder: decoder });
  assert.equal(model.encoder, encoder);
  assert.equal(model.decoder, decoder);
  assert.equal(Object.keys(model.stateDict()).filter((k) => k.startsWith("decoder.layers.2.")).length, 18);
  assert.ok(!Object.keys(model.stateDict()).includes("encoder.norm.weight"));
  assert.deepEqual(model.call(tensor(randn([3, 1, 8]).toArray()), randn([2, 1, 8])).shape, [2, 1, 8]);
});

test("a compiled training step of nn.Transformer gives eager's losses", () => {
  const losses = (compiled: boolean): number[] => {
    manualSeed(8);
    const model = new nn.Transformer({ dModel: 8, nhead: 2, numEncoderLayers: 1, numDecoderLayers: 1, dimFeedforward: 16, dropout: 0.1, batchFirst: true });
    const head = new nn.Linear(8, 5);
    const optimizer = new optim.Adam([...model.parameters(), ...head.parameters()], { lr: 0.01 });
    const [src, tgt] = [randn([2, 4, 8]), randn([2, 3, 8])];
    const labels = tensor([0, 4, 2, 1, 3, 3], { dtype: "int32" });
    const mask = nn.Transformer.generateSquareSubsequentMask(3);
    const step = (s: Tensor, t: Tensor): Tensor => {
      optimizer.zeroGrad();
      const loss = nn.functional.crossEntropy(head.call(model.call(s, t, { tgtMask: mask })).reshape([6, 5]), labels);
      loss.backward();
      optimizer.step();
      return loss;
    };
    const call = compiled ? compile(step) : step;
    return Array.from({ length: 4 }, () => call(src, tgt).item());
  };
  assert.deepEqual(losses(true), losses(false));
});
