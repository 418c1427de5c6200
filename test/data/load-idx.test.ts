import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { data } from "../../src/index.js";

/** Writes an IDX file the way the MNIST distribution does: magic, big-endian dims, values. */
function idxBytes(typeCode: number, shape: number[], write: (view: DataView, offset: number, value: number) => void, bytesPer: number, values: number[]): Uint8Array {
  const header = 4 + 4 * shape.length;
  const bytes = new Uint8Array(header + values.length * bytesPer);
  const view = new DataView(bytes.buffer);
  bytes.set([0, 0, typeCode, shape.length]);
  shape.forEach((d, i) => view.setUint32(4 + 4 * i, d));
  values.forEach((v, i) => write(view, header + i * bytesPer, v));
  return bytes;
}
const ubyte = (shape: number[], values: number[]) => idxBytes(0x08, shape, (v, o, x) => v.setUint8(o, x), 1, values);

test("loadIdx: raw and gzipped unsigned-byte files give the same [n, rows, cols] tensor", () => {
  const dir = mkdtempSync(join(tmpdir(), "nabla-idx-"));
  try {
    const values = Array.from({ length: 2 * 3 * 4 }, (_, i) => (i * 37) % 256);
    const bytes = ubyte([2, 3, 4], values);
    writeFileSync(join(dir, "images-idx3-ubyte"), bytes);
    writeFileSync(join(dir, "images-idx3-ubyte.gz"), gzipSync(bytes));
    writeFileSync(join(dir, "labels-idx1-ubyte.gz"), gzipSync(ubyte([2], [7, 9])));
    for (const name of ["images-idx3-ubyte", "images-idx3-ubyte.gz"]) {
      const images = data.loadIdx(join(dir, name));
      assert.deepEqual(images.shape, [2, 3, 4]);
      assert.equal(images.dtype, "float32");
      assert.deepEqual(Array.from(images.toTypedArray()), values);
    }
    assert.deepEqual(data.loadIdx(join(dir, "labels-idx1-ubyte.gz")).toArray(), [7, 9]);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

test("parseIdx: signed byte, short, int, float and double element types, big-endian", () => {
  assert.deepEqual(data.parseIdx(idxBytes(0x09, [3], (v, o, x) => v.setInt8(o, x), 1, [-128, 0, 127])).toArray(), [-128, 0, 127]);
  assert.deepEqual(data.parseIdx(idxBytes(0x0b, [2], (v, o, x) => v.setInt16(o, x), 2, [-300, 258])).toArray(), [-300, 258]);
  assert.deepEqual(data.parseIdx(idxBytes(0x0c, [2], (v, o, x) => v.setInt32(o, x), 4, [-70000, 123456])).toArray(), [-70000, 123456]);
  assert.deepEqual(data.parseIdx(idxBytes(0x0d, [1, 2], (v, o, x) => v.setFloat32(o, x), 4, [0.5, -2.25])).toArray(), [[0.5, -2.25]]);
  const doubles = data.parseIdx(idxBytes(0x0e, [2], (v, o, x) => v.setFloat64(o, x), 8, [0.1, 1e-300]), { dtype: "float64" });
  assert.deepEqual(doubles.toArray(), [0.1, 1e-300]);
});

test("loadIdx: bad magic, truncation, trailing bytes, corrupt gzip and missing files are clear errors", () => {
  const good = ubyte([2, 2], [1, 2, 3, 4]);
  assert.throws(() => data.parseIdx(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 0, 0, 0])), /loadIdx: IDX data: bad magic number 89 50 4e 47: not an IDX file/);
  assert.throws(() => data.parseIdx(new Uint8Array([0, 0, 0x07, 1, 0, 0, 0, 1, 5])), /bad magic number 00 00 07 01/);
  assert.throws(() => data.parseIdx(good.subarray(0, 2)), /loadIdx: IDX data: truncated: 2 bytes, too short for the 4-byte magic number/);
  assert.throws(() => data.parseIdx(good.subarray(0, 9)), /truncated header: 2 dimensions need 12 bytes, the file has 9/);
  assert.throws(() => data.parseIdx(good.subarray(0, 15)), /truncated: shape \[2, 2\] of unsigned bytes needs 16 bytes, the file has 15/);
  assert.throws(() => data.parseIdx(new Uint8Array([...good, 0])), /1 unexpected bytes after the data of shape \[2, 2\]/);
  const dir = mkdtempSync(join(tmpdir(), "nabla-idx-"));
  try {
    const truncatedGzip = gzipSync(good).subarray(0, 12);
    writeFileSync(join(dir, "broken.gz"), truncatedGzip);
    assert.throws(() => data.loadIdx(join(dir, "broken.gz")), /loadIdx: .*broken\.gz: cannot decompress the gzip data/);
    writeFileSync(join(dir, "short-idx1-ubyte"), good.subarray(0, 14));
    assert.throws(() => data.loadIdx(join(dir, "short-idx1-ubyte")), /loadIdx: .*short-idx1-ubyte: truncated: shape \[2, 2\]/);
    assert.throws(() => data.loadIdx(join(dir, "nope")), /loadIdx: cannot read ".*nope": ENOENT/);
  } finally {
    rmSync(dir, { recursive: true });
  }
});

const fashion = "/usr/share/datasets/fashion-mnist";
const haveFashion = existsSync(join(fashion, "train-images-idx3-ubyte.gz"));
test("loadIdx reads the real Fashion-MNIST training set: 60000×28×28 images in 0–255, 60000 labels in 0–9", { skip: haveFashion ? false : `${fashion} is not installed (Debian package dataset-fashion-mnist)` }, () => {
  const images = data.loadIdx(join(fashion, "train-images-idx3-ubyte.gz"));
  const labels = data.loadIdx(join(fashion, "train-labels-idx1-ubyte.gz"));
  assert.deepEqual(images.shape, [60000, 28, 28]);
  assert.deepEqual(labels.shape, [60000]);
  assert.equal(images.max().item(), 255);
  assert.equal(images.min().item(), 0);
  const counts = new Array(10).fill(0);
  for (const label of labels.toTypedArray()) counts[label]++;
  assert.deepEqual(counts, new Array(10).fill(6000));
});
