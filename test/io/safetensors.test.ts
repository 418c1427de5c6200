import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtempSync, writeFileSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "../helpers.js";
import { io, tensor, randn, type Tensor } from "../../src/index.js";

// Written by scripts/fixtures/make_safetensors_fixture.py from torch state dicts.
const FIXTURES = new URL("../fixtures/io/", import.meta.url);
type Expected = { metadata: Record<string, string> | null; tensors: Record<string, { dtype: "F32" | "F64"; shape: number[]; values: number[] }> };
const fixture = (name: string) => ({
  bytes: new Uint8Array(readFileSync(new URL(`${name}.safetensors`, FIXTURES))),
  expected: JSON.parse(readFileSync(new URL(`${name}.json`, FIXTURES), "utf8")) as Expected,
});
const DTYPE = { F32: "float32", F64: "float64" } as const;

for (const name of ["sequential", "mixed"]) {
  test(`reads the Python-written ${name}.safetensors: names, dtypes, shapes and exact values`, () => {
    const { bytes, expected } = fixture(name);
    const { tensors, metadata } = io.decodeSafetensors(bytes);
    assert.deepEqual(metadata, expected.metadata ?? {});
    assert.deepEqual(Object.keys(tensors).sort(), Object.keys(expected.tensors).sort());
    for (const [key, want] of Object.entries(expected.tensors)) {
      const got = tensors[key]!;
      assert.equal(got.dtype, DTYPE[want.dtype], key);
      assert.deepEqual(got.shape, want.shape, key);
      assert.deepEqual(Array.from(got.toTypedArray()), want.values, key);
    }
  });

  test(`writes ${name}.safetensors byte for byte as the Python reference layout does`, () => {
    const { bytes, expected } = fixture(name);
    const tensors: Record<string, Tensor> = {};
    // Insertion order reversed on purpose: the layout must not depend on it.
    for (const [key, want] of Object.entries(expected.tensors).reverse()) {
      tensors[key] = tensor(want.dtype === "F64" ? new Float64Array(want.values) : new Float32Array(want.values), { shape: want.shape });
    }
    const written = io.encodeSafetensors(tensors, { metadata: expected.metadata ?? {} });
    assert.equal(written.length, bytes.length);
    assert.deepEqual(Buffer.from(written), Buffer.from(bytes));
  });
}

test("header is padded with spaces to 8 bytes and its length is little-endian", () => {
  const bytes = io.encodeSafetensors({ a: tensor([1, 2, 3]) });
  const length = Number(new DataView(bytes.buffer).getBigUint64(0, true));
  assert.equal(length % 8, 0);
  const header = new TextDecoder().decode(bytes.subarray(8, 8 + length));
  assert.equal(header, `{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}}`.padEnd(length, " "));
  assert.equal(bytes.length, 8 + length + 12);
});

test("round-trips float32 and float64 tensors of several shapes, a 0-d and an empty one", () => {
  const original: Record<string, Tensor> = {
    "layer.weight": randn([3, 5]),
    "layer.bias": randn([5], { dtype: "float64" }),
    scalar: tensor(new Float64Array([Math.PI]), { shape: [] }),
    empty: tensor(new Float32Array(0), { shape: [0, 4] }),
    cube: randn([2, 3, 4]),
  };
  const { tensors } = io.decodeSafetensors(io.encodeSafetensors(original));
  for (const [key, t] of Object.entries(original)) {
    assert.equal(tensors[key]!.dtype, t.dtype, key);
    assert.deepEqual(tensors[key]!.shape, t.shape, key);
    assert.deepEqual(Array.from(tensors[key]!.toTypedArray()), Array.from(t.toTypedArray()), key);
  }
});

test("every truncation of a valid file is an error, never garbage weights", () => {
  const { bytes } = fixture("sequential");
  for (let length = 0; length < bytes.length; length++) {
    assert.throws(() => io.decodeSafetensors(bytes.subarray(0, length), { source: "model.safetensors" }), /model\.safetensors: not a valid safetensors file/, `length ${length}`);
  }
});

function withHeader(header: string, data = new Uint8Array(0), declaredLength?: number): Uint8Array {
  const json = new TextEncoder().encode(header);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(declaredLength ?? json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

const corrupted: [string, Uint8Array, RegExp][] = [
  ["huge header length", withHeader("{}", new Uint8Array(0), 2 ** 40), /exceeds the 100 MB limit/],
  ["header not JSON", withHeader("{not json}"), /header is not valid JSON/],
  ["header an array", withHeader("[1,2]"), /not a JSON object/],
  ["unsupported dtype", withHeader(`{"a":{"dtype":"BF16","shape":[1],"data_offsets":[0,2]}}`, new Uint8Array(2)), /dtype "BF16"; nabla reads F32, F64, I32, I64 and BOOL/],
  ["negative shape", withHeader(`{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}`, new Uint8Array(4)), /invalid shape/],
  ["span does not match shape", withHeader(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, new Uint8Array(4)), /needs 8 bytes but data_offsets \[0,4\] span 4/],
  ["gap between tensors", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}`, new Uint8Array(8)), /starts at byte 4 of the data, expected 0/],
  ["trailing bytes", withHeader(`{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}`, new Uint8Array(8)), /4 bytes after the last tensor/],
  ["non-string metadata", withHeader(`{"__metadata__":{"epochs":3}}`), /"__metadata__.epochs" must be a string/],
];
for (const [what, bytes, message] of corrupted) {
  test(`corrupted file (${what}) is a clear error`, () => {
    assert.throws(() => io.decodeSafetensors(bytes), message);
  });
}

test("saveSafetensors writes atomically (no temp file left) and loadSafetensors reads it back", async () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-st-"));
  const path = join(dir, "w.safetensors");
  await io.saveSafetensors(path, { w: tensor([[1, -2], [3.5, 4]]) }, { note: "x" });
  assert.deepEqual(readdirSync(dir), ["w.safetensors"]);
  const { tensors, metadata } = await io.loadSafetensors(path);
  assert.deepEqual(tensors.w!.toArray(), [[1, -2], [3.5, 4]]);
  assert.deepEqual(metadata, { note: "x" });
  writeFileSync(path, "garbage!garbage!");
  await assert.rejects(io.loadSafetensors(path), new RegExp(`${path.replace(/[.]/g, "\\.")}: not a valid safetensors file`));
  await assert.rejects(io.loadSafetensors(join(dir, "missing.safetensors")), /cannot read .*missing\.safetensors: no such file/);
});
