// A character-level GPT: the W6 benchmark architecture (examples/tiny-gpt.ts — token and
// position embeddings, 2 pre-norm transformer blocks of causal 4-head self-attention and a GELU
// MLP, width 64, context 64) trained to predict the next character of the Book of Ecclesiastes
// (King James Version, 1611: public domain; examples/data/ecclesiastes.txt, 28 KB), then
// sampling new text one character at a time with `multinomial`.
// Run: npx tsx examples/char-transformer.ts [--steps 600] [--lr 3e-3] [--sample 400] [--temperature 0.8] [--backend wasm]
// The default 600 AdamW steps (batch 16 × 64 characters) bring the loss from about ln 68 ≈ 4.2
// to about 1.5 (measured: 1.56 at step 600, at 0.83 s per step on the wasm backend with the
// 2-core machine heavily loaded); the sample then has the text's words, line lengths and
// punctuation ("The of the shall been that that the weas becry waye seen man ...").
//
// Examples import from the source tree so they run without a build; in your own project
// write `from "nabla"` instead.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { manualSeed, multinomial, nn, noGrad, optim, randint, setBackend, tensor, type BackendName, type Tensor } from "../src/index.js";
import { TinyGPT } from "./tiny-gpt.js";

/** The text's characters as a sorted vocabulary, with encode and decode. */
function characterVocabulary(text: string): { chars: string[]; encode: (s: string) => Int32Array; decode: (ids: ArrayLike<number>) => string } {
  const chars = [...new Set(text)].sort();
  const index = new Map(chars.map((c, i) => [c, i]));
  return {
    chars,
    encode: (s) => Int32Array.from(s, (c) => index.get(c)!),
    decode: (ids) => Array.from(ids, (i) => chars[i]!).join(""),
  };
}

/** `count` characters after `prompt`, each drawn from the model's softmax(logits / temperature). */
function sample(model: TinyGPT, prompt: Int32Array, count: number, temperature: number): Int32Array {
  const block = model.config.block;
  const ids = [...prompt];
  model.eval();
  noGrad(() => {
    for (let i = 0; i < count; i++) {
      const context = ids.slice(-block);
      const logits: Tensor = model.call(tensor(Int32Array.from(context), { shape: [1, context.length] }));
      const last = logits.select(1, context.length - 1).div(temperature).softmax(-1); // [1, vocab]
      ids.push(multinomial(last, 1).item());
    }
  });
  model.train();
  return Int32Array.from(ids.slice(prompt.length));
}

function main(): void {
  const { values } = parseArgs({
    options: {
      steps: { type: "string", default: "600" },
      sample: { type: "string", default: "400" },
      temperature: { type: "string", default: "0.8" },
      backend: { type: "string", default: "wasm" },
      seed: { type: "string", default: "0" },
      lr: { type: "string", default: "3e-3" },
    },
  });
  setBackend(values.backend as BackendName);
  manualSeed(Number(values.seed));
  const text = readFileSync(new URL("data/ecclesiastes.txt", import.meta.url), "utf8");
  const vocabulary = characterVocabulary(text);
  const data = vocabulary.encode(text);
  const config = { vocab: vocabulary.chars.length, block: 64, embd: 64, heads: 4, layers: 2 };
  const model = new TinyGPT(config);
  const parameterCount = model.parameters().reduce((n, p) => n + p.size, 0);
  console.log(`Ecclesiastes (KJV): ${data.length} characters, ${config.vocab} distinct; TinyGPT with ${parameterCount} parameters`);

  const optimizer = new optim.AdamW(model.parameters(), { lr: Number(values.lr), weightDecay: 0.01 });
  const batch = 16;
  const steps = Number(values.steps);
  const x = new Int32Array(batch * config.block);
  const y = new Int32Array(batch * config.block);
  const started = performance.now();
  for (let step = 1; step <= steps; step++) {
    // random windows of 64 characters (from the seeded generator); y is x shifted by one
    const starts = randint(0, data.length - config.block - 1, [batch]).toTypedArray();
    for (let j = 0; j < batch; j++) {
      const start = starts[j]!;
      x.set(data.subarray(start, start + config.block), j * config.block);
      y.set(data.subarray(start + 1, start + config.block + 1), j * config.block);
    }
    optimizer.zeroGrad();
    const logits = model.call(tensor(x, { shape: [batch, config.block] }));
    const loss = nn.functional.crossEntropy(logits.reshape([batch * config.block, config.vocab]), tensor(y));
    loss.backward();
    optimizer.step();
    if (step === 1 || step % 50 === 0 || step === steps) {
      console.log(`step ${step}  loss ${loss.item().toFixed(3)}  (${((performance.now() - started) / 1000 / step).toFixed(3)} s/step)`);
    }
  }
  const prompt = vocabulary.encode("The ");
  const generated = sample(model, prompt, Number(values.sample), Number(values.temperature));
  console.log(`\nsample (temperature ${values.temperature}):\n${vocabulary.decode(prompt)}${vocabulary.decode(generated)}`);
}

main();
