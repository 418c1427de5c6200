import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { checkElementCount } from "../tensor/size-limit.js";
import { nodeModule, readFileBytes } from "./node-modules.js";

/** IDX element types: code → bytes per element and how to read one (big-endian). */
const ELEMENT_TYPES: Record<number, { name: string; bytes: number; read: (view: DataView, at: number) => number }> = {
  0x08: { name: "unsigned byte", bytes: 1, read: (v, at) => v.getUint8(at) },
  0x09: { name: "signed byte", bytes: 1, read: (v, at) => v.getInt8(at) },
  0x0b: { name: "short", bytes: 2, read: (v, at) => v.getInt16(at) },
  0x0c: { name: "int", bytes: 4, read: (v, at) => v.getInt32(at) },
  0x0d: { name: "float", bytes: 4, read: (v, at) => v.getFloat32(at) },
  0x0e: { name: "double", bytes: 8, read: (v, at) => v.getFloat64(at) },
};

/**
 * Decodes the bytes of an IDX file (the MNIST format: magic `00 00 type ndim`, big-endian
 * 32-bit dimensions, then the values) into a tensor of that shape.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const bytes = new Uint8Array([0, 0, 0x08, 2, 0, 0, 0, 2, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6]);
 * console.log(data.parseIdx(bytes).toArray()); // [[1, 2, 3], [4, 5, 6]]
 * ```
 */
export function parseIdx(bytes: Uint8Array, options: { dtype?: DType; source?: string } = {}): Tensor {
  const source = options.source ?? "IDX data";
  const fail = (why: string): never => {
    throw new Error(`loadIdx: ${source}: ${why}`);
  };
  if (bytes.length < 4) fail(`truncated: ${bytes.length} bytes, too short for the 4-byte magic number`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const type = ELEMENT_TYPES[bytes[2]!];
  if (bytes[0] !== 0 || bytes[1] !== 0 || type === undefined) {
    const magic = Array.from(bytes.subarray(0, 4), (b) => b.toString(16).padStart(2, "0")).join(" ");
    fail(`bad magic number ${magic}: not an IDX file (expected 00 00, a type code 08/09/0b/0c/0d/0e, then the number of dimensions)`);
  }
  const ndim = bytes[3]!;
  const headerBytes = 4 + 4 * ndim;
  if (bytes.length < headerBytes) fail(`truncated header: ${ndim} dimensions need ${headerBytes} bytes, the file has ${bytes.length}`);
  const shape = Array.from({ length: ndim }, (_, i) => view.getUint32(4 + 4 * i));
  const count = shape.reduce((a, b) => a * b, 1);
  const expected = headerBytes + count * type!.bytes;
  if (bytes.length < expected) fail(`truncated: shape [${shape.join(", ")}] of ${type!.name}s needs ${expected} bytes, the file has ${bytes.length}`);
  if (bytes.length > expected) fail(`${bytes.length - expected} unexpected bytes after the data of shape [${shape.join(", ")}]`);
  const dtype = options.dtype ?? "float32";
  // filled in the target dtype directly: 60,000 images as float64 first would cost 376 MB more
  const values = dtype === "float64" ? new Float64Array(count) : new Float32Array(count);
  if (type!.bytes === 1 && type!.name === "unsigned byte") values.set(bytes.subarray(headerBytes));
  else for (let i = 0; i < count; i++) values[i] = type!.read(view, headerBytes + i * type!.bytes);
  return tensor(values, { shape, dtype });
}

/**
 * Loads an IDX file (MNIST / Fashion-MNIST format), raw or gzipped, as a tensor: images come
 * out as [n, 28, 28] with values 0–255, labels as [n] class indices.
 *
 * @example
 * ```ts
 * import { data } from "nabla";
 * const labels = data.loadIdx("/usr/share/datasets/fashion-mnist/t10k-labels-idx1-ubyte.gz");
 * console.log(labels.shape); // [10000]
 * ```
 */
export function loadIdx(path: string, options: { dtype?: DType } = {}): Tensor {
  let bytes = readFileBytes("loadIdx", path);
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipBounded(bytes, path);
  return parseIdx(bytes, { ...options, source: path });
}

/** The size an IDX header declares (header + data bytes), or null while `head` is too short to say. */
function declaredSize(head: Uint8Array, path: string): number | null {
  if (head.length < 4) return null;
  const type = ELEMENT_TYPES[head[2]!];
  if (head[0] !== 0 || head[1] !== 0 || type === undefined) {
    parseIdx(head, { source: path }); // throws, explaining the bad magic number
    return null;
  }
  const headerBytes = 4 + 4 * head[3]!;
  if (head.length < headerBytes) return null;
  const view = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const shape = Array.from({ length: head[3]! }, (_, i) => view.getUint32(4 + 4 * i));
  checkElementCount(`loadIdx: ${path}`, shape);
  return headerBytes + shape.reduce((a, b) => a * b, 1) * type.bytes;
}

/**
 * Gunzips an IDX file without trusting it: the header is inflated first (from growing prefixes
 * of the compressed bytes), and the whole file then inflates with a ceiling of the size that
 * header declares, so a small "gzip bomb" stops at that size instead of inflating gigabytes.
 */
function gunzipBounded(bytes: Uint8Array, path: string): Uint8Array {
  const zlib = nodeModule("loadIdx", "zlib");
  const inflate = (input: Uint8Array, limit: number, partial: boolean): Uint8Array => {
    try {
      return zlib.gunzipSync(input, { maxOutputLength: limit, ...(partial ? { finishFlush: zlib.constants.Z_SYNC_FLUSH } : {}) });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ERR_BUFFER_TOO_LARGE") {
        throw new Error(`loadIdx: ${path}: the gzip data inflates beyond the ${limit - 1} bytes its IDX header declares (a corrupted file or a decompression bomb); stopped there`);
      }
      throw new Error(`loadIdx: ${path}: cannot decompress the gzip data (${(error as Error).message})`);
    }
  };
  let expected: number | null = null;
  // a prefix of the gzip bytes inflates to at most MAX_RATIO times its size: 1 KB first (which
  // holds the header unless the data barely compresses), then 16 times more while it does not
  for (let prefix = 1024; expected === null; prefix *= 16) {
    expected = declaredSize(inflate(bytes.subarray(0, prefix), prefix * MAX_RATIO, true), path);
    if (expected === null && prefix >= bytes.length) return inflate(bytes, bytes.length * MAX_RATIO, false); // shorter than a header: parseIdx explains
  }
  if (expected > bytes.length * MAX_RATIO) throw new Error(`loadIdx: ${path}: the IDX header declares ${expected} bytes, more than ${bytes.length} bytes of gzip data can hold (truncated or corrupted)`);
  return inflate(bytes, expected + 1, false);
}

/** Deflate expands at most about 1032-fold (258-byte matches coded in 2 bits): more is impossible. */
const MAX_RATIO = 1100;
