import { cat, stack } from "../ops/join.js";
import { zeros } from "../tensor/creation.js";
import { formatShape } from "../tensor/shape.js";
import type { Tensor } from "../tensor/tensor.js";
import { dropout } from "./functional/dropout.js";
import { linear } from "./functional/linear.js";
import type { InitOptions } from "./init.js";
import { Module } from "./module.js";
import type { Parameter } from "./parameter.js";
import { gateCount, recurrentStep, type RecurrentMode, type StepState } from "./recurrent-step.js";
import { checkRecurrentSizes, recurrentParameter } from "./rnn-cell.js";

/** Options of {@link LSTM} and {@link GRU}, as PyTorch's. */
export interface RNNOptions extends InitOptions {
  /** Stacked layers, each reading the previous one's output (default 1). */
  numLayers?: number;
  /** Learn the biases `bias_ih_l*` and `bias_hh_l*` (default true). */
  bias?: boolean;
  /** Input and output are [B, T, ·] instead of [T, B, ·] (the hidden states stay [layers, B, H]). Default false. */
  batchFirst?: boolean;
  /** Dropout probability on the outputs of every layer but the last, in training mode only (default 0). */
  dropout?: number;
  /** Also run each layer over the reversed sequence and concatenate both directions' outputs (default false). */
  bidirectional?: boolean;
}

/** Options of {@link LSTM}: also its projection. */
export interface LSTMOptions extends RNNOptions {
  /** With 0 < projSize < hiddenSize, h is projected to projSize by `weight_hr_l*` after every step (default 0: none). */
  projSize?: number;
}

/** Options of {@link RNN}: also its nonlinearity. */
export interface RNNModuleOptions extends RNNOptions {
  /** tanh (default) or relu. */
  nonlinearity?: "tanh" | "relu";
}

/** The states after a run: `h` (and the LSTM's `c`) as [layers·directions, B, H]. */
interface RunResult {
  output: Tensor;
  h: Tensor;
  c: Tensor | null;
}

/**
 * The shared body of RNN, LSTM and GRU: `numLayers` layers of one recurrence, each with one or
 * two directions. The parameters are fields with PyTorch's names (`weight_ih_l0`,
 * `weight_hh_l0`, `bias_ih_l0`, `bias_hh_l0`, then `…_l0_reverse` when bidirectional, then layer
 * 1 …), so `stateDict()` has PyTorch's keys and order; `forward` reads them by name each call,
 * so `to()` and `loadStateDict()` need nothing else.
 */
abstract class RecurrentLayers<State> extends Module<[input: Tensor, hx?: State | null], [Tensor, State]> {
  // typed access to the first layer's weights, which every configuration has (the fields
  // themselves are made in the constructor, by name; the rest are reachable by name, as in PyTorch)
  declare readonly weight_ih_l0: Parameter;
  declare readonly weight_hh_l0: Parameter;
  readonly numLayers: number;
  readonly bias: boolean;
  readonly batchFirst: boolean;
  readonly dropout: number;
  readonly bidirectional: boolean;
  /** The LSTM's projection size (0: none): h is then [.., projSize] while c stays [.., hiddenSize]. */
  readonly projSize: number;

  constructor(
    protected readonly mode: RecurrentMode,
    readonly inputSize: number,
    readonly hiddenSize: number,
    options: LSTMOptions,
  ) {
    super();
    const layer = this.constructor.name;
    checkRecurrentSizes(layer, inputSize, hiddenSize);
    this.numLayers = options.numLayers ?? 1;
    this.bias = options.bias ?? true;
    this.batchFirst = options.batchFirst ?? false;
    this.dropout = options.dropout ?? 0;
    this.bidirectional = options.bidirectional ?? false;
    this.projSize = options.projSize ?? 0;
    if (!Number.isInteger(this.projSize) || this.projSize < 0 || (this.projSize > 0 && this.projSize >= hiddenSize)) {
      throw new Error(`${layer}: projSize must be an integer in [0, hiddenSize ${hiddenSize}), got ${this.projSize}`);
    }
    if (this.projSize > 0 && mode !== "LSTM") throw new Error(`${layer}: projSize is only supported by LSTM`);
    if (!Number.isInteger(this.numLayers) || this.numLayers < 1) throw new Error(`${layer}: numLayers must be a positive integer, got ${this.numLayers}`);
    if (!(this.dropout >= 0 && this.dropout <= 1)) throw new Error(`${layer}: dropout should be a number in [0, 1] representing the probability of an element being zeroed, got ${this.dropout}`);
    if (this.dropout > 0 && this.numLayers === 1) {
      console.warn(`${layer}: dropout (${this.dropout}) acts between layers, so it does nothing with numLayers=1`);
    }
    const rows = gateCount(mode) * hiddenSize;
    const fields = this as unknown as Record<string, Parameter | null>;
    for (let l = 0; l < this.numLayers; l++) {
      const layerInput = l === 0 ? inputSize : this.outputSize * this.directions;
      for (let d = 0; d < this.directions; d++) {
        const suffix = `_l${l}${d === 1 ? "_reverse" : ""}`;
        fields[`weight_ih${suffix}`] = recurrentParameter([rows, layerInput], hiddenSize, options);
        fields[`weight_hh${suffix}`] = recurrentParameter([rows, this.outputSize], hiddenSize, options);
        if (this.bias) {
          fields[`bias_ih${suffix}`] = recurrentParameter([rows], hiddenSize, options);
          fields[`bias_hh${suffix}`] = recurrentParameter([rows], hiddenSize, options);
        }
        if (this.projSize > 0) fields[`weight_hr${suffix}`] = recurrentParameter([this.projSize, hiddenSize], hiddenSize, options);
      }
    }
  }

  /** The width of h and of each direction's output: projSize if set, else hiddenSize. */
  get outputSize(): number {
    return this.projSize > 0 ? this.projSize : this.hiddenSize;
  }

  /** 2 when bidirectional, else 1. */
  get directions(): 1 | 2 {
    return this.bidirectional ? 2 : 1;
  }

  /** The weights of every layer and direction, `[weight_ih, weight_hh, bias_ih, bias_hh, weight_hr]` each, those present (PyTorch's `all_weights`). */
  get allWeights(): Parameter[][] {
    const fields = this as unknown as Record<string, Parameter | undefined>;
    const out: Parameter[][] = [];
    for (let l = 0; l < this.numLayers; l++) {
      for (let d = 0; d < this.directions; d++) {
        const suffix = `_l${l}${d === 1 ? "_reverse" : ""}`;
        out.push(["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr"].map((name) => fields[name + suffix]).filter((p): p is Parameter => p !== undefined));
      }
    }
    return out;
  }

  /** "LSTM(10, 20, numLayers=2)": how errors name the layer. */
  private describe(): string {
    return `${this.constructor.name}(${this.extraRepr()})`;
  }

  /**
   * Runs every layer over the sequence. `input` is [T, B, in] ([B, T, in] with batchFirst) or
   * unbatched [T, in]; `h0`/`c0` are [layers·directions, B, H] (or [layers·directions, H]) or null for zeros.
   */
  /** @internal Runs every layer and direction over the sequence. */
  protected run(input: Tensor, h0: Tensor | null, c0: Tensor | null): RunResult {
    const layer = this.describe();
    const batched = input.ndim === 3;
    if ((input.ndim !== 2 && input.ndim !== 3) || input.shape[input.ndim - 1] !== this.inputSize) {
      const expected = this.batchFirst ? `[B, T, ${this.inputSize}]` : `[T, B, ${this.inputSize}]`;
      throw new Error(`${layer}: expected input ${expected} or unbatched [T, ${this.inputSize}], got ${formatShape(input.shape)}`);
    }
    const weightIh = this.weight(0, 0, "weight_ih")!;
    if (input.dtype !== weightIh.dtype) throw new Error(`${layer}: input is ${input.dtype} but the weights are ${weightIh.dtype} (convert one with .to())`);
    // time-major [T, B, in] inside
    const x = !batched ? input.unsqueeze(1) : this.batchFirst ? input.transpose(0, 1) : input;
    const [steps, batch] = x.shape as [number, number];
    if (steps === 0) throw new Error(`${layer}: the input ${formatShape(input.shape)} has no time steps`);
    const initial = (name: string, given: Tensor | null, size: number): Tensor[] => {
      const stateShape = [this.numLayers * this.directions, ...(batched ? [batch] : []), size];
      if (given === null) return new Array<Tensor>(this.numLayers * this.directions).fill(zeros([batch, size], { dtype: x.dtype }));
      if (formatShape(given.shape) !== formatShape(stateShape)) {
        throw new Error(`${layer}: expected ${name} of shape ${formatShape(stateShape)} for input ${formatShape(input.shape)}, got ${formatShape(given.shape)}`);
      }
      if (given.dtype !== x.dtype) throw new Error(`${layer}: ${name} is ${given.dtype} but the input is ${x.dtype}`);
      return (batched ? given : given.unsqueeze(1)).unbind(0);
    };
    const hs = initial("h0", h0, this.outputSize);
    const cs = this.mode === "LSTM" ? initial("c0", c0, this.hiddenSize) : null;
    const finalH: Tensor[] = [];
    const finalC: Tensor[] = [];
    let layerInput = x;
    for (let l = 0; l < this.numLayers; l++) {
      const outputs: Tensor[] = [];
      for (let d = 0; d < this.directions; d++) {
        const k = l * this.directions + d;
        // the input's share of the gates for every time step in one product: [T, B, gates·H], as
        // views of each step whose gradients backward writes side by side into one buffer (unbind)
        const inputGates = linear(layerInput, this.weight(l, d, "weight_ih")!, this.weight(l, d, "bias_ih")).unbind(0);
        const weightHh = this.weight(l, d, "weight_hh")!;
        const biasHh = this.weight(l, d, "bias_hh");
        const weightHr = this.weight(l, d, "weight_hr");
        let state: StepState = { h: hs[k]!, c: cs === null ? null : cs[k]! };
        const perStep = new Array<Tensor>(steps);
        for (let i = 0; i < steps; i++) {
          const t = d === 0 ? i : steps - 1 - i;
          state = recurrentStep(this.mode, inputGates[t]!, state, weightHh, biasHh);
          if (weightHr !== null) state = { h: linear(state.h, weightHr), c: state.c };
          perStep[t] = state.h;
        }
        outputs.push(stack(perStep, 0));
        finalH.push(state.h);
        if (state.c !== null) finalC.push(state.c);
      }
      layerInput = outputs.length === 1 ? outputs[0]! : cat(outputs, 2);
      if (l < this.numLayers - 1 && this.training && this.dropout > 0) layerInput = dropout(layerInput, this.dropout, true);
    }
    const unbatch = (t: Tensor): Tensor => (batched ? t : t.squeeze(1));
    const output = !batched ? layerInput.squeeze(1) : this.batchFirst ? layerInput.transpose(0, 1) : layerInput;
    return { output, h: unbatch(stack(finalH, 0)), c: cs === null ? null : unbatch(stack(finalC, 0)) };
  }

  /** The parameter `name` of layer `l`, direction `d` (null for an absent bias), read from its field. */
  private weight(l: number, d: number, name: string): Parameter | null {
    return (this as unknown as Record<string, Parameter | undefined>)[`${name}_l${l}${d === 1 ? "_reverse" : ""}`] ?? null;
  }

  override extraRepr(): string {
    const options = [
      this.numLayers !== 1 ? `numLayers=${this.numLayers}` : "",
      this.mode === "RNN_RELU" ? "nonlinearity=relu" : "",
      this.bias ? "" : "bias=false",
      this.batchFirst ? "batchFirst=true" : "",
      this.dropout !== 0 ? `dropout=${this.dropout}` : "",
      this.bidirectional ? "bidirectional=true" : "",
      this.projSize !== 0 ? `projSize=${this.projSize}` : "",
    ].filter((s) => s !== "");
    return [`${this.inputSize}`, `${this.hiddenSize}`, ...options].join(", ");
  }
}

/**
 * A multi-layer Elman RNN (PyTorch's `RNN`): h_t = tanh(x_t W_ihᵀ + b_ih + h_(t−1) W_hhᵀ + b_hh)
 * per layer (relu with `nonlinearity: "relu"`). `forward(input, h0?)` takes input [T, B, in]
 * ([B, T, in] with `batchFirst`, or unbatched [T, in]) and h0 [layers·directions, B, H] (zeros
 * when omitted), and returns `[output, hN]`: the last layer's h at every step, [T, B,
 * directions·H], and every layer's final h. Parameters have PyTorch's names and shapes and are
 * drawn from U(−1/√H, 1/√H).
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const rnn = new nn.RNN(3, 4, { numLayers: 2 });
 * const [output, h] = rnn.call(ones([5, 2, 3]));
 * console.log(output.shape, h.shape); // [5, 2, 4] [2, 2, 4]
 * console.log(Object.keys(rnn.stateDict()).slice(0, 4)); // ["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0"]
 * ```
 */
export class RNN extends RecurrentLayers<Tensor> {
  readonly nonlinearity: "tanh" | "relu";
  constructor(inputSize: number, hiddenSize: number, options: RNNModuleOptions = {}) {
    const nonlinearity = options.nonlinearity ?? "tanh";
    if (nonlinearity !== "tanh" && nonlinearity !== "relu") throw new Error(`RNN: unknown nonlinearity "${nonlinearity as string}" (expected "tanh" or "relu")`);
    super(nonlinearity === "tanh" ? "RNN_TANH" : "RNN_RELU", inputSize, hiddenSize, options);
    this.nonlinearity = nonlinearity;
  }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const { output, h } = this.run(input, hx, null);
    return [output, h];
  }
}

/**
 * A multi-layer long short-term memory (PyTorch's `LSTM`), gates in PyTorch's order i, f, g, o.
 * `forward(input, [h0, c0]?)` takes input [T, B, in] ([B, T, in] with `batchFirst`, or
 * unbatched [T, in]) and the states [layers·directions, B, H] (zeros when omitted); returns
 * `[output, [hN, cN]]`, output [T, B, directions·H]. With `projSize` P, h is projected by
 * `weight_hr_l*` [P, H] after every step, so h0, hN and each direction's output are P wide.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const lstm = new nn.LSTM(3, 4, { batchFirst: true, bidirectional: true });
 * const [output, [h, c]] = lstm.call(ones([2, 5, 3]));
 * console.log(output.shape, h.shape, c.shape); // [2, 5, 8] [2, 2, 4] [2, 2, 4]
 * console.log(lstm.weight_hh_l0.shape, Object.keys(lstm.stateDict())[4]); // [16, 4] weight_ih_l0_reverse
 * ```
 */
export class LSTM extends RecurrentLayers<[Tensor, Tensor]> {
  constructor(inputSize: number, hiddenSize: number, options: LSTMOptions = {}) {
    super("LSTM", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: [Tensor, Tensor] | null = null): [Tensor, [Tensor, Tensor]] {
    if (hx !== null && hx !== undefined && (!Array.isArray(hx) || hx.length !== 2)) throw new Error(`LSTM: hx must be a pair [h0, c0]`);
    const { output, h, c } = this.run(input, hx?.[0] ?? null, hx?.[1] ?? null);
    return [output, [h, c!]];
  }
}

/**
 * A multi-layer gated recurrent unit (PyTorch's `GRU`), gates in PyTorch's order r, z, n, with
 * n = tanh(x W_inᵀ + b_in + r·(h W_hnᵀ + b_hn)) and h' = (1 − z)·n + z·h. Same inputs and
 * outputs as {@link RNN}.
 *
 * @example
 * ```ts
 * import { nn, ones } from "nabla";
 * const gru = new nn.GRU(3, 4);
 * const [output, h] = gru.call(ones([5, 3])); // unbatched: [T, in]
 * console.log(output.shape, h.shape, gru.weight_ih_l0.shape); // [5, 4] [1, 4] [12, 3]
 * ```
 */
export class GRU extends RecurrentLayers<Tensor> {
  constructor(inputSize: number, hiddenSize: number, options: RNNOptions = {}) {
    super("GRU", inputSize, hiddenSize, options);
  }
  forward(input: Tensor, hx: Tensor | null = null): [Tensor, Tensor] {
    const { output, h } = this.run(input, hx, null);
    return [output, h];
  }
}
