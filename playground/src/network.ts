/**
 * The playground's network: an `nn.Sequential` of `nn.Linear` layers and activations, so its
 * `stateDict()` has the same dotted keys ("0.weight", "2.bias" …) as a model built in code or
 * by the CLI. The forward pass also walks the layers one by one to hand out every hidden
 * activation, for the per-neuron maps.
 */
import { Generator, nn, type Tensor } from "nabla";
import type { ActivationName } from "./state.js";

export interface NetworkConfig {
  /** Number of input features. */
  inputs: number;
  hidden: readonly number[];
  activation: ActivationName;
  /** Number of classes: 2 gives one sigmoid logit, K > 2 gives K softmax logits. */
  classes: number;
  seed: number;
}

function activationModule(name: ActivationName): nn.Module {
  switch (name) {
    case "relu":
      return new nn.ReLU();
    case "tanh":
      return new nn.Tanh();
    case "sigmoid":
      return new nn.Sigmoid();
    case "linear":
      return new nn.Identity();
  }
}

/** Number of output logits for `classes` classes. */
export function outputSize(classes: number): number {
  return classes === 2 ? 1 : classes;
}

export class Network {
  readonly model: nn.Sequential;
  readonly linears: nn.Linear[] = [];
  private readonly activations: nn.Module[] = [];

  constructor(readonly config: NetworkConfig) {
    const generator = new Generator(config.seed);
    const sizes = [config.inputs, ...config.hidden, outputSize(config.classes)];
    const modules: nn.Module[] = [];
    for (let l = 0; l + 1 < sizes.length; l++) {
      const linear = new nn.Linear(sizes[l]!, sizes[l + 1]!, { generator });
      this.linears.push(linear);
      modules.push(linear);
      if (l + 2 < sizes.length) {
        const activation = activationModule(config.activation);
        this.activations.push(activation);
        modules.push(activation);
      }
    }
    this.model = new nn.Sequential(...modules);
  }

  /** The logits for a batch of feature rows [n, inputs] → [n, 1] or [n, K]. */
  forward(x: Tensor): Tensor {
    return this.model.call(x);
  }

  /** The logits and the output of every hidden layer (after its activation). */
  forwardWithHidden(x: Tensor): { logits: Tensor; hidden: Tensor[] } {
    const hidden: Tensor[] = [];
    let h = x;
    for (let l = 0; l < this.linears.length; l++) {
      h = this.linears[l]!.call(h);
      if (l < this.activations.length) {
        h = this.activations[l]!.call(h);
        hidden.push(h);
      }
    }
    return { logits: h, hidden };
  }

  parameters(): Tensor[] {
    return this.model.parameters();
  }

  /** The weights (not the biases), which L1/L2 regularisation penalises. */
  weights(): Tensor[] {
    return this.linears.map((linear) => linear.weight);
  }
}
