import "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { assertClose } from "../helpers.js";
import { cat, gradcheck, nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/rnn.json is written by scripts/fixtures/make_rnn_fixtures.py (PyTorch, float64).
interface FixtureTensor {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  kind: "RNN" | "LSTM" | "GRU" | "RNNCell" | "LSTMCell" | "GRUCell";
  options: Record<string, unknown>;
  training: boolean;
  stateDict: Record<string, FixtureTensor>;
  inputs: Record<string, FixtureTensor>;
  outputs: Record<string, FixtureTensor>;
  upstream: Record<string, FixtureTensor>;
  grads: Record<string, FixtureTensor>;
}
const fixture = JSON.parse(readFileSync(new URL("../fixtures/rnn.json", import.meta.url), "utf8")) as { cases: Case[] };

const rebuild = (t: FixtureTensor, dtype: DType): Tensor => tensor(t.data, { shape: t.shape, dtype });
const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();

type AnyRecurrent = nn.RNN | nn.LSTM | nn.GRU | nn.RNNCell | nn.LSTMCell | nn.GRUCell;
const INPUT_SIZE = 3;
const HIDDEN_SIZE = 4;

function build(c: Case, dtype: DType): AnyRecurrent {
  const options = { ...c.options, dtype };
  const Layer = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU, RNNCell: nn.RNNCell, LSTMCell: nn.LSTMCell, GRUCell: nn.GRUCell }[c.kind];
  const module = new Layer(INPUT_SIZE, HIDDEN_SIZE, options);
  module.train(c.training);
  return module;
}

/** Runs the module as the fixture did and names its outputs as the fixture does. */
function run(module: AnyRecurrent, x: Record<string, Tensor | undefined>): Record<string, Tensor> {
  const h0 = x.h0 ?? null;
  const states = x.h0 === undefined ? null : ([x.h0, x.c0!] as [Tensor, Tensor]);
  if (module instanceof nn.LSTM) {
    const [output, [h, c]] = module.call(x.input!, states);
    return { output, h, c };
  }
  if (module instanceof nn.RNN || module instanceof nn.GRU) {
    const [output, h] = module.call(x.input!, h0);
    return { output, h };
  }
  if (module instanceof nn.LSTMCell) {
    const [h, c] = module.call(x.input!, states);
    return { h, c };
  }
  return { h: module.call(x.input!, h0) };
}

const TOLERANCE: Record<"float32" | "float64", { atol: number; rtol: number }> = {
  float64: { atol: 1e-10, rtol: 1e-10 },
  float32: { atol: 2e-5, rtol: 2e-5 },
};

for (const dtype of ["float64", "float32"] as const) {
  describe(`recurrent layers vs PyTorch, ${dtype}`, () => {
    for (const c of fixture.cases) {
      test(c.name, () => {
        const module = build(c, dtype);
        // PyTorch's state dict loads unchanged: same keys, same order, same shapes
        assert.deepEqual(Object.keys(module.stateDict()), Object.keys(c.stateDict));
        module.loadStateDict(Object.fromEntries(Object.entries(c.stateDict).map(([k, v]) => [k, rebuild(v, "float64")])));
        const leaves: Record<string, Tensor> = {};
        for (const [k, v] of Object.entries(c.inputs)) leaves[k] = rebuild(v, dtype).requiresGrad_();
        const outputs = run(module, leaves);
        const { atol, rtol } = TOLERANCE[dtype];
        assert.deepEqual(Object.keys(outputs), Object.keys(c.outputs));
        let loss: Tensor | null = null;
        for (const [k, out] of Object.entries(outputs)) {
          assert.equal(out.dtype, dtype);
          assertClose(out, nested(c.outputs[k]!), atol, rtol, `${c.name}: ${k}`);
          const term = out.mul(rebuild(c.upstream[k]!, dtype)).sum();
          loss = loss === null ? term : loss.add(term);
        }
        loss!.backward();
        const parameters = new Map(module.namedParameters());
        for (const [k, g] of Object.entries(c.grads)) {
          const leaf = leaves[k] ?? parameters.get(k);
          assert.ok(leaf !== undefined, `${c.name}: no input or parameter ${k}`);
          assert.ok(leaf.grad !== null, `${c.name}: ${k} got no gradient`);
          assertClose(leaf.grad, nested(g), atol * 5, rtol * 5, `${c.name}: grad of ${k}`);
        }
        assert.equal(parameters.size + Object.keys(leaves).length, Object.keys(c.grads).length);
      });
    }
  });
}

// Central finite differences in float64: the input, the initial states and every parameter
// (swapped into the module's fields, which forward reads by name each call).
describe("recurrent layers: gradcheck, float64", () => {
  for (const c of fixture.cases) {
    test(c.name, () => {
      const module = build(c, "float64");
      const fields = module as unknown as Record<string, Tensor>;
      const inputNames = Object.keys(c.inputs);
      const parameterNames = module.namedParameters().map(([name]) => name);
      const leaves = [
        ...inputNames.map((k) => rebuild(c.inputs[k]!, "float64").requiresGrad_()),
        ...parameterNames.map((k) => rebuild(c.stateDict[k]!, "float64").requiresGrad_()),
      ];
      const f = (...xs: Tensor[]): Tensor => {
        parameterNames.forEach((k, i) => (fields[k] = xs[inputNames.length + i]!));
        const outputs = run(module, Object.fromEntries(inputNames.map((k, i) => [k, xs[i]!])));
        return cat(Object.values(outputs).map((t) => t.flatten()));
      };
      assert.equal(gradcheck(f, leaves), true);
    });
  }
});
