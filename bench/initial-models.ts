// The W5 and W6 networks with the initial weights every framework starts from
// (../shared/bench/init_w5.safetensors, init_w6.safetensors), for the bench's nabla scripts.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { io, type nn, type Tensor } from "../src/index.js";
import { TinyGPT } from "../examples/tiny-gpt.js";
import { w5Cnn } from "../examples/w5-cnn.js";
import { benchDataDir } from "./data.js";

function loaded<M extends { loadStateDict(state: Record<string, Tensor>): unknown }>(model: M, file: string): M {
  model.loadStateDict(io.decodeSafetensors(readFileSync(join(benchDataDir(), file))).tensors);
  return model;
}

/** W5's CNN (examples/w5-cnn.ts) holding init_w5's weights. */
export const initialW5 = (): nn.Sequential => loaded(w5Cnn(), "init_w5.safetensors");

/** W6's TinyGPT (examples/tiny-gpt.ts) holding init_w6's weights. */
export const initialW6 = (): TinyGPT => loaded(new TinyGPT(), "init_w6.safetensors");
