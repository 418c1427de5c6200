/**
 * One time step of the three recurrent cells, shared by the cells (`RNNCell`, `LSTMCell`,
 * `GRUCell`) and the multi-layer modules (`RNN`, `LSTM`, `GRU`), with PyTorch's gate order.
 * The input's share of the gates (x W_ihᵀ + b_ih) comes in precomputed: the modules compute it
 * for every time step in one matrix product, so only h W_hhᵀ + b_hh is left per step.
 */
import type { Tensor } from "../tensor/tensor.js";
import { linear } from "./functional/linear.js";

/** PyTorch's names of the recurrences (`torch.nn.RNNBase.mode`). */
export type RecurrentMode = "RNN_TANH" | "RNN_RELU" | "LSTM" | "GRU";

/** The hidden state of one layer and direction: `c` is the LSTM's cell state (null otherwise). */
export interface StepState {
  h: Tensor;
  c: Tensor | null;
}

/** How many gates, each `hiddenSize` wide, a mode's weight matrices stack: W_ih is [gates·H, in]. */
export function gateCount(mode: RecurrentMode): number {
  return mode === "LSTM" ? 4 : mode === "GRU" ? 3 : 1;
}

/**
 * @internal The state after one step. `inputGates` is x W_ihᵀ + b_ih, [B, gates·H]; `weightHh`
 * is [gates·H, H] and `biasHh` [gates·H] or null.
 */
export function recurrentStep(mode: RecurrentMode, inputGates: Tensor, state: StepState, weightHh: Tensor, biasHh: Tensor | null): StepState {
  const hiddenGates = linear(state.h, weightHh, biasHh);
  switch (mode) {
    case "RNN_TANH":
      // h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh)
      return { h: inputGates.add(hiddenGates).tanh(), c: null };
    case "RNN_RELU":
      return { h: inputGates.add(hiddenGates).relu(), c: null };
    case "LSTM": {
      // gates i, f, g, o; c' = σ(f)·c + σ(i)·tanh(g); h' = σ(o)·tanh(c')
      const [i, f, g, o] = inputGates.add(hiddenGates).chunk(4, 1) as [Tensor, Tensor, Tensor, Tensor];
      const c = f.sigmoid().mul(state.c!).add(i.sigmoid().mul(g.tanh()));
      return { h: o.sigmoid().mul(c.tanh()), c };
    }
    case "GRU": {
      // gates r, z, n; the reset gate scales the hidden share of n *with* its bias b_hn:
      // n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn)); h' = (1 − z)·n + z·h = n + z·(h − n)
      const [ir, iz, inN] = inputGates.chunk(3, 1) as [Tensor, Tensor, Tensor];
      const [hr, hz, hn] = hiddenGates.chunk(3, 1) as [Tensor, Tensor, Tensor];
      const r = ir.add(hr).sigmoid();
      const z = iz.add(hz).sigmoid();
      const n = inN.add(r.mul(hn)).tanh();
      return { h: n.add(z.mul(state.h.sub(n))), c: null };
    }
  }
}
