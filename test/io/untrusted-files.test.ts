// Issue 11: a safetensors file or a model directory may come from a stranger. Each case here was
// accepted or crashed before: a duplicated key (last one won), a tensor named __proto__ (it
// became the prototype), a dtype named "toString" ("needs NaN bytes"), deep nesting (a stack
// overflow while the error message was built), a 1 KB config asking for Linear(30000, 30000)
// (gigabytes allocated before failing).
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { io, tensor } from "../../src/index.js";

const tempDir = () => mkdtempSync(join(tmpdir(), "nabla-untrusted-"));

/** A safetensors file with this header text and `dataBytes` zero bytes of data. */
function withHeader(header: string, dataBytes = 0): Uint8Array {
  const json = new TextEncoder().encode(header);
  const bytes = new Uint8Array(8 + json.length + dataBytes);
  new DataView(bytes.buffer).setBigUint64(0, BigInt(json.length), true);
  bytes.set(json, 8);
  return bytes;
}

test("a tensor name given twice in a safetensors header is refused (JSON.parse kept the last)", () => {
  const header = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"w":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
  assert.throws(() => io.decodeSafetensors(withHeader(header, 8)), /not a valid safetensors file: the header gives the key "w" twice in one object/);
  // the same name spelled with an escape is the same key
  const escaped = '{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"\\u0077":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}';
  assert.throws(() => io.decodeSafetensors(withHeader(escaped, 8)), /gives the key "w" twice/);
});

test("a tensor named __proto__ stays a tensor name (round trip), never the returned object's prototype", () => {
  const tensors: Record<string, ReturnType<typeof tensor>> = {};
  Object.defineProperty(tensors, "__proto__", { value: tensor([1, 2]), enumerable: true });
  tensors.plain = tensor([3]);
  const decoded = io.decodeSafetensors(io.encodeSafetensors(tensors)).tensors;
  assert.deepEqual(Object.keys(decoded).sort(), ["__proto__", "plain"]);
  assert.equal(Object.getPrototypeOf(decoded), Object.prototype);
  assert.deepEqual(Object.getOwnPropertyDescriptor(decoded, "__proto__")!.value.toArray(), [1, 2]);
  const header = '{"__proto__":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}';
  const fromFile = io.decodeSafetensors(withHeader(header, 4)).tensors;
  assert.deepEqual(Object.keys(fromFile), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(fromFile), Object.prototype);
});

test("dtype names are checked against the list of dtypes, not with `in`", () => {
  for (const dtype of ["toString", "__proto__", "constructor", "hasOwnProperty"]) {
    const header = `{"w":{"dtype":"${dtype}","shape":[1],"data_offsets":[0,4]}}`;
    assert.throws(() => io.decodeSafetensors(withHeader(header, 4)), new RegExp(`tensor "w" has dtype "${dtype}"; nabla reads F32, F64, I32, I64 and BOOL`));
  }
});

test("deeply nested JSON in a header or a config is refused with a message, not a stack overflow", async () => {
  const deep = "[".repeat(200_000) + "]".repeat(200_000);
  assert.throws(() => io.decodeSafetensors(withHeader(`{"__metadata__":{"k":${deep}}}`)), /the header nests JSON deeper than 64 levels \(position \d+\)/);
  const dir = tempDir();
  writeFileSync(join(dir, "config.json"), `{"format":"nabla-model","version":1,"architecture":[{"type":${deep}}],"inputShape":[2]}`);
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({}));
  await assert.rejects(io.load(dir), /config\.json nests JSON deeper than 64 levels/);
});

test("a config implying Linear(30000, 30000) fails before allocating, naming the layer and its size", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "config.json"), JSON.stringify({ format: "nabla-model", version: 1, architecture: io.mlpLayers({ sizes: [30000, 30000] }), inputShape: [30000] }));
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({ "0.weight": tensor([[1, 2]]), "0.bias": tensor([0]) }));
  const before = process.memoryUsage().arrayBuffers;
  const started = performance.now();
  await assert.rejects(io.load(dir), /model\.safetensors does not fit the architecture in config\.json: size mismatch for 0\.weight: the file holds \[1,2\], but layer 0 of .*config\.json is Linear\(30000, 30000\) with 900,000,000 weights/);
  assert.ok(performance.now() - started < 2000, "no allocation of 3.6 GB");
  assert.ok(process.memoryUsage().arrayBuffers - before < 100e6);
  // without any weights for the layer
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({}));
  await assert.rejects(io.load(dir), /missing 0\.weight, but layer 0 .* is Linear\(30000, 30000\)/);
});

test("an error quotes a stranger's names and values only as far as they identify the problem", () => {
  const name = "n".repeat(1_000_000);
  const header = `{"${name}":{"dtype":"F32","shape":[1],"data_offsets":[0,8]}}`;
  assert.throws(() => io.decodeSafetensors(withHeader(header, 8)), (error: Error) => error.message.length < 600 && /… \(\d+ characters\)$/.test(error.message));
});

test("a config's normalization must fit the input and divide by positive numbers", () => {
  const base = { format: "nabla-model", version: 1, architecture: io.mlpLayers({ sizes: [2, 2] }), inputShape: [2] };
  assert.throws(() => io.checkModelConfig({ ...base, normalization: { mean: [0, 0], std: [1, 0] } }, "config.json"), /^Error: config\.json: "normalization\.std" must be positive, got 0 at index 1$/);
  assert.throws(() => io.checkModelConfig({ ...base, normalization: { mean: [0, 0, 0], std: [1, 1, 1] } }, "config.json"), /"normalization" has 3 means and stds, but "inputShape" \[2\] has 2 features/);
  assert.doesNotThrow(() => io.checkModelConfig({ ...base, normalization: { mean: [0, 0], std: [1, 1e-30] } }, "config.json"));
});

test("a config.json far larger than any model config is not read", async () => {
  const dir = tempDir();
  writeFileSync(join(dir, "config.json"), Buffer.alloc(17 * 1024 * 1024, 0x20));
  writeFileSync(join(dir, "model.safetensors"), io.encodeSafetensors({}));
  await assert.rejects(io.load(dir), /config\.json is 17825792 bytes; a model's config\.json is at most 16777216/);
});
