// The PyTorch recurrent-layer fixture and how nabla runs each of its cases: shared by
// rnn-vs-torch.test.ts and test/webgpu/webgpu-layers-vs-torch.test.ts.
import { readFileSync } from "node:fs";
import { nn, tensor, type DType, type Tensor } from "../../src/index.js";

// test/fixtures/rnn.json is written by scripts/fixtures/make_rnn_fixtures.py (PyTorch, float64).
export interface FixtureTensor {
  shape: number[];
  data: number[];
}
export interface Case {
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
export const fixture = JSON.parse(readFileSync(new URL("../fixtures/rnn.json", import.meta.url), "utf8")) as { cases: Case[] };

export const rebuild = (t: FixtureTensor, dtype: DType): Tensor => tensor(t.data, { shape: t.shape, dtype });
export const nested = (t: FixtureTensor) => rebuild(t, "float64").toArray();

type AnyRecurrent = nn.RNN | nn.LSTM | nn.GRU | nn.RNNCell | nn.LSTMCell | nn.GRUCell;
const INPUT_SIZE = 3;
const HIDDEN_SIZE = 4;

export function build(c: Case, dtype: DType): AnyRecurrent {
  const options = { ...c.options, dtype };
  const Layer = { RNN: nn.RNN, LSTM: nn.LSTM, GRU: nn.GRU, RNNCell: nn.RNNCell, LSTMCell: nn.LSTMCell, GRUCell: nn.GRUCell }[c.kind];
  const module = new Layer(INPUT_SIZE, HIDDEN_SIZE, options);
  module.train(c.training);
  return module;
}

/** Runs the module as the fixture did and names its outputs as the fixture does. */
export function run(module: AnyRecurrent, x: Record<string, Tensor | undefined>): Record<string, Tensor> {
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

