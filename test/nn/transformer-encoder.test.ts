import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { nn, randn } from "../../src/index.js";

// Values and gradients against PyTorch's nn.TransformerEncoder are in attention-vs-torch.test.ts
// (the "encoder stack" cases of test/fixtures/attention.json); here what those cannot show.

test("TransformerEncoder's layers start as copies of the given layer: equal values, separate parameters, its train/eval mode", () => {
  const layer = new nn.TransformerEncoderLayer(8, 2, { dimFeedforward: 16, dropout: 0.25, activation: "gelu", normFirst: true, batchFirst: true, bias: false, layerNormEps: 1e-6 });
  layer.eval();
  const encoder = new nn.TransformerEncoder(layer, 3);
  const state = layer.stateDict();
  assert.equal(encoder.layers.length, 3);
  for (const copy of encoder.layers) {
    assert.equal(copy.training, false);
    assert.deepEqual([copy.dimFeedforward, copy.dropout.p, copy.activationName, copy.normFirst, copy.self_attn.batchFirst, copy.linear1.bias, copy.layerNormEps], [16, 0.25, "gelu", true, true, null, 1e-6]);
    for (const [name, value] of Object.entries(copy.stateDict())) {
      assert.deepEqual(value.toArray(), state[name]!.toArray(), name);
      assert.notEqual(value.storage, state[name]!.storage, `${name} is a copy`);
    }
  }
  const x = randn([2, 5, 8]);
  const once = encoder.layers.at(2).call(encoder.layers.at(1).call(encoder.layers.at(0).call(x)));
  assert.deepEqual(encoder.call(x).toArray(), once.toArray(), "the layers run in order");
});

test("TransformerEncoder: a numLayers that is not a positive integer, or a layer of another kind, is an error naming it", () => {
  const layer = new nn.TransformerEncoderLayer(8, 2);
  assert.throws(() => new nn.TransformerEncoder(layer, 0), /^Error: TransformerEncoder: numLayers must be a positive integer, got 0$/);
  assert.throws(() => new nn.TransformerEncoder(new nn.Linear(2, 2) as never, 2), /^Error: TransformerEncoder: encoderLayer must be an nn.TransformerEncoderLayer$/);
});
