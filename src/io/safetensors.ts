/**
 * The safetensors format, byte for byte as the reference implementation writes it: an 8-byte
 * little-endian header length N, N bytes of compact JSON (`{"__metadata__": {...}, name:
 * {"dtype", "shape", "data_offsets"}}`, padded with spaces to a multiple of 8), then the raw
 * little-endian data of every tensor back to back. Pure functions over bytes, so the browser
 * can use them too; the file functions live in `safetensors-file.ts`.
 */
import { tensor } from "../tensor/creation.js";
import type { DType } from "../tensor/dtype.js";
import type { Tensor } from "../tensor/tensor.js";
import { parseJsonBounded } from "./bounded-json.js";

/**
 * The dtype codes nabla reads and writes, with their element sizes. I64 (PyTorch's integer
 * default, e.g. BatchNorm's `num_batches_tracked`) is read into int32, refusing values beyond it.
 */
const CODES = {
  I64: { dtype: "int32", bytes: 8 },
  F64: { dtype: "float64", bytes: 8 },
  F32: { dtype: "float32", bytes: 4 },
  I32: { dtype: "int32", bytes: 4 },
  BOOL: { dtype: "bool", bytes: 1 },
} as const;
type Code = keyof typeof CODES;
const CODE_OF: Record<DType, Code> = { float64: "F64", float32: "F32", int32: "I32", bool: "BOOL" };
// The reference sorts by descending dtype (its enum order: BOOL … I32, U32, F32, F64, I64), then by name.
const CODE_RANK: Record<Code, number> = { I64: 0, F64: 1, F32: 2, I32: 3, BOOL: 4 };
// The reference refuses headers above 100 MB: a wild length must not allocate gigabytes.
const MAX_HEADER_BYTES = 100_000_000;

/** Tensors and string metadata as stored in one safetensors file. */
export interface SafetensorsContents {
  tensors: Record<string, Tensor>;
  metadata: Record<string, string>;
}

interface HeaderEntry {
  dtype: Code;
  shape: number[];
  data_offsets: [number, number];
}

/**
 * `record[name] = value` as data: assignment to a name such as `__proto__` would replace the
 * object's prototype instead (and the tensor would vanish); a defined property never does.
 */
function setData<T>(record: Record<string, T>, name: string, value: T): void {
  Object.defineProperty(record, name, { value, enumerable: true, writable: true, configurable: true });
}

function compareUtf8(a: string, b: string): number {
  // Code-point order, as Rust and Python compare strings (JS `<` compares UTF-16 units).
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

/**
 * Serialises named tensors (e.g. `model.stateDict()`) to safetensors bytes.
 *
 * @example
 * ```ts
 * import { tensor, io } from "nabla";
 * const bytes = io.encodeSafetensors({ "0.weight": tensor([[1, 2]]) }, { metadata: { format: "pt" } });
 * console.log(io.decodeSafetensors(bytes).tensors["0.weight"]!.toArray()); // [[1, 2]]
 * ```
 */
export function encodeSafetensors(tensors: Record<string, Tensor>, options: { metadata?: Record<string, string> } = {}): Uint8Array {
  const names = Object.keys(tensors).sort((a, b) => CODE_RANK[CODE_OF[tensors[a]!.dtype]] - CODE_RANK[CODE_OF[tensors[b]!.dtype]] || compareUtf8(a, b));
  const header: Record<string, unknown> = {};
  const metadata = options.metadata ?? {};
  if (Object.keys(metadata).length > 0) {
    header.__metadata__ = Object.fromEntries(Object.keys(metadata).sort(compareUtf8).map((key) => [key, checkMetadataValue(key, metadata[key])]));
  }
  let offset = 0;
  for (const name of names) {
    if (name === "__metadata__") throw new Error(`encodeSafetensors: "__metadata__" is reserved and cannot name a tensor`);
    const t = tensors[name]!;
    const length = t.size * CODES[CODE_OF[t.dtype]].bytes;
    setData(header, name, { dtype: CODE_OF[t.dtype], shape: [...t.shape], data_offsets: [offset, offset + length] });
    offset += length;
  }
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil(json.length / 8) * 8;
  const bytes = new Uint8Array(8 + headerLength + offset);
  const view = new DataView(bytes.buffer);
  view.setBigUint64(0, BigInt(headerLength), true);
  bytes.set(json, 8);
  bytes.fill(0x20, 8 + json.length, 8 + headerLength);
  let position = 8 + headerLength;
  for (const name of names) {
    const values = tensors[name]!.toTypedArray();
    if (values instanceof Float64Array) for (const v of values) (view.setFloat64(position, v, true), (position += 8));
    else if (values instanceof Float32Array) for (const v of values) (view.setFloat32(position, v, true), (position += 4));
    else if (values instanceof Int32Array) for (const v of values) (view.setInt32(position, v, true), (position += 4));
    else for (const v of values) view.setUint8(position++, v);
  }
  return bytes;
}

function checkMetadataValue(key: string, value: unknown): string {
  if (typeof value !== "string") throw new Error(`safetensors: metadata "${key}" must be a string, got ${JSON.stringify(value)}`);
  return value;
}

/**
 * Parses safetensors bytes, checking every offset and length so a truncated or corrupted file
 * is an error naming `source` and what is wrong, never garbage weights.
 *
 * @example
 * ```ts
 * import { tensor, io } from "nabla";
 * const bytes = io.encodeSafetensors({ bias: tensor([0.5, -1]) });
 * const { tensors } = io.decodeSafetensors(bytes);
 * console.log(tensors.bias!.toArray()); // [0.5, -1]
 * ```
 */
export function decodeSafetensors(bytes: Uint8Array, options: { source?: string } = {}): SafetensorsContents {
  const source = options.source ?? "safetensors data";
  const fail = (why: string): never => {
    // a stranger's names and values are quoted in the reason: enough of them to identify the
    // problem, never a whole (possibly 100 MB) header
    throw new Error(`${source}: not a valid safetensors file: ${why.length > 400 ? `${why.slice(0, 400)}… (${why.length} characters)` : why}`);
  };
  if (bytes.length < 8) fail(`${bytes.length} bytes is too short to hold the 8-byte header length (truncated?)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = Number(view.getBigUint64(0, true));
  if (headerLength > MAX_HEADER_BYTES) fail(`header length ${headerLength} exceeds the 100 MB limit (corrupted?)`);
  if (8 + headerLength > bytes.length) fail(`header length ${headerLength} runs past the end of the ${bytes.length}-byte file (truncated?)`);
  const header = parseHeader(bytes.subarray(8, 8 + headerLength), fail);
  const dataStart = 8 + headerLength;
  const metadata = parseMetadata(header.__metadata__, fail);
  const entries = Object.entries(header).filter(([name]) => name !== "__metadata__").map(([name, raw]) => [name, checkEntry(name, raw, fail)] as const);
  entries.sort((a, b) => a[1].data_offsets[0] - b[1].data_offsets[0] || a[1].data_offsets[1] - b[1].data_offsets[1]);
  let expectedStart = 0;
  const tensors: Record<string, Tensor> = {};
  for (const [name, entry] of entries) {
    const [begin, end] = entry.data_offsets;
    if (begin !== expectedStart) fail(`tensor "${name}" starts at byte ${begin} of the data, expected ${expectedStart} (overlapping or gapped offsets)`);
    if (dataStart + end > bytes.length) fail(`tensor "${name}" needs data bytes ${begin}..${end} but the file holds only ${bytes.length - dataStart} (truncated?)`);
    setData(tensors, name, readTensor(view, dataStart + begin, entry, name));
    expectedStart = end;
  }
  if (dataStart + expectedStart !== bytes.length) fail(`${bytes.length - dataStart - expectedStart} bytes after the last tensor that the header does not describe`);
  return { tensors, metadata };
}

function parseHeader(headerBytes: Uint8Array, fail: (why: string) => never): Record<string, unknown> {
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(headerBytes);
  } catch {
    return fail("the header is not UTF-8 text");
  }
  let header: unknown;
  try {
    // a duplicated tensor name is refused (JSON.parse would keep the last), nesting is bounded
    header = parseJsonBounded(text, "the header");
  } catch (error) {
    return fail((error as Error).message);
  }
  if (typeof header !== "object" || header === null || Array.isArray(header)) return fail("the header is not a JSON object");
  return header as Record<string, unknown>;
}

function parseMetadata(raw: unknown, fail: (why: string) => never): Record<string, string> {
  if (raw === undefined) return {};
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return fail(`"__metadata__" must be an object of strings`);
  for (const [key, value] of Object.entries(raw)) if (typeof value !== "string") fail(`"__metadata__.${key}" must be a string, got ${JSON.stringify(value)}`);
  return { ...(raw as Record<string, string>) };
}

function checkEntry(name: string, raw: unknown, fail: (why: string) => never): HeaderEntry {
  const entry = raw as Partial<Record<string, unknown>> | null;
  if (typeof entry !== "object" || entry === null) return fail(`tensor "${name}": entry is not an object`);
  const { dtype, shape, data_offsets: offsets } = entry;
  // Object.hasOwn, not `in`: "toString" or "__proto__" are not dtypes
  if (typeof dtype !== "string" || !Object.hasOwn(CODES, dtype)) return fail(`tensor "${name}" has dtype ${JSON.stringify(dtype)}; nabla reads F32, F64, I32, I64 and BOOL`);
  const isCount = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 0;
  if (!Array.isArray(shape) || !shape.every(isCount)) return fail(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`);
  if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount) || offsets[1] < offsets[0]) {
    return fail(`tensor "${name}" has invalid data_offsets ${JSON.stringify(offsets)}`);
  }
  const expected = shape.reduce((a: number, b: number) => a * b, 1) * CODES[dtype as Code].bytes;
  if (!Number.isSafeInteger(expected)) return fail(`tensor "${name}" of shape [${shape.join(",")}] is too large to address`);
  if (offsets[1] - offsets[0] !== expected) {
    fail(`tensor "${name}" of shape [${shape.join(",")}] ${dtype} needs ${expected} bytes but data_offsets [${offsets.join(",")}] span ${offsets[1] - offsets[0]}`);
  }
  return { dtype: dtype as Code, shape, data_offsets: [offsets[0], offsets[1]] };
}

function readTensor(view: DataView, start: number, entry: HeaderEntry, name: string): Tensor {
  const { dtype, bytes } = CODES[entry.dtype];
  const count = (entry.data_offsets[1] - entry.data_offsets[0]) / bytes;
  // DataView: the data may be unaligned inside the buffer, and must be read little-endian.
  const values = new Float64Array(count);
  for (let i = 0; i < count; i++) {
    const at = start + bytes * i;
    switch (entry.dtype) {
      case "F64": values[i] = view.getFloat64(at, true); break;
      case "F32": values[i] = view.getFloat32(at, true); break;
      case "I32": values[i] = view.getInt32(at, true); break;
      case "BOOL": values[i] = view.getUint8(at); break;
      case "I64": {
        const v = view.getBigInt64(at, true);
        if (v < -(2n ** 31n) || v >= 2n ** 31n) throw new Error(`safetensors: tensor "${name}" (I64) holds ${v} at element ${i}, beyond int32, nabla's integer dtype`);
        values[i] = Number(v);
        break;
      }
    }
  }
  return tensor(values, { shape: entry.shape, dtype });
}
