import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { assertClose } from "../helpers.js";
import { manualSeed, nn, ones, randn, tensor, zeros, type Tensor } from "../../src/index.js";

describe("recurrent layers: construction", () => {
  test("default init is U(-1/sqrt(H), 1/sqrt(H)) for every weight and bias, and fills that range", () => {
    manualSeed(1);
    for (const module of [new nn.LSTM(5, 16, { numLayers: 2, bidirectional: true }), new nn.GRUCell(5, 16), new nn.RNN(5, 16)]) {
      const all: number[] = [];
      for (const [name, p] of module.namedParameters()) {
        const values = [...p.toTypedArray()] as number[];
        assert.ok(values.every((v) => Math.abs(v) <= 1 / 4), `${module.constructor.name}.${name} within ±1/sqrt(16)`);
        all.push(...values);
      }
      // over a thousand draws from U(-1/4, 1/4): they reach past ±0.24, and average near 0
      assert.ok(Math.max(...all) > 0.24 && Math.min(...all) < -0.24, `${module.constructor.name} spans the range`);
      const mean = all.reduce((a, b) => a + b, 0) / all.length;
      const std = Math.sqrt(all.reduce((a, b) => a + (b - mean) ** 2, 0) / all.length);
      // U(-b, b) has mean 0 and std b/√3; 6 standard errors of room
      const standardError = 0.25 / Math.sqrt(3 * all.length);
      assert.ok(Math.abs(mean) < 6 * standardError, `${module.constructor.name} mean ${mean}`);
      assert.ok(Math.abs(std - 0.25 / Math.sqrt(3)) < 6 * standardError, `${module.constructor.name} std ${std}`);
    }
  });

  test("parameter shapes follow PyTorch: gates·H rows; layer > 0 reads directions·H", () => {
    const lstm = new nn.LSTM(3, 4, { numLayers: 2, bidirectional: true });
    const shapes = Object.fromEntries(lstm.namedParameters().map(([k, p]) => [k, p.shape]));
    assert.deepEqual(shapes.weight_ih_l0, [16, 3]);
    assert.deepEqual(shapes.weight_ih_l1_reverse, [16, 8]);
    assert.deepEqual(shapes.bias_hh_l1, [16]);
    assert.equal(lstm.allWeights.length, 4);
    assert.deepEqual(new nn.GRU(3, 4, { bias: false }).namedParameters().map(([k]) => k), ["weight_ih_l0", "weight_hh_l0"]);
    assert.deepEqual(new nn.GRUCell(3, 4).weight_ih.shape, [12, 3]);
  });

  test("toString and dtype", () => {
    assert.equal(new nn.RNN(3, 4, { nonlinearity: "relu", numLayers: 2, batchFirst: true }).toString(), "RNN(3, 4, numLayers=2, nonlinearity=relu, batchFirst=true)");
    assert.equal(new nn.LSTMCell(3, 4, { bias: false }).toString(), "LSTMCell(3, 4, bias=false)");
    const gru = new nn.GRU(3, 4, { dtype: "float64" });
    assert.equal(gru.weight_hh_l0.dtype, "float64");
    const [output] = gru.to("float32").call(ones([2, 3]));
    assert.equal(output.dtype, "float32");
  });

  test("dropout with a single layer warns, as PyTorch does, since it acts only between layers", () => {
    const warnings: string[] = [];
    const original = console.warn;
    console.warn = (message: string) => void warnings.push(message);
    try {
      new nn.GRU(3, 4, { dropout: 0.2 });
      new nn.GRU(3, 4, { dropout: 0.2, numLayers: 2 });
    } finally {
      console.warn = original;
    }
    assert.deepEqual(warnings, ["GRU: dropout (0.2) acts between layers, so it does nothing with numLayers=1"]);
  });

  test("bad constructor arguments are named", () => {
    assert.throws(() => new nn.LSTM(3, 0), /LSTM: hiddenSize must be a positive integer, got 0/);
    assert.throws(() => new nn.GRU(3, 4, { numLayers: 0 }), /GRU: numLayers must be a positive integer, got 0/);
    assert.throws(() => new nn.RNN(3, 4, { dropout: 1.5 }), /RNN: dropout .* got 1.5/);
    assert.throws(() => new nn.RNN(3, 4, { nonlinearity: "sigmoid" as "tanh" }), /RNN: unknown nonlinearity "sigmoid"/);
    assert.throws(() => new nn.RNNCell(2.5, 4), /RNNCell: inputSize must be a non-negative integer, got 2.5/);
    assert.throws(() => new nn.LSTM(3, 4, { projSize: 4 }), /LSTM: projSize must be an integer in \[0, hiddenSize 4\), got 4/);
    assert.throws(() => new nn.GRU(3, 4, { projSize: 2 } as nn.LSTMOptions), /GRU: projSize is only supported by LSTM/);
  });
});

describe("recurrent layers: bad input", () => {
  const lstm = new nn.LSTM(3, 4, { numLayers: 2 });
  test("wrong input size or rank names the layer and the shapes", () => {
    assert.throws(() => lstm.call(ones([5, 2, 7])), /LSTM\(3, 4, numLayers=2\): expected input \[T, B, 3\] or unbatched \[T, 3\], got \[5,2,7\]/);
    assert.throws(() => lstm.call(ones([3])), /LSTM\(3, 4, numLayers=2\): expected input .* got \[3\]/);
    assert.throws(() => new nn.GRU(3, 4, { batchFirst: true }).call(ones([2, 5, 4])), /GRU\(3, 4, batchFirst=true\): expected input \[B, T, 3\]/);
    assert.throws(() => lstm.call(zeros([0, 2, 3])), /LSTM\(3, 4, numLayers=2\): the input \[0,2,3\] has no time steps/);
  });
  test("wrong h0 or c0 shape names which and the expected shape", () => {
    assert.throws(() => lstm.call(ones([5, 2, 3]), [zeros([1, 2, 4]), zeros([2, 2, 4])]), /expected h0 of shape \[2,2,4\] for input \[5,2,3\], got \[1,2,4\]/);
    assert.throws(() => lstm.call(ones([5, 2, 3]), [zeros([2, 2, 4]), zeros([2, 3, 4])]), /expected c0 of shape \[2,2,4\] for input \[5,2,3\], got \[2,3,4\]/);
    // with a projection, h is projSize wide and c hiddenSize wide
    const projected = new nn.LSTM(3, 4, { projSize: 2 });
    assert.equal(projected.toString(), "LSTM(3, 4, projSize=2)");
    assert.throws(() => projected.call(ones([5, 2, 3]), [zeros([1, 2, 4]), zeros([1, 2, 4])]), /LSTM\(3, 4, projSize=2\): expected h0 of shape \[1,2,2\] for input \[5,2,3\], got \[1,2,4\]/);
    const [output, [h, c]] = projected.call(ones([5, 2, 3]), [zeros([1, 2, 2]), zeros([1, 2, 4])]);
    assert.deepEqual([output.shape, h.shape, c.shape], [[5, 2, 2], [1, 2, 2], [1, 2, 4]]);
    // unbatched input wants unbatched states
    assert.throws(() => new nn.GRU(3, 4).call(ones([5, 3]), zeros([1, 1, 4])), /GRU\(3, 4\): expected h0 of shape \[1,4\] for input \[5,3\], got \[1,1,4\]/);
    assert.throws(() => new nn.RNN(3, 4, { bidirectional: true }).call(ones([5, 2, 3]), zeros([1, 2, 4])), /expected h0 of shape \[2,2,4\]/);
    assert.throws(() => lstm.call(ones([5, 2, 3]), zeros([2, 2, 4]) as unknown as [Tensor, Tensor]), /LSTM: hx must be a pair \[h0, c0\]/);
  });
  test("dtype mismatches are errors, as in PyTorch", () => {
    assert.throws(() => new nn.RNN(3, 4).call(ones([5, 2, 3], { dtype: "float64" })), /RNN\(3, 4\): input is float64 but the weights are float32/);
    assert.throws(() => new nn.RNN(3, 4).call(ones([5, 2, 3]), zeros([1, 2, 4], { dtype: "float64" })), /RNN\(3, 4\): h0 is float64 but the input is float32/);
  });
  test("cells: wrong input or state shape", () => {
    assert.throws(() => new nn.GRUCell(3, 4).call(ones([2, 5])), /GRUCell\(3, 4\): expected input \[B, 3\] or \[3\], got \[2,5\]/);
    assert.throws(() => new nn.RNNCell(3, 4).call(ones([2, 3]), zeros([3, 4])), /RNNCell\(3, 4\): expected h of shape \[2,4\] for input \[2,3\], got \[3,4\]/);
    assert.throws(() => new nn.LSTMCell(3, 4).call(ones([3]), [zeros([4]), zeros([1, 4])]), /LSTMCell\(3, 4\): expected c of shape \[4\] for input \[3\], got \[1,4\]/);
  });
});

describe("recurrent layers: behaviour", () => {
  test("dropout acts between layers in training only, never on the last layer's output", () => {
    manualSeed(3);
    const rnn = new nn.RNN(3, 4, { numLayers: 2, dropout: 1 });
    const a = randn([4, 2, 3]);
    const b = randn([4, 2, 3]);
    // dropout 1 zeroes layer 0's output, so layer 1 sees zeros whatever the input
    const [outA] = rnn.call(a);
    const [outB] = rnn.call(b);
    assertClose(outA, outB.toArray(), 0, 0, "output independent of the input");
    assert.ok(outA.abs().sum().item() > 0, "the last layer's output is not dropped");
    rnn.eval();
    const [evalA] = rnn.call(a);
    const [evalB] = rnn.call(b);
    assert.ok(evalA.sub(evalB).abs().max().item() > 1e-3, "eval mode applies no dropout");
  });

  test("unbatched input gives the batch-of-one result without the batch axis", () => {
    manualSeed(4);
    const gru = new nn.GRU(3, 4, { numLayers: 2, bidirectional: true, batchFirst: true });
    const x = randn([5, 3]);
    const h0 = randn([4, 4]);
    const [out, h] = gru.call(x, h0);
    const [outBatched, hBatched] = gru.call(x.unsqueeze(0), h0.unsqueeze(1));
    assertClose(out, outBatched.squeeze(0).toArray(), 1e-6, 1e-6);
    assertClose(h, hBatched.squeeze(1).toArray(), 1e-6, 1e-6);
  });

  test("the sequence's last output is the final hidden state; the reverse direction's first", () => {
    manualSeed(5);
    const lstm = new nn.LSTM(2, 3, { bidirectional: true });
    const [output, [h]] = lstm.call(randn([6, 1, 2]));
    assertClose(output.select(0, 5).narrow(1, 0, 3), h.select(0, 0).toArray(), 0, 0);
    assertClose(output.select(0, 0).narrow(1, 3, 3), h.select(0, 1).toArray(), 0, 0);
  });

  test("a long sequence backpropagates through every step", () => {
    manualSeed(6);
    const rnn = new nn.RNN(1, 2);
    const x = randn([200, 1, 1]).requiresGrad_();
    const [, h] = rnn.call(x);
    h.sum().backward();
    assert.deepEqual(x.grad!.shape, [200, 1, 1]);
    assert.ok(x.grad!.select(0, 199).abs().item() > 0);
    assert.ok(Number.isFinite(x.grad!.sum().item()));
  });

  test("RNNCell relu and the cell equals a one-step RNN with the same weights", () => {
    manualSeed(7);
    const cell = new nn.RNNCell(3, 4, { nonlinearity: "relu" });
    const rnn = new nn.RNN(3, 4, { nonlinearity: "relu" });
    rnn.loadStateDict({ weight_ih_l0: cell.weight_ih, weight_hh_l0: cell.weight_hh, bias_ih_l0: cell.bias_ih!, bias_hh_l0: cell.bias_hh! });
    const x = randn([2, 3]);
    const h = randn([2, 4]);
    const [out] = rnn.call(x.unsqueeze(0), h.unsqueeze(0));
    assertClose(out.squeeze(0), cell.call(x, h).toArray(), 1e-6, 1e-6);
    assert.ok(cell.call(tensor([[-10, -10, -10]]), zeros([1, 4])).min().item() >= 0);
  });
});
