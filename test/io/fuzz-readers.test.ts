// Issue 11: a fuzz test of the readers of files a stranger may send: safetensors, model
// directories (config.json), CSV and IDX (raw and gzipped). Each starts from a valid file and
// applies seeded random mutations (bit flips, interesting bytes, truncation, insertion,
// duplication of a slice). Every outcome must be a result or an Error naming the reader, never
// an engine error (TypeError, RangeError, a stack overflow), a hang or a huge allocation.
// Fixed seed, bounded count: the same cases every run. (ONNX reading is issue 15's.)
import { backendUnderTest } from "../helpers.js";
import { describe, test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { data, io, manualSeed, nn } from "../../src/index.js";

const CASES = Number(process.env.NABLA_FUZZ_CASES ?? 400);

/** mulberry32: a small seeded generator, so the cases are the same on every run. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const INTERESTING = [0x00, 0xff, 0x7f, 0x80, 0x22 /* " */, 0x2c /* , */, 0x0d /* \r */, 0x0a, 0x7b /* { */, 0x5b /* [ */, 0x5d, 0x7d, 0x3a /* : */, 0x30, 0x39, 0x2d /* - */, 0x65 /* e */, 0x5c /* \ */];

function mutate(bytes: Uint8Array, random: () => number): Uint8Array {
  const pick = (n: number) => Math.floor(random() * n);
  let out = bytes.slice();
  const rounds = 1 + pick(4);
  for (let r = 0; r < rounds; r++) {
    const at = pick(Math.max(1, out.length));
    switch (pick(6)) {
      case 0: // bit flip
        if (out.length > 0) out[at] = out[at]! ^ (1 << pick(8));
        break;
      case 1: // an interesting byte
        if (out.length > 0) out[at] = INTERESTING[pick(INTERESTING.length)]!;
        break;
      case 2: // truncate
        out = out.slice(0, at);
        break;
      case 3: { // insert interesting bytes
        const insert = Uint8Array.from({ length: 1 + pick(8) }, () => INTERESTING[pick(INTERESTING.length)]!);
        out = Uint8Array.from([...out.subarray(0, at), ...insert, ...out.subarray(at)]);
        break;
      }
      case 4: { // duplicate a slice
        const length = pick(Math.min(64, out.length - at) + 1);
        out = Uint8Array.from([...out.subarray(0, at + length), ...out.subarray(at, at + length), ...out.subarray(at + length)]);
        break;
      }
      default: // a random byte
        if (out.length > 0) out[at] = pick(256);
    }
  }
  return out;
}

/** Runs `read` on CASES mutations of `seed`; each must return or throw an Error matching `ours`. */
async function fuzz(name: string, seedBytes: Uint8Array, ours: RegExp, read: (bytes: Uint8Array) => unknown, seed: number, cases = CASES): Promise<{ accepted: number; refused: number }> {
  const random = generator(seed);
  let accepted = 0;
  let refused = 0;
  for (let i = 0; i < cases; i++) {
    const bytes = mutate(seedBytes, random);
    try {
      await read(bytes);
      accepted++;
    } catch (error) {
      refused++;
      const message = error instanceof Error ? `${error.constructor.name}: ${error.message}` : String(error);
      assert.ok(error instanceof Error && error.constructor === Error && ours.test(error.message), `${name} case ${i}: ${message.slice(0, 300)}`);
    }
  }
  return { accepted, refused };
}

// The readers build plain arrays before any backend sees them: the js pass covers them.
describe("fuzzed readers", { skip: backendUnderTest !== "js" && "the readers are the same on every backend" }, () => {
  manualSeed(5);
  const model = new nn.Sequential(new nn.Linear(3, 4), new nn.ReLU(), new nn.Linear(4, 2));

  test("fuzz: decodeSafetensors refuses mutated files with its own message", async () => {
    const bytes = io.encodeSafetensors(model.stateDict(), { metadata: { format: "pt" } });
    const counts = await fuzz("safetensors", bytes, /^safetensors data: not a valid safetensors file: /, (b) => io.decodeSafetensors(b), 1);
    assert.ok(counts.refused > CASES / 2, JSON.stringify(counts));
  });

  test("fuzz: io.load refuses mutated config.json and model.safetensors with its own message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-fuzz-model-"));
    await io.save(model, dir, { classNames: ["a", "b"], normalization: { mean: [0, 0, 0], std: [1, 1, 1] } });
    const config = new TextEncoder().encode(JSON.stringify(await io.load(dir).then((m) => m.config)));
    const weights = io.encodeSafetensors(model.stateDict());
    const plain = mkdtempSync(join(tmpdir(), "nabla-fuzz-plain-"));
    writeFileSync(join(plain, "model.safetensors"), weights);
    await fuzz("config.json", config, /^io\.load: /, async (b) => {
      writeFileSync(join(plain, "config.json"), b);
      await io.load(plain);
    }, 2, CASES / 4);
    writeFileSync(join(plain, "config.json"), config);
    await fuzz("model.safetensors", weights, /^io\.load: /, async (b) => {
      writeFileSync(join(plain, "model.safetensors"), b);
      await io.load(plain);
    }, 3, CASES / 4);
  });

  test("fuzz: loadCsv refuses mutated CSV with its own message", async () => {
    const text = 'x1,"x 2",label\n0.5,1e-3,0\n-2,3.25,1\n"4",5,1\n7,.5,0\r\n';
    const decoder = new TextDecoder();
    await fuzz("csv", new TextEncoder().encode(text), /^loadCsv: CSV text: /, (b) => {
      const csv = decoder.decode(b);
      // loadCsv reads text with a line break as the contents; other strings are paths
      if (/[\r\n]/.test(csv)) data.loadCsv(csv, { labelColumn: "label" });
    }, 4);
  });

  test("fuzz: loadIdx refuses mutated raw and gzipped IDX files with its own message", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nabla-fuzz-idx-"));
    const path = join(dir, "fuzz-idx3-ubyte");
    const raw = Uint8Array.from([0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4, ...Array.from({ length: 24 }, (_, i) => i * 10)]);
    await fuzz("idx", raw, /^loadIdx: /, (b) => {
      writeFileSync(path, b);
      data.loadIdx(path);
    }, 5);
    const floats = new Uint8Array(16 + 24 * 4);
    floats.set([0, 0, 0x0d, 3, 0, 0, 0, 2, 0, 0, 0, 3, 0, 0, 0, 4]);
    await fuzz("gzipped idx", gzipSync(floats), /^loadIdx: /, (b) => {
      writeFileSync(`${path}.gz`, b);
      data.loadIdx(`${path}.gz`);
    }, 6);
  });
});
