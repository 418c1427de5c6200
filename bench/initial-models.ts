// The W5 and W6 networks with the initial weights every framework starts from
// (../shared/bench/init_w5.safetensors, init_w6.safetensors), and W6's training set-up, for the
// bench's nabla scripts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { io, nn, optim, tensor, type Tensor } from "../src/index.js";
import { TinyGPT, w6Batch } from "../examples/tiny-gpt.js";
import { w5Cnn } from "../examples/w5-cnn.js";
import { benchDataDir, W6 } from "./data.js";

function loaded<M extends { loadStateDict(state: Record<string, Tensor>): unknown }>(model: M, file: string): M {
  model.loadStateDict(io.decodeSafetensors(readFileSync(join(benchDataDir(), file))).tensors);
  return model;
}

/** W5's CNN (examples/w5-cnn.ts) holding init_w5's weights. */
export const initialW5 = (): nn.Sequential => loaded(w5Cnn(), "init_w5.safetensors");

/** W6's TinyGPT (examples/tiny-gpt.ts) holding init_w6's weights. */
export const initialW6 = (): TinyGPT => loaded(new TinyGPT(), "init_w6.safetensors");

/**
 * W6 as WORKLOADS.md trains it, for the scripts that study its steps (fresh-memory.ts,
 * eager-copies.ts, plan-steps.ts): the model with init_w6's weights, AdamW with W6's
 * hyper-parameters, and `loss(model's logits, y)` and the int32 batch of a step.
 */
export function w6Training(): { model: TinyGPT; optimizer: optim.AdamW; batch: (step: number) => [Tensor, Tensor]; loss: (logits: Tensor, y: Tensor) => Tensor } {
  const model = initialW6();
  const tokens = new Uint8Array(readFileSync(join(benchDataDir(), "tokens_w6.bin")));
  const { batch, block, vocab } = W6;
  return {
    model,
    optimizer: new optim.AdamW(model.parameters(), { lr: 1e-3, betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.01 }),
    batch: (step) => {
      const { x, y } = w6Batch(tokens, step, batch, block);
      return [tensor(x, { shape: [batch, block], dtype: "int32" }), tensor(y, { dtype: "int32" })];
    },
    loss: (logits, y) => nn.functional.crossEntropy(logits.reshape([batch * block, vocab]), y),
  };
}
