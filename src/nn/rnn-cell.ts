import { zeros } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { linear } from "./functional/linear.js";
import { uniform, type InitOptions } from "./init.js";
import { Module } from "./module.js";
import { Parameter } from "./parameter.js";
import { gateCount, recurrentStep, type RecurrentMode } from "./recurrent-step.js";

/** Options of {@link RNNCell}, {@link LSTMCell} and {@link GRUCell}. */
export interface RNNCellOptions extends InitOptions {
  /** Learn the biases `bias_ih` and `bias_hh` (default true). */
  bias?: boolean;
}

/** Options of {@link RNNCell}: also its nonlinearity. */
export interface RNNCellModuleOptions extends RNNCellOptions {
  /** tanh (default) or relu. */
  nonlinearity?: "tanh" | "relu";
}

/** @internal Checks a layer's sizes, as PyTorch does in the constructor. */
export function checkRecurrentSizes(layer: string, inputSize: number, hiddenSize: number): void {
  if (!Number.isInteger(inputSize) || inputSize < 0) throw new Error(`${layer}: inputSize must be a non-negative integer, got ${inputSize}`);
  if (!Number.isInteger(hiddenSize) || hiddenSize <= 0) throw new Error(`${layer}: hiddenSize must be a positive integer, got ${hiddenSize}`);
}

/** @internal PyTorch's default initialisation of every recurrent weight and bias: U(−1/√H, 1/√H). */
export function recurrentParameter(shape: number[], hiddenSize: number, options: InitOptions): Parameter {
  const bound = 1 / Math.sqrt(hiddenSize);
  return new Parameter(uniform(shape, -bound, bound, options));
}

/**
 * The shared body of the cells: one step of the recurrence, with PyTorch's parameter names
 * (`weight_ih` [gates·H, in], `weight_hh` [gates·H, H], `bias_ih`, `bias_hh` [gates·H]) as
 * field names, so `stateDict()` has PyTorch's keys.
 */
abstract class RecurrentCell<State> extends Module<[input: Tensor, hx?: State | null], State> {
  // PyTorch's parameter names, as fields: they are the state-dict keys
  weight_ih: Parameter;
  weight_hh: Parameter;
  bias_ih: Parameter | null;
  bias_hh: Parameter | null;
  readonly bias: boolean;

  constructor(
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: RNNCellOptions,
  ) {
    super();
    checkRecurrentSizes(this.constructor.name, inputSize, hiddenSize);
    const rows = gateCount(mode) * hiddenSize;
    this.bias = options.bias ?? true;
    this.weight_ih = recurrentParameter([rows, inputSize], hiddenSize, options);
    this.weight_hh = recurrentParameter([rows, hiddenSize], hiddenSize, options);
    this.bias_ih = this.bias ? recurrentParameter([rows], hiddenSize, options) : null;
    this.bias_hh = this.bias ? recurrentParameter([rows], hiddenSize, options) : null;
  }

  /** The step on a batch [B, in] (or an unbatched [in]) from hidden states [B, H] (or [H]); zeros when absent. */
  protected step(input: Tensor, h: Tensor | null, c: Tensor | null): { h: Tensor; c: Tensor | null; batched: boolean } {
    const layer = `${this.constructor.name}(${this.inputSize}, ${this.hiddenSize})`;
    if ((input.ndim !== 1 && input.ndim !== 2) || input.shape[input.ndim - 1] !== this.inputSize) {
      throw new Error(`${layer}: expected input [B, ${this.inputSize}] or [${this.inputSize}], got ${formatShape(input.shape)}`);
    }
    if (input.dtype !== this.weight_ih.dtype) throw new Error(`${layer}: input is ${input.dtype} but the weights are ${this.weight_ih.dtype} (convert one with .to())`);
    const batched = input.ndim === 2;
    const x = batched ? input : input.unsqueeze(0);
    const expected = batched ? [x.shape[0]!, this.hiddenSize] : [this.hiddenSize];
    const state = (name: string, given: Tensor | null): Tensor => {
      if (given === null) return zeros([x.shape[0]!, this.hiddenSize], { dtype: x.dtype });
      if (formatShape(given.shape) !== formatShape(expected)) throw new Error(`${layer}: expected ${name} of shape ${formatShape(expected)} for input ${formatShape(input.shape)}, got ${formatShape(given.shape)}`);
      if (given.dtype !== x.dtype) throw new Error(`${layer}: ${name} is ${given.dtype} but the input is ${x.dtype}`);
      return batched ? given : given.unsqueeze(0);
    };
    const previous = { h: state("h", h), c: this.mode === "LSTM" ? state("c", c) : null };
    const next = recurrentStep(this.mode, linear(x, this.weight_ih, this.bias_ih), previous, this.weight_hh, this.bias_hh);
    return { h: batched ? next.h : next.h.squeeze(0), c: next.c === null || batched ? next.c : next.c.squeeze(0), batched };
  }

  override extraRepr(): string {
    const nonlinearity = this.mode === "RNN_RELU" ? ", nonlinearity=relu" : "";
    return `${this.inputSize}, ${this.hiddenSize}${this.bias ? "" : ", bias=false"}${nonlinearity}`;
  }
}

/**
 * An Elman RNN cell (PyTorch's `RNNCell`): h' = tanh(x W_ihᵀ + b_ih + h W_hhᵀ + b_hh), or relu
 * with `nonlinearity: "relu"`. Takes a batch [B, in] or one sample [in], and the hidden state
 * [B, H] (or [H]; zeros when omitted); returns h'. Weights and biases are drawn from
 * U(−1/√H, 1/√H) and named as PyTorch names them.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const cell = new nn.RNNCell(3, 5);
 * const h = cell.call(ones([2, 3]));
 * console.log(h.shape, cell.call(ones([2, 3]), h).shape); // [2, 5] [2, 5]
 * console.log(Object.keys(cell.stateDict())); // ["weight_ih", "weight_hh", "bias_ih", "bias_hh"]
 * ```
 */
export class RNNCell extends RecurrentCell<Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, options: RNNCellModuleOptions = {}) {
    const nonlinearity = options.nonlinearity ?? "tanh";
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") throw new Error(`RNNCell: unknown nonlinearity "${nonlinearity as string}" (expected "tanh" or "relu")`);
    super(nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx, null).h;
  }
}

/**
 * A long short-term memory cell (PyTorch's `LSTMCell`), gates in PyTorch's order i, f, g, o:
 * c' = σ(f)·c + σ(i)·tanh(g), h' = σ(o)·tanh(c'). Takes a batch [B, in] or one sample [in],
 * and `[h, c]` ([B, H] each, or [H]; zeros when omitted); returns `[h', c']`.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const cell = new nn.LSTMCell(3, 5);
 * const [h, c] = cell.call(ones([2, 3]));
 * console.log(h.shape, c.shape, cell.weight_ih.shape); // [2, 5] [2, 5] [20, 3]
 * ```
 */
export class LSTMCell extends RecurrentCell<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, Tensor] {
    const next = this.step(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [next.h, next.c!];
  }
}

/**
 * A gated recurrent unit cell (PyTorch's `GRUCell`), gates in PyTorch's order r, z, n:
 * n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn)), h' = (1 − z)·n + z·h. Takes a batch [B, in]
 * or one sample [in], and h [B, H] (or [H]; zeros when omitted); returns h'.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const cell = new nn.GRUCell(3, 5);
 * console.log(cell.call(ones([3])).shape, cell.weight_hh.shape); // [5] [15, 5]
 * ```
 */
export class GRUCell extends RecurrentCell<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNCellOptions = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): Tensor {
    return this.step(input, hx, null).h;
  }
}
