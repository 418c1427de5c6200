// Issue 11: a gzip "bomb" (2 MB inflating to 2 GB) given to loadIdx inflated completely before
// the size was checked. The declared dimensions now bound the inflation as it happens.
import "../helpers.js";
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { data } from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "nabla-idx-limits-"));
const header = (dims: number[], type = 0x08) => {
  const bytes = new Uint8Array(4 + 4 * dims.length);
  bytes.set([0, 0, type, dims.length]);
  dims.forEach((d, i) => new DataView(bytes.buffer).setUint32(4 + 4 * i, d));
  return bytes;
};

test("a gzip bomb stops at the size its IDX header declares", () => {
  // 10 images of 28×28 declared, then 1 GB of zeros: 64 gzip members of 16 MB each, about 1 MB
  // of gzip (members are concatenated, so the bomb costs one 16 MB compression to build)
  const member = gzipSync(new Uint8Array(1 << 24), { level: 9 });
  const path = join(dir, "bomb-idx3-ubyte.gz");
  writeFileSync(path, Buffer.concat([gzipSync(header([10, 28, 28])), ...Array.from({ length: 64 }, () => member)]));
  const before = process.memoryUsage().arrayBuffers;
  assert.throws(() => data.loadIdx(path), /bomb-idx3-ubyte\.gz: the gzip data inflates beyond the 7856 bytes its IDX header declares \(a corrupted file or a decompression bomb\); stopped there/);
  assert.ok(process.memoryUsage().arrayBuffers - before < 64e6, "never inflated the whole gigabyte");
});

test("a header declaring more than the gzip data could hold, or more than any tensor holds, is refused before inflating", () => {
  const small = join(dir, "claims-idx3-ubyte.gz");
  writeFileSync(small, gzipSync(Buffer.concat([header([60000, 28, 28]), new Uint8Array(100)])));
  assert.throws(() => data.loadIdx(small), /declares 47040016 bytes, more than \d+ bytes of gzip data can hold/);
  const huge = join(dir, "huge-idx3-ubyte.gz");
  writeFileSync(huge, gzipSync(Buffer.concat([header([65536, 65536]), new Uint8Array(100)])));
  assert.throws(() => data.loadIdx(huge), /a tensor of shape \[65536,65536\] would have 4,294,967,296 elements; the limit is 2,147,483,647/);
});

test("gzipped IDX files still load, whatever the compression ratio of their start", () => {
  const values = Uint8Array.from({ length: 6 * 1000 }, (_, i) => (i * 7919) % 251);
  const path = join(dir, "fine-idx2-ubyte.gz");
  writeFileSync(path, gzipSync(Buffer.concat([header([1000, 6]), values])));
  const t = data.loadIdx(path);
  assert.deepEqual(t.shape, [1000, 6]);
  assert.equal(t.toTypedArray()[5999], values[5999]);
  const zerosPath = join(dir, "zeros-idx3-ubyte.gz");
  writeFileSync(zerosPath, gzipSync(Buffer.concat([header([100, 100, 100]), new Uint8Array(1e6)]), { level: 9 }));
  assert.deepEqual(data.loadIdx(zerosPath).shape, [100, 100, 100]);
});

test("a gzipped IDX file of zeros (the highest compression ratio) loads", () => {
  const path = join(dir, "all-zeros-idx3-ubyte.gz");
  writeFileSync(path, gzipSync(Buffer.concat([header([2000, 28, 28]), new Uint8Array(2000 * 784)]), { level: 9 }));
  const t = data.loadIdx(path);
  assert.deepEqual(t.shape, [2000, 28, 28]);
  assert.equal(t.sum().item(), 0);
});
